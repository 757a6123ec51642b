package io.rulecast.job.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RulePollerTest {
    private long now = 0;
    private final List<RoutingRow> table = new ArrayList<>();
    private boolean down;
    private long readMillis;
    private final RulePoller poller =
            new RulePoller(
                    () -> {
                        now += readMillis;
                        if (down) {
                            throw new SQLException("Communications link failure");
                        }
                        return List.copyOf(table);
                    },
                    Duration.ofMillis(500),
                    Duration.ofSeconds(4),
                    () -> now);

    @Test
    void anOutageKeepsTheRulesBacksOffAndReportsStaleness() {
        table.add(row(1, "a"));
        assertEquals(1, poller.poll().size());
        assertEquals(500, poller.nextDelayMillis());

        down = true;
        now += 500;
        assertNull(poller.poll());
        assertEquals(1000, poller.nextDelayMillis());
        now += 1000;
        assertNull(poller.poll());
        assertEquals(2000, poller.nextDelayMillis());
        now += 2000;
        assertNull(poller.poll());
        assertEquals(4000, poller.nextDelayMillis());
        assertNull(poller.poll());
        assertEquals(4000, poller.nextDelayMillis(), "capped at the maximum backoff");
        assertEquals(3500, poller.stalenessMillis());
        assertEquals(1, poller.rowCount(), "the last good read is kept");

        down = false;
        table.set(0, row(1, "b"));
        now += 4000;
        List<RuleChange> changes = poller.poll();
        assertEquals(List.of(RuleChange.upsert(row(1, "b"))), changes);
        assertEquals(0, poller.stalenessMillis());
        assertEquals(500, poller.nextDelayMillis());
        assertEquals(4, poller.failures());
    }

    @Test
    void theIntervalCountsFromTheStartOfAReadSoAChangeWaitsAtMostOneInterval() {
        table.add(row(1, "a"));
        readMillis = 30;
        poller.poll();
        assertEquals(470, poller.nextDelayMillis(), "500 ms from the read's start");
        readMillis = 480;
        poller.poll();
        assertEquals(50, poller.nextDelayMillis(), "at least a tenth of the interval");
        readMillis = 900;
        poller.poll();
        assertEquals(50, poller.nextDelayMillis());
        readMillis = 30;
        down = true;
        poller.poll();
        assertEquals(1000, poller.nextDelayMillis(), "a failed read backs off as before");
    }

    @Test
    void stalenessCountsFromStartUntilTheFirstRead() {
        down = true;
        now = 3000;
        assertNull(poller.poll());
        assertEquals(3000, poller.stalenessMillis());
        assertTrue(!poller.everSucceeded());
    }

    private static RoutingRow row(long id, String script) {
        return new RoutingRow(id, "d", "t", "main", "groovy", script, null, true, 0, 0);
    }
}
