package io.rulecast.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The committed dimension files are exactly what {@link WrongbookDimensions} generates. */
class WrongbookDimensionsTest {

    @Test
    void committedDimensionFilesMatchTheirSource() throws IOException {
        if (ExampleFiles.updating()) {
            WrongbookDimensions.write(ExampleFiles.WRONGBOOK);
        }
        assertEquals(
                WrongbookDimensions.sql(),
                Files.readString(
                        ExampleFiles.WRONGBOOK.resolve("schema/dims.sql"), StandardCharsets.UTF_8),
                ExampleFiles.regenerateHint());
        assertEquals(
                WrongbookDimensions.jsonl(WrongbookDimensions.questions(), "question_id"),
                ExampleFiles.read(ExampleFiles.DIMS.resolve("questions.jsonl")),
                ExampleFiles.regenerateHint());
        assertEquals(
                WrongbookDimensions.jsonl(WrongbookDimensions.students(), "user_id"),
                ExampleFiles.read(ExampleFiles.DIMS.resolve("students.jsonl")),
                ExampleFiles.regenerateHint());
    }

    @Test
    void fiftyQuestionsOverFiveSubjectsAndTwentyStudentsWithUniqueKeys() {
        List<Map<String, Object>> questions = WrongbookDimensions.questions();
        List<Map<String, Object>> students = WrongbookDimensions.students();
        assertEquals(50, questions.size());
        assertEquals(20, students.size());
        assertEquals(50, unique(questions, "question_id"));
        assertEquals(20, unique(students, "user_id"));
        assertEquals(5, unique(questions, "subject"));
        assertEquals(5, unique(questions, "difficulty"));
    }

    private static int unique(List<Map<String, Object>> rows, String column) {
        Set<Object> values = new HashSet<>();
        rows.forEach(r -> values.add(r.get(column)));
        return values.size();
    }
}
