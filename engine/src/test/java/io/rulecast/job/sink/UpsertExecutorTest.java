package io.rulecast.job.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.job.jdbc.JdbcConnectionSpec;
import java.io.IOException;
import java.sql.BatchUpdateException;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.util.List;
import java.util.Map;
import org.apache.flink.metrics.SimpleCounter;
import org.junit.jupiter.api.Test;

class UpsertExecutorTest {

    @Test
    void dataErrorsAreRowErrorsAndConnectionOrLockErrorsAreNot() {
        assertTrue(UpsertExecutor.isRowError(new SQLDataException("too long", "22001", 1406)));
        assertTrue(
                UpsertExecutor.isRowError(
                        new SQLException("Incorrect integer value", "HY000", 1366)));
        assertTrue(
                UpsertExecutor.isRowError(
                        new SQLException("Column 'x' cannot be null", "23000", 1048)));
        SQLException cause = new SQLException("Data too long", "22001", 1406);
        assertTrue(UpsertExecutor.isRowError(new BatchUpdateException("batch", new int[0], cause)));

        assertFalse(
                UpsertExecutor.isRowError(
                        new SQLException("Communications link failure", "08S01", 0)));
        assertFalse(
                UpsertExecutor.isRowError(
                        new SQLTransactionRollbackException("Deadlock", "40001", 1213)));
        assertFalse(
                UpsertExecutor.isRowError(new SQLException("Lock wait timeout", "HY000", 1205)));
    }

    @Test
    void afterTheLastRetryTheFlushFailsNamingRowsTablesAndCause() {
        JdbcConnectionSpec nowhere =
                new JdbcConnectionSpec("jdbc:mysql://127.0.0.1:1/none", "u", "");
        SimpleCounter retries = new SimpleCounter();
        TableWrite w =
                new TableWrite(
                        TableWrite.Kind.UPSERT, "t", Map.of("id", 1, "a", 2), "r", "v", "e", 0L);
        try (UpsertExecutor executor =
                new UpsertExecutor(nowhere, 2, 1, new SimpleCounter(), retries)) {
            IOException e =
                    assertThrows(
                            IOException.class,
                            () -> executor.execute(UpsertPlan.of(List.of(w), t -> List.of("id"))));
            assertTrue(
                    e.getMessage().startsWith("writing 1 rows to t failed 3 times, last: "),
                    e.getMessage());
        }
        assertEquals(2, retries.getCount());
    }
}
