package io.rulecast.cli.scaffold;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rulecast.examples.RuleManifest;
import io.rulecast.runtime.Language;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scaffold's own check notices a rule that does not do what the spec says. */
class SpecCheckTest {
    @TempDir Path dir;

    @Test
    void aRuleWritingAnotherConstantIsCaught() throws Exception {
        String text =
                Files.readString(
                        Path.of(getClass().getResource("/scaffold/shop.spec.json").toURI()));
        DomainSpec spec = SpecReader.read(text);
        Map<String, List<Map<String, Object>>> dims = DimensionRows.of(spec);
        List<String> events = new SampleEvents(spec, dims, 42).generate().lines();
        Map<String, String> files = DomainFiles.of(spec, text, Language.JS, dims, events);
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path p = dir.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue());
        }
        Path paid = dir.resolve("rules/order_paid.js");
        Files.writeString(
                paid, Files.readString(paid).replace("status: 'PAID'", "status: 'PAYED'"));
        List<String> out;
        try (DomainReplay replay =
                new DomainReplay(
                        RuleManifest.load(dir.resolve("rules/rules.json")).definitions(),
                        dir.resolve("dims"),
                        spec.keyPath(),
                        Scaffolder.REPLAY_TIMEOUT)) {
            out = replay.replay(events).lines();
        }
        List<String> wrong = SpecCheck.disagreements(spec, dims, Language.JS, events, out, 1);
        assertEquals(1, wrong.size(), wrong.toString());
        String first = out.stream().filter(l -> l.contains("PAYED")).findFirst().orElseThrow();
        int line = out.indexOf(first) + 1;
        String eventId = first.substring(12, first.indexOf('"', 12));
        assertEquals(
                "output line "
                        + line
                        + " ("
                        + eventId
                        + ", upsert): row.status is \"PAYED\", the spec says \"PAID\"",
                wrong.get(0));
    }
}
