package io.rulecast.runtime.groovy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rulecast.runtime.Language;
import io.rulecast.runtime.RuleDefinition;
import io.rulecast.runtime.RuleId;
import io.rulecast.runtime.RuntimeOptions;
import io.rulecast.runtime.ScriptRuntime;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import org.junit.jupiter.api.Test;

/**
 * Every rule version gets its own class loader, so versions dropped from the cache unload: a
 * long-running job that sees thousands of script edits must not fill metaspace.
 */
class GroovyClassUnloadingTest {
    static final int SCRIPTS = 10_000;

    @Test
    void compilingTenThousandDistinctScriptsDoesNotGrowLoadedClassesWithoutBound()
            throws Exception {
        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        try (ScriptRuntime runtime =
                new ScriptRuntime(RuntimeOptions.defaults().withMaxCachedRules(50))) {
            // Warm up: load the compiler's own classes once.
            for (int i = 0; i < 200; i++) {
                compile(runtime, -i - 1);
            }
            settle();
            long loadedBefore = classes.getLoadedClassCount();
            long metaspaceBefore = metaspaceUsed();
            for (int i = 0; i < SCRIPTS; i++) {
                compile(runtime, i);
            }
            settle();
            long loadedAfter = classes.getLoadedClassCount();
            long metaspaceAfter = metaspaceUsed();
            System.out.printf(
                    "%d scripts: loaded classes %d -> %d, unloaded in total %d, metaspace %d KiB -> %d KiB%n",
                    SCRIPTS,
                    loadedBefore,
                    loadedAfter,
                    classes.getUnloadedClassCount(),
                    metaspaceBefore >> 10,
                    metaspaceAfter >> 10);
            // Each script defines 2 classes (script + closure): without unloading that is 20,000
            // more.
            assertTrue(
                    loadedAfter - loadedBefore < 1_000,
                    "loaded classes grew by " + (loadedAfter - loadedBefore));
            assertTrue(
                    metaspaceAfter - metaspaceBefore < 32L << 20,
                    "metaspace grew by " + ((metaspaceAfter - metaspaceBefore) >> 10) + " KiB");
        }
    }

    private static void compile(ScriptRuntime runtime, int i) throws Exception {
        String script =
                "def n = event.payload.score + "
                        + i
                        + "\n[id: event.eventId, n: [n].collect { it * 2 }[0]]";
        runtime.compile(
                new RuleDefinition(
                        new RuleId("d", "t", "r" + i),
                        Language.GROOVY,
                        script,
                        "{\"output_table\":\"t\"}"));
    }

    private static void settle() throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
        }
    }

    private static long metaspaceUsed() {
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getName().contains("Metaspace")) {
                used += pool.getUsage().getUsed();
            }
        }
        return used;
    }
}
