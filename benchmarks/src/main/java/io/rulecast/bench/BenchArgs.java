package io.rulecast.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** The command line of the benchmark mains: {@code --name value} pairs, logging kept quiet. */
final class BenchArgs {
    private BenchArgs() {}

    /**
     * The pairs of {@code argv} by name (without {@code --}); prints {@code usage} and exits 2 on
     * anything else. Sets the simple logger to WARN unless told otherwise, so that Kafka's and
     * Flink's INFO lines (every client's configuration) do not bury the table.
     */
    static Map<String, String> parse(String[] argv, String usage) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                System.err.println(usage);
                System.exit(2);
            }
            args.put(argv[i].substring(2), argv[++i]);
        }
        return args;
    }
}
