package io.rulecast.job.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.cluster.FlinkCluster;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job jar as built ({@code engine/target/rulecast-engine-*.jar}): what it holds, and that it
 * checks its configuration with {@code java -cp} and Flink's jars alone, no cluster, no database.
 */
class ShadedJarITCase {
    @TempDir Path dir;

    @Test
    void holdsTheJobAndItsLibrariesButNotFlink() throws IOException {
        try (JarFile jar = new JarFile(FlinkClusterITCase.jobJar().toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertEquals("io.rulecast.job.RulecastJob", main.getValue("Main-Class"));
            // Truffle refuses to start from a jar without it.
            assertEquals("true", main.getValue("Multi-Release"));
            List<String> names = jar.stream().map(e -> e.getName()).toList();
            for (String expected :
                    List.of(
                            "io/rulecast/job/RulecastJob.class",
                            "org/apache/flink/connector/kafka/source/KafkaSource.class",
                            "org/apache/flink/connector/base/source/reader/RecordEmitter.class",
                            "org/apache/kafka/clients/consumer/KafkaConsumer.class",
                            "groovy/lang/GroovyShell.class",
                            "org/graalvm/polyglot/Context.class",
                            "com/oracle/truffle/js/lang/JavaScriptLanguage.class",
                            "com/github/benmanes/caffeine/cache/Caffeine.class",
                            "com/mysql/cj/jdbc/Driver.class",
                            "META-INF/services/org.graalvm.polyglot.impl.AbstractPolyglotImpl",
                            "META-INF/services/com.oracle.truffle.api.provider.TruffleLanguageProvider")) {
                assertTrue(names.contains(expected), "missing " + expected);
            }
            for (String name : names) {
                assertTrue(
                        !name.startsWith("org/apache/flink/runtime/")
                                && !name.startsWith("org/apache/flink/api/common/")
                                && !name.startsWith("org/apache/flink/streaming/api/")
                                && !name.startsWith("org/slf4j/")
                                && !name.startsWith("org/apache/logging/log4j/")
                                && !name.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"),
                        "the job jar must not contain " + name);
            }
            // Every language Truffle needs to find is registered in the merged service file.
            String languages =
                    new String(
                            jar.getInputStream(
                                            jar.getEntry(
                                                    "META-INF/services/com.oracle.truffle.api.provider.TruffleLanguageProvider"))
                                    .readAllBytes(),
                            StandardCharsets.UTF_8);
            assertTrue(languages.contains("com.oracle.truffle.js"), languages);
            assertTrue(languages.contains("com.oracle.truffle.regex"), languages);
        }
    }

    @Test
    void namesTheMissingKeyWithoutACluster() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.properties"), "job.name = x\n");
        Run run = java("--config", empty.toString());
        assertNotEquals(0, run.exit, run.output);
        assertTrue(
                run.output.contains(
                        "rulecast: missing rules.jdbc.url: set it in the properties file or pass"
                                + " --rules.jdbc.url <value>"),
                run.output);
    }

    @Test
    void namesAMisspelledKey() throws Exception {
        Run run = java("--rules.jdbc.url", "jdbc:mysql://127.0.0.1/x", "--parallelizm", "2");
        assertNotEquals(0, run.exit, run.output);
        assertTrue(
                run.output.contains("rulecast: unknown key parallelizm: did you mean parallelism?"),
                run.output);
    }

    @Test
    void helpListsTheSettings() throws Exception {
        Run run = java("--help");
        assertEquals(0, run.exit, run.output);
        for (String key :
                List.of("rules.jdbc.url", "kafka.bootstrap.servers", "sink.tables.allowed")) {
            assertTrue(run.output.contains("  " + key), run.output);
        }
        assertTrue(run.output.contains("rules.poll.interval (default 500 ms)"), run.output);
    }

    private record Run(int exit, String output) {}

    /** {@code java -cp <job jar>:<Flink's lib> io.rulecast.job.RulecastJob ARGS}. */
    private Run java(String... args) throws Exception {
        List<String> cp = new ArrayList<>();
        cp.add(FlinkClusterITCase.jobJar().toString());
        cp.addAll(FlinkCluster.flinkClasspath());
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(String.join(File.pathSeparator, cp));
        command.add("io.rulecast.job.RulecastJob");
        command.addAll(List.of(args));
        Path out = dir.resolve("out-" + System.nanoTime() + ".txt");
        Process p =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile())
                        .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("java " + String.join(" ", args) + " did not end in 60 s");
        }
        return new Run(p.exitValue(), Files.readString(out));
    }
}
