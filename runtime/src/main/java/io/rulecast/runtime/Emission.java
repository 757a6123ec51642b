package io.rulecast.runtime;

import java.util.Map;

/**
 * Something a script asked for during one invocation, in the order it asked. The runtime never
 * applies these itself: the Flink job writes them to MySQL and Kafka, {@code replay} prints them.
 * All values are plain data (strings, numbers, booleans, null, lists, maps).
 */
public sealed interface Emission {

    /** Insert-or-update {@code row} into {@code table}; the table's primary key decides the row. */
    record Upsert(String table, Map<String, Object> row) implements Emission {}

    /** Delete the row of {@code table} whose key columns are {@code key}. */
    record Delete(String table, Map<String, Object> key) implements Emission {}

    /** An alert for the alerts topic. */
    record Alert(String level, String message, Map<String, Object> fields) implements Emission {}

    /** A metric for the metrics topic. */
    record Metric(String name, Number value, Map<String, Object> tags) implements Emission {}
}
