package io.rulecast.cli.commands;

import io.rulecast.broker.KafkaBroker;
import io.rulecast.broker.KafkaBrokerException;
import io.rulecast.cli.CliException;
import io.rulecast.cli.demo.DemoConsole;
import io.rulecast.cli.demo.DemoEnvironment;
import io.rulecast.cli.demo.DemoSteps;
import io.rulecast.cli.demo.WrongbookExample;
import io.rulecast.examples.WrongbookEventGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rulecast demo}: the whole product on one machine with nothing set up. Starts a Kafka
 * broker (a child JVM) and uses MariaDB at 127.0.0.1:3306 or starts an embedded one, migrates,
 * loads the wrongbook example's dimensions, pushes its rules, runs the job in an embedded
 * MiniCluster, streams the sample events, shows the wide table, alerts and dead letters, then
 * changes a rule with a plain SQL {@code UPDATE} and measures how long the new version takes to go
 * live. Everything it started is stopped when it ends, also on Ctrl-C. The steps are in {@link
 * DemoSteps}.
 */
@Command(
        name = "demo",
        description = {
            "The whole product on one machine with nothing set up: starts a Kafka broker and (if"
                    + " none is reachable) an embedded MariaDB, migrates, pushes the wrongbook rules,"
                    + " runs the job, streams sample events, shows the wide table, then hot-updates a"
                    + " rule with an SQL UPDATE and shows the change.",
            "Uses its own database (--database, dropped and re-created) and topics; stops"
                    + " everything it started when it ends."
        })
public final class DemoCommand extends BaseCommand {
    @Option(
            names = "--events",
            paramLabel = "N",
            description =
                    "Stream N events made by the examples' seeded generator (default: the 200"
                            + " committed sample events).")
    Integer events;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "42",
            description = "Seed of the generator for --events (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--keep-running",
            description =
                    "Leave the job, broker and database running after the demo, until Ctrl-C.")
    boolean keepRunning;

    @Option(
            names = "--embedded-db",
            description = "Start an embedded MariaDB even when one is reachable at --db-server.")
    boolean embeddedDb;

    @Option(
            names = "--db-server",
            paramLabel = "HOST:PORT",
            defaultValue = "127.0.0.1:3306",
            description =
                    "MySQL or MariaDB to use if it is reachable (default ${DEFAULT-VALUE});"
                            + " otherwise an embedded MariaDB is started.")
    String dbServer;

    @Option(
            names = "--db-user",
            paramLabel = "USER",
            defaultValue = "root",
            description = "User on --db-server (default ${DEFAULT-VALUE}).")
    String dbUser;

    @Option(
            names = "--db-password",
            paramLabel = "PASSWORD",
            defaultValue = "",
            description = "Password on --db-server (default empty).")
    String dbPassword;

    @Option(
            names = "--database",
            paramLabel = "NAME",
            defaultValue = "rulecast_demo",
            description =
                    "The demo's database, dropped and re-created at the start (default"
                            + " ${DEFAULT-VALUE}).")
    String database;

    @Option(
            names = "--examples",
            paramLabel = "DIR",
            description =
                    "A wrongbook example directory (layout of scripts-examples/wrongbook); default:"
                            + " the copy built into rulecast.")
    Path examplesDir;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "180",
            description =
                    "Longest wait for the job to process the events, and for the new version to go"
                            + " live (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        if (events != null && events < 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--events must be at least 1, got " + events);
        }
        if (!database.matches("[A-Za-z0-9_]{1,64}")) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--database must be a plain name (letters, digits, _), got '" + database + "'");
        }
        DemoConsole console = new DemoConsole(out(), DemoSteps.COUNT);
        DemoSteps.Result result;
        try (DemoEnvironment env = DemoEnvironment.create()) {
            WrongbookExample example =
                    examplesDir != null
                            ? WrongbookExample.fromDirectory(examplesDir)
                            : WrongbookExample.unpackBundled(env.workDir().resolve("wrongbook"));
            DemoSteps steps =
                    new DemoSteps(console, env, example, Duration.ofSeconds(timeoutSeconds));
            KafkaBroker broker = startBroker(steps);
            steps.database(dbServer, dbUser, dbPassword, database, embeddedDb);
            steps.rules();
            steps.job(broker);
            steps.sample(eventsFile(example, env.workDir()), eventsLabel());
            steps.hotUpdate();
            steps.rollout();
            steps.history();
            if (keepRunning) {
                steps.keepRunning();
            }
            result = steps.result();
            console.blank();
            console.line(
                    "Stopping the job, the Kafka broker (pid "
                            + broker.pid()
                            + ")"
                            + (result.embedded() ? " and MariaDB" : "")
                            + "…");
        }
        console.line(
                String.format(
                        java.util.Locale.ROOT,
                        "Demo done in %.1f s; nothing left running.%s",
                        console.secondsSinceStart(),
                        result.embedded()
                                ? ""
                                : " Its tables stay in database '"
                                        + database
                                        + "' at "
                                        + result.server()
                                        + " for a look."));
        return 0;
    }

    private static KafkaBroker startBroker(DemoSteps steps) {
        try {
            return steps.broker();
        } catch (KafkaBrokerException e) {
            throw CliException.unreachable(
                    "cannot start the Kafka broker: " + DemoConsole.firstLine(e.getMessage()), e);
        }
    }

    private Path eventsFile(WrongbookExample example, Path workDir) throws IOException {
        if (events == null) {
            return example.file(WrongbookExample.SAMPLE_EVENTS);
        }
        Path file = workDir.resolve("events-" + events + "-seed-" + seed + ".jsonl");
        Files.write(file, new WrongbookEventGenerator(seed, events).generate());
        return file;
    }

    private String eventsLabel() {
        return events == null ? "the committed sample" : "seed " + seed;
    }
}
