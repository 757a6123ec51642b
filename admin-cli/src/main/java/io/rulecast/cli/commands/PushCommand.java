package io.rulecast.cli.commands;

import io.rulecast.cli.CliException;
import io.rulecast.cli.ConnectionOptions;
import io.rulecast.cli.Inputs;
import io.rulecast.cli.Inputs.ConfigFile;
import io.rulecast.cli.Inputs.ScriptFile;
import io.rulecast.cli.db.RuleRow;
import io.rulecast.cli.db.RuleStore;
import io.rulecast.cli.replay.ReplayRunner;
import io.rulecast.cli.replay.Replayer;
import io.rulecast.cli.text.Formats;
import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.RuleDefinition;
import io.rulecast.runtime.RuleId;
import io.rulecast.runtime.ScriptRuntime;
import io.rulecast.runtime.VersionHash;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code rulecast push}: checks a script (compile in the sandbox, optionally a replay of sample
 * events) and only then writes its routing row, in one transaction. The job picks the new version
 * up from the row; the database's triggers record it in the history.
 */
@Command(
        name = "push",
        description = {
            "Validate a script, optionally replay sample events through it, then insert or update its"
                    + " routing row and print the version hash.",
            "Options not given keep the row's current priority and config; the rule is enabled"
                    + " unless --disabled."
        })
public final class PushCommand extends BaseCommand {
    @Parameters(
            paramLabel = "FILE",
            converter = Inputs.ScriptConverter.class,
            description = "The script (*.groovy or *.js).")
    ScriptFile script;

    @Option(
            names = "--domain",
            required = true,
            paramLabel = "DOMAIN",
            description = "The rule's domain.")
    String domain;

    @Option(names = "--type", required = true, paramLabel = "TYPE", description = "Event type.")
    String type;

    @Option(
            names = "--name",
            paramLabel = "NAME",
            defaultValue = RuleId.DEFAULT_NAME,
            description = "Rule name (default ${DEFAULT-VALUE}).")
    String name;

    @Option(
            names = "--priority",
            paramLabel = "P",
            description = "Higher runs first (default: unchanged, 0 for a new rule).")
    Integer priority;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            converter = Inputs.ConfigConverter.class,
            description = "config_json: a JSON object (default: unchanged, none for a new rule).")
    ConfigFile config;

    @Option(names = "--disabled", description = "Store the rule disabled.")
    boolean disabled;

    @Option(
            names = "--replay",
            paramLabel = "EVENTS.jsonl",
            converter = Inputs.ExistingFile.class,
            description =
                    "Replay these events first; refuse to write if a rule fails (or, with --expect,"
                            + " if the output differs).")
    Path replayEvents;

    @Mixin ReplayCommand.ReplayOptions replay;

    @Mixin ConnectionOptions connection;

    @Override
    public Integer call() {
        if (replay.expect != null && replayEvents == null) {
            throw new ParameterException(spec.commandLine(), "--expect needs --replay EVENTS");
        }
        RuleId id = new RuleId(domain, type, name);
        try (ScriptRuntime runtime = new ScriptRuntime(replay.runtimeOptions())) {
            // Compile before touching the database: a broken script needs no connection to refuse.
            try {
                runtime.check(
                        script.language(), script.text(), script.path().getFileName().toString());
            } catch (CompileException e) {
                err().println(ValidateCommand.position(script, e) + " " + e.detail());
                throw CliException.failedCheck(
                        script.path() + " does not compile; nothing written");
            }
            try (RuleStore store = RuleStore.open(connection.database())) {
                Optional<RuleRow> current = store.find(id);
                String configJson =
                        config != null
                                ? config.json()
                                : current.map(RuleRow::configJson).orElse(null);
                int prio = priority != null ? priority : current.map(RuleRow::priority).orElse(0);
                RuleDefinition def =
                        new RuleDefinition(
                                id, script.language(), script.text(), configJson, prio, true);
                try {
                    runtime.compile(def);
                } catch (CompileException e) {
                    throw CliException.failedCheck(
                            id + ": " + e.getMessage() + "; nothing written");
                }
                if (replayEvents != null) {
                    checkReplay(runtime, def);
                }
                return write(store, id, configJson, prio);
            }
        }
    }

    private void checkReplay(ScriptRuntime runtime, RuleDefinition def) {
        try (Replayer replayer =
                new Replayer(runtime, List.of(def), replay.dimensions(), replay.keyPath)) {
            ReplayRunner.Result r =
                    ReplayRunner.run(replayer, replayEvents, replay.expect, out(), err());
            err().println(ReplayRunner.summary(r.stats(), 1));
            if (r.matched() != null && !r.matched()) {
                throw CliException.failedCheck(
                        "replay output differs from " + replay.expect + "; nothing written");
            }
            if (r.matched() == null && r.stats().failures > 0) {
                throw CliException.failedCheck(
                        def.id()
                                + " failed on "
                                + r.stats().failures
                                + " of the replayed events (see the failure lines); nothing"
                                + " written — fix the script, or give --expect with those failures");
            }
        }
    }

    private int write(RuleStore store, RuleId id, String configJson, int prio) {
        String language = script.language().id();
        boolean enabled = !disabled;
        String newVersion = VersionHash.of(language, script.text(), configJson);
        String message =
                store.inTransaction(
                        () -> {
                            Optional<RuleRow> row = store.find(id, true);
                            if (row.isEmpty()) {
                                store.insert(
                                        id, language, script.text(), configJson, enabled, prio);
                                return "created " + id + " " + stored(store, id);
                            }
                            RuleRow r = row.get();
                            if (r.version().equals(newVersion)
                                    && r.enabled() == enabled
                                    && r.priority() == prio) {
                                return "unchanged: "
                                        + r.version()
                                        + " ("
                                        + id
                                        + " already runs it)";
                            }
                            store.update(
                                    r.id(), language, script.text(), configJson, enabled, prio);
                            String v = stored(store, id);
                            String was =
                                    v.equals(r.version())
                                            ? describeToggle(r, enabled, prio)
                                            : "was " + Formats.shortHash(r.version());
                            return "updated " + id + " " + v + " (" + was + ")";
                        });
        out().println(message);
        return 0;
    }

    /** The version as stored, read back inside the transaction. */
    private static String stored(RuleStore store, RuleId id) throws java.sql.SQLException {
        return store.find(id, false).orElseThrow().version();
    }

    private static String describeToggle(RuleRow r, boolean enabled, int prio) {
        StringBuilder sb = new StringBuilder("same version");
        if (r.enabled() != enabled) {
            sb.append(enabled ? ", now enabled" : ", now disabled");
        }
        if (r.priority() != prio) {
            sb.append(", priority ").append(r.priority()).append(" → ").append(prio);
        }
        return sb.toString();
    }
}
