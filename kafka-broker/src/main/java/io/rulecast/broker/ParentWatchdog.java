package io.rulecast.broker;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Entry point of every child JVM: runs {@code args[0]}'s {@code main} with the remaining arguments,
 * and exits the JVM when standard input reaches end of file.
 *
 * <p>{@link ChildJvm} starts every child (the broker, Flink's processes, the embedded MariaDB) with
 * a pipe as its standard input and never writes to it. The pipe closes when the parent JVM dies for
 * any reason, including {@code kill -9}, where no shutdown hook runs, so no child outlives the test
 * run or the demo that started it. The exit runs the child's shutdown hooks.
 *
 * <p>This class is copied as bytes into the broker's work directory and must depend on nothing but
 * the JDK.
 */
public final class ParentWatchdog {
    private static final long HALT_AFTER_MILLIS = 15_000;

    private ParentWatchdog() {}

    public static void main(String[] args) throws Throwable {
        if (args.length == 0) {
            System.err.println("usage: ParentWatchdog MAIN_CLASS [ARGS...]");
            System.exit(2);
        }
        Thread watchdog = new Thread(ParentWatchdog::exitWhenParentIsGone, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void exitWhenParentIsGone() {
        try (InputStream in = System.in) {
            byte[] buffer = new byte[256];
            while (in.read(buffer) >= 0) {
                // Nothing is ever sent; keep reading until the pipe closes.
            }
        } catch (IOException e) {
            // A broken pipe means the same as end of file: the parent is gone.
        }
        System.err.println("[rulecast] parent process is gone; stopping");
        Thread halt =
                new Thread(
                        () -> {
                            try {
                                Thread.sleep(HALT_AFTER_MILLIS);
                            } catch (InterruptedException ignored) {
                                // fall through to halt
                            }
                            Runtime.getRuntime().halt(1);
                        },
                        "parent-watchdog-halt");
        halt.setDaemon(true);
        halt.start();
        System.exit(0);
    }
}
