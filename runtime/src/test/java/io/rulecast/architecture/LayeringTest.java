package io.rulecast.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The script runtime and the event envelope run without Flink, so the CLI's validate and replay,
 * the benchmarks and the job all run the very same code.
 */
@AnalyzeClasses(packages = "io.rulecast", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

    @ArchTest
    static final ArchRule runtimeHasNoFlink =
            noClasses()
                    .that()
                    .resideInAnyPackage("io.rulecast.runtime..", "io.rulecast.event..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(
                            "org.apache.flink..", "org.apache.kafka..", "io.rulecast.job..");

    @ArchTest
    static final ArchRule runtimeWritesNothingItself =
            noClasses()
                    .that()
                    .resideInAnyPackage("io.rulecast.runtime..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(
                            "java.sql..",
                            "java.nio.file..",
                            "java.nio.channels..",
                            "java.net.http..");
}
