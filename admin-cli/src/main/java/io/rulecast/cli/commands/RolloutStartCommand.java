package io.rulecast.cli.commands;

import io.rulecast.cli.CliException;
import io.rulecast.cli.ConnectionOptions;
import io.rulecast.cli.Inputs;
import io.rulecast.cli.Inputs.ConfigFile;
import io.rulecast.cli.Inputs.ScriptFile;
import io.rulecast.cli.RuleName;
import io.rulecast.cli.db.Rollout;
import io.rulecast.cli.db.RuleRow;
import io.rulecast.cli.db.RuleStore;
import io.rulecast.cli.text.Formats;
import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.RuleDefinition;
import io.rulecast.runtime.RuleId;
import io.rulecast.runtime.ScriptRuntime;
import io.rulecast.runtime.VersionHash;
import java.math.BigDecimal;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code rulecast rollout start RULE FILE (--shadow | --canary P)}: stores a candidate beside the
 * live version and starts (or changes) its rollout. The candidate is compiled in the sandbox first:
 * one that does not compile is never stored.
 */
@Command(
        name = "start",
        description = {
            "Start a rollout of FILE as the candidate of RULE, or change the running one.",
            "--shadow runs it after the live version on every event and reports differing outputs"
                    + " on the shadow topic, applying nothing; --canary P lets it serve P % of the"
                    + " state keys instead of the live version."
        })
public final class RolloutStartCommand extends BaseCommand {
    @Parameters(
            index = "0",
            paramLabel = "RULE",
            converter = RuleName.class,
            description = "domain/event_type/rule_name")
    RuleId rule;

    @Parameters(
            index = "1",
            paramLabel = "FILE",
            converter = Inputs.ScriptConverter.class,
            description = "The candidate script (*.groovy or *.js).")
    ScriptFile script;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            converter = Inputs.ConfigConverter.class,
            description = "The candidate's config_json (default: the live version's).")
    ConfigFile config;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode;

    /** Exactly one of the two modes. */
    static final class Mode {
        @Option(names = "--shadow", description = "Run the candidate beside the live version.")
        boolean shadow;

        @Option(
                names = "--canary",
                paramLabel = "P",
                description = "Serve P percent of the state keys (0-100) with the candidate.")
        BigDecimal canary;
    }

    @Mixin ConnectionOptions connection;

    @Override
    public Integer call() {
        BigDecimal percent = mode.shadow ? null : mode.canary;
        if (percent != null
                && (percent.signum() < 0
                        || percent.compareTo(BigDecimal.valueOf(100)) > 0
                        || percent.scale() > 2)) {
            throw CliException.usage(
                    "--canary "
                            + percent.toPlainString()
                            + ": give a percent from 0 to 100 (at most two decimals)");
        }
        String modeName = mode.shadow ? Rollout.SHADOW : Rollout.CANARY;
        try (ScriptRuntime runtime = new ScriptRuntime();
                RuleStore store = RuleStore.open(connection.database())) {
            String message =
                    store.inTransaction(
                            () -> {
                                RuleRow live = RolloutCommand.locked(store, rule);
                                String configJson =
                                        config != null ? config.json() : live.configJson();
                                compile(runtime, configJson);
                                String candidate =
                                        VersionHash.of(
                                                script.language().id(), script.text(), configJson);
                                if (candidate.equals(live.version())) {
                                    throw CliException.usage(
                                            "the candidate is the live version "
                                                    + Formats.shortHash(candidate)
                                                    + " already — nothing to try");
                                }
                                Rollout before = live.rollout();
                                store.startRollout(
                                        live.id(),
                                        script.language().id(),
                                        script.text(),
                                        configJson,
                                        modeName,
                                        percent);
                                Rollout now = store.find(rule, false).orElseThrow().rollout();
                                String verb =
                                        before == null
                                                ? "started"
                                                : before.candidateVersion().equals(candidate)
                                                        ? "changed"
                                                        : "replaced the candidate of";
                                return verb
                                        + " rollout of "
                                        + rule
                                        + ": candidate "
                                        + candidate
                                        + " "
                                        + now.describe()
                                        + " beside live "
                                        + Formats.shortHash(live.version());
                            });
            out().println(message);
        }
        return 0;
    }

    private void compile(ScriptRuntime runtime, String configJson) {
        try {
            runtime.compile(new RuleDefinition(rule, script.language(), script.text(), configJson));
        } catch (CompileException e) {
            err().println(ValidateCommand.position(script, e) + " " + e.detail());
            throw CliException.failedCheck(script.path() + " does not compile; nothing written");
        }
    }
}
