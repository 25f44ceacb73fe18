package io.vivarium;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Keeps the layering honest: the domain depends on nothing, Spring stays at the edge. */
@AnalyzeClasses(packages = "io.vivarium", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule taskDependsOnNothing = classes().that().resideInAPackage("io.vivarium.task..")
            .should().onlyDependOnClassesThat()
            .resideInAnyPackage("io.vivarium.task..", "java..", "com.fasterxml.jackson.annotation..");

    /** The spend rule is domain too: it knows tasks and their runs, and nothing of how or where they are kept. */
    @ArchTest
    static final ArchRule spendDependsOnTheTaskModelOnly = classes().that().resideInAPackage("io.vivarium.spend..")
            .should().onlyDependOnClassesThat()
            .resideInAnyPackage("io.vivarium.spend..", "io.vivarium.task..", "java..",
                    "com.fasterxml.jackson.annotation..");

    @ArchTest
    static final ArchRule storeNeverReachesUp = noClasses().that().resideInAPackage("io.vivarium.store..")
            .should().dependOnClassesThat()
            .resideInAnyPackage("io.vivarium.cli..", "io.vivarium.api..", "io.vivarium.worker..", "io.vivarium.plan..");

    @ArchTest
    static final ArchRule theCoreNeverReachesTheEdge = noClasses()
            .that().resideInAnyPackage("io.vivarium.task..", "io.vivarium.spend..", "io.vivarium.store..",
                    "io.vivarium.grind..", "io.vivarium.worker..", "io.vivarium.llm..", "io.vivarium.plan..",
                    "io.vivarium.story..")
            .should().dependOnClassesThat().resideInAnyPackage("io.vivarium.api..", "io.vivarium.cli..");

    @ArchTest
    static final ArchRule springStaysAtTheEdge = noClasses()
            .that().resideInAnyPackage("io.vivarium.task..", "io.vivarium.spend..", "io.vivarium.store..",
                    "io.vivarium.grind..", "io.vivarium.worker..", "io.vivarium.cli..", "io.vivarium.llm..", "io.vivarium.plan..",
                    "io.vivarium.config..", "io.vivarium.os..", "io.vivarium.story..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..");
}
