package io.rulecast.cli.commands;

import io.rulecast.cli.CliException;
import io.rulecast.cli.ConnectionOptions;
import io.rulecast.cli.Inputs;
import io.rulecast.cli.Inputs.ConfigFile;
import io.rulecast.cli.Inputs.ScriptFile;
import io.rulecast.cli.db.RuleRow;
import io.rulecast.cli.db.RuleStore;
import io.rulecast.cli.replay.JsonlDimensions;
import io.rulecast.cli.replay.ReplayRunner;
import io.rulecast.cli.replay.Replayer;
import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.RuleDefinition;
import io.rulecast.runtime.RuleId;
import io.rulecast.runtime.RuntimeOptions;
import io.rulecast.runtime.ScriptRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code rulecast replay}: runs sample events through a script file or the rules in MySQL, with the
 * job's own runtime, and prints SPEC.md's replay lines — or compares them with {@code --expect}.
 */
@Command(
        name = "replay",
        description = {
            "Run events (JSON lines) through a script or the rules in MySQL, in-process, and print"
                    + " one JSON line per output.",
            "With --expect, compare with expected lines instead (exit 1 and a diff when they differ)."
        })
public final class ReplayCommand extends BaseCommand {
    @Option(
            names = "--events",
            required = true,
            paramLabel = "EVENTS.jsonl",
            converter = Inputs.ExistingFile.class,
            description = "Events, one JSON object per line.")
    Path events;

    @Option(
            names = "--script",
            paramLabel = "FILE",
            converter = Inputs.ScriptConverter.class,
            description = "Replay this script (*.groovy, *.js) as rule DOMAIN/TYPE/NAME.")
    ScriptFile script;

    @Option(names = "--domain", paramLabel = "DOMAIN", description = "With --script.")
    String domain;

    @Option(names = "--type", paramLabel = "TYPE", description = "With --script.")
    String type;

    @Option(
            names = "--name",
            paramLabel = "NAME",
            defaultValue = RuleId.DEFAULT_NAME,
            description = "With --script (default ${DEFAULT-VALUE}).")
    String name;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            converter = Inputs.ConfigConverter.class,
            description = "With --script: its config_json (a JSON object).")
    ConfigFile config;

    @Option(
            names = "--candidate",
            paramLabel = "FILE",
            converter = Inputs.ScriptConverter.class,
            description =
                    "With --script: run this candidate version in shadow beside it and print the"
                            + " events whose outputs differ (shadow records), then a summary line.")
    ScriptFile candidate;

    @Option(
            names = "--candidate-config",
            paramLabel = "FILE",
            converter = Inputs.ConfigConverter.class,
            description = "With --candidate: its config_json (default: the script's --config).")
    ConfigFile candidateConfig;

    @Option(
            names = "--from-db",
            description = "Replay the enabled rules currently in MySQL instead of a script.")
    boolean fromDb;

    @Mixin ReplayOptions replay;

    @Mixin ConnectionOptions connection;

    @Override
    public Integer call() {
        List<RuleDefinition> rules = new ArrayList<>();
        if (fromDb == (script != null)) {
            throw new ParameterException(
                    spec.commandLine(),
                    "give either --script FILE --domain D --type T, or --from-db");
        }
        if (candidate == null && candidateConfig != null) {
            throw new ParameterException(
                    spec.commandLine(), "--candidate-config needs --candidate");
        }
        if (candidate != null && script == null) {
            throw new ParameterException(
                    spec.commandLine(), "--candidate needs --script (the live version)");
        }
        if (script != null) {
            if (domain == null || type == null) {
                throw new ParameterException(
                        spec.commandLine(), "--script needs --domain and --type");
            }
            rules.add(
                    new RuleDefinition(
                            new RuleId(domain, type, name),
                            script.language(),
                            script.text(),
                            config == null ? null : config.json()));
        } else {
            try (RuleStore store = RuleStore.open(connection.database())) {
                for (RuleRow r : store.enabled()) {
                    rules.add(r.definition());
                }
            }
            if (rules.isEmpty()) {
                err().println("warning: no enabled rules in " + connection.database());
            }
        }
        try (ScriptRuntime runtime = new ScriptRuntime(replay.runtimeOptions())) {
            if (script != null) {
                // A script that does not compile is a failed check, reported like validate does.
                try {
                    runtime.compile(rules.get(0));
                } catch (CompileException e) {
                    err().println(ValidateCommand.position(script, e) + " " + e.detail());
                    return CliException.FAILED_CHECK;
                }
            }
            try (Replayer replayer =
                    new Replayer(runtime, rules, replay.dimensions(), replay.keyPath)) {
                if (candidate != null) {
                    RuleDefinition live = rules.get(0);
                    RuleDefinition c =
                            new RuleDefinition(
                                    live.id(),
                                    candidate.language(),
                                    candidate.text(),
                                    candidateConfig != null
                                            ? candidateConfig.json()
                                            : live.configJson());
                    try {
                        replayer.shadow(c);
                    } catch (CompileException e) {
                        err().println(ValidateCommand.position(candidate, e) + " " + e.detail());
                        return CliException.FAILED_CHECK;
                    }
                }
                for (Map.Entry<RuleId, CompileException> e : replayer.compileErrors().entrySet()) {
                    err().println(
                                    "warning: "
                                            + e.getKey()
                                            + " does not compile, its events fail with COMPILE_ERROR: "
                                            + e.getValue().getMessage());
                }
                ReplayRunner.Result result =
                        ReplayRunner.run(replayer, events, replay.expect, out(), err());
                err().println(ReplayRunner.summary(result.stats(), rules.size()));
                if (result.matched() == null) {
                    return 0;
                }
                if (result.matched()) {
                    out().println("output matches " + replay.expect);
                    return 0;
                }
                throw CliException.failedCheck(
                        "replay output differs from "
                                + replay.expect
                                + " ("
                                + result.differences()
                                + (result.differences() == 1 ? " line)" : " lines)"));
            }
        }
    }

    /** The options replay shares with {@code push --replay}. */
    public static final class ReplayOptions {
        @Option(
                names = "--dims",
                paramLabel = "DIR",
                converter = Inputs.ExistingDir.class,
                description =
                        "Dimension tables: DIR/<name>.jsonl, lines {\"key\": …, \"row\": {…}}.")
        Path dims;

        @Option(
                names = "--key-path",
                paramLabel = "PATH",
                defaultValue = "eventId",
                description =
                        "Event field keying ctx.state, e.g. payload.userId (default ${DEFAULT-VALUE}).")
        String keyPath;

        @Option(
                names = "--expect",
                paramLabel = "EXPECTED.jsonl",
                converter = Inputs.ExistingFile.class,
                description = "Compare the output with these lines instead of printing it.")
        Path expect;

        @Option(
                names = "--script-timeout",
                paramLabel = "MS",
                defaultValue = "100",
                description =
                        "Time bound of one invocation in ms, as script.timeout (default ${DEFAULT-VALUE}).")
        long scriptTimeoutMs;

        RuntimeOptions runtimeOptions() {
            if (scriptTimeoutMs <= 0) {
                throw CliException.usage("--script-timeout must be positive");
            }
            return RuntimeOptions.defaults().withTimeout(Duration.ofMillis(scriptTimeoutMs));
        }

        JsonlDimensions dimensions() {
            return new JsonlDimensions(dims);
        }
    }
}
