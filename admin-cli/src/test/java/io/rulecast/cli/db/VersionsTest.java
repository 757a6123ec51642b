package io.rulecast.cli.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.cli.CliException;
import io.rulecast.runtime.RuleId;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class VersionsTest {
    private static final RuleId RULE = new RuleId("d", "t", null);

    private static HistoryEntry entry(long id, String hash) {
        return new HistoryEntry(
                id,
                1,
                "UPDATE",
                Instant.EPOCH,
                "root@localhost",
                hash,
                RULE,
                "js",
                "s",
                null,
                true,
                0,
                null,
                null,
                null);
    }

    private final List<HistoryEntry> history =
            List.of(
                    entry(3, "abcd1111" + "0".repeat(56)),
                    entry(4, "abcd2222" + "0".repeat(56)),
                    entry(5, "1234ffff" + "0".repeat(56)),
                    entry(6, "abcd1111" + "0".repeat(56)));

    @Test
    void historyIdWithOrWithoutHash() {
        assertEquals(4, Versions.resolve(RULE, "4", history).id());
        assertEquals(5, Versions.resolve(RULE, "#5", history).id());
    }

    @Test
    void hashPrefixPicksTheNewestEntryOfThatVersion() {
        assertEquals(6, Versions.resolve(RULE, "abcd1", history).id());
        assertEquals(4, Versions.resolve(RULE, "ABCD2", history).id());
    }

    @Test
    void ambiguousPrefixListsTheCandidates() {
        CliException e =
                assertThrows(CliException.class, () -> Versions.resolve(RULE, "abcd", history));
        assertEquals(CliException.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("abcd11110000"), e.getMessage());
        assertTrue(e.getMessage().contains("abcd22220000"), e.getMessage());
    }

    @Test
    void digitsThatAreBothAnIdAndAPrefixAreAmbiguous() {
        List<HistoryEntry> h =
                List.of(entry(1234, "ffff" + "0".repeat(60)), entry(7, "1234" + "a".repeat(60)));
        CliException e = assertThrows(CliException.class, () -> Versions.resolve(RULE, "1234", h));
        assertTrue(e.getMessage().contains("#1234"), e.getMessage());
        assertEquals(1234, Versions.resolve(RULE, "#1234", h).id());
    }

    @Test
    void tooShortOrUnknownIsAUsageError() {
        assertEquals(
                CliException.USAGE,
                assertThrows(CliException.class, () -> Versions.resolve(RULE, "abc", history))
                        .exitCode());
        assertEquals(
                CliException.USAGE,
                assertThrows(CliException.class, () -> Versions.resolve(RULE, "99", history))
                        .exitCode());
        assertEquals(
                CliException.USAGE,
                assertThrows(CliException.class, () -> Versions.resolve(RULE, "eeee", history))
                        .exitCode());
    }
}
