package io.rulecast.cli.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class UnifiedDiffTest {

    @Test
    void equalTextsHaveNoDiff() {
        assertEquals("", UnifiedDiff.of("a", "x\ny\n", "b", "x\ny\n"));
    }

    @Test
    void oneChangedLineWithContext() {
        String a = "1\n2\n3\n4\n5\n6\n7\n8\n";
        String b = "1\n2\n3\n4\nfive\n6\n7\n8\n";
        assertEquals(
                "--- a\n+++ b\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n",
                UnifiedDiff.of("a", a, "b", b));
    }

    @Test
    void insertionAtTheStartAndFarApartChangesMakeTwoHunks() {
        String a = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";
        String b = "new\na\nb\nc\nd\ne\nf\ng\nh\ni\nJ\n";
        assertEquals(
                "--- x\n+++ y\n"
                        + "@@ -1,3 +1,4 @@\n+new\n a\n b\n c\n"
                        + "@@ -7,4 +8,4 @@\n g\n h\n i\n-j\n+J\n",
                UnifiedDiff.of("x", a, "y", b));
    }

    @Test
    void largeRewritesStillGiveTheShortestEdit() {
        // 5,000 x 5,000 lines = 25 M cells: the hand-written LCS gave up past 16 M and printed
        // every line as removed and added.
        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            a.append("line ").append(i).append('\n');
            b.append(i % 1000 == 500 ? "changed " : "line ").append(i).append('\n');
        }
        String diff = UnifiedDiff.of("a", a.toString(), "b", b.toString());
        assertEquals(5, diff.lines().filter(l -> l.startsWith("-line")).count(), diff);
        assertEquals(5, diff.lines().filter(l -> l.startsWith("+changed")).count(), diff);
        assertEquals(5, diff.lines().filter(l -> l.startsWith("@@")).count(), diff);
    }

    @Test
    void fromEmptyText() {
        assertEquals(
                "--- a\n+++ b\n@@ -1,0 +1,2 @@\n+x\n+y\n", UnifiedDiff.of("a", "", "b", "x\ny"));
    }
}
