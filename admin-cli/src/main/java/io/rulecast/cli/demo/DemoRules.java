package io.rulecast.cli.demo;

import io.rulecast.examples.RuleManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's rules step: every rule of the example's manifest, pushed with {@code rulecast push}.
 */
final class DemoRules {
    private DemoRules() {}

    /** One line per rule: what push said, the file and the priority. */
    static List<String> push(WrongbookExample example, DemoDatabase.Db db, Path workDir)
            throws IOException {
        Path configs = Files.createDirectories(workDir.resolve("config"));
        List<String> lines = new ArrayList<>();
        for (RuleManifest.Rule r : example.manifest().rules()) {
            Path config = configs.resolve(r.eventType() + "." + r.ruleName() + ".json");
            Files.writeString(config, r.configJson() == null ? "{}" : r.configJson());
            List<String> args =
                    new ArrayList<>(
                            List.of(
                                    "push",
                                    example.manifest().dir().resolve(r.file()).toString(),
                                    "--domain",
                                    r.domain(),
                                    "--type",
                                    r.eventType(),
                                    "--name",
                                    r.ruleName(),
                                    "--priority",
                                    Integer.toString(r.priority()),
                                    "--config",
                                    config.toString()));
            args.addAll(db.cliArgs());
            List<String> result = CliCalls.run(args.toArray(String[]::new));
            String line =
                    result.isEmpty() ? "" : CliCalls.shortenHashes(result.get(result.size() - 1));
            lines.add(line + "  (" + r.file() + ", priority " + r.priority() + ")");
        }
        return lines;
    }
}
