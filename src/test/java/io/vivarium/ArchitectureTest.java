package io.vivarium;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.vivarium.api.BindPolicy;
import io.vivarium.api.VivariumServer;
import io.vivarium.api.client.RemoteGrinds;

/** Keeps the layering honest: the domain depends on nothing, Spring stays at the edge. */
@AnalyzeClasses(packages = "io.vivarium", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** cron-utils is the one library the domain reads with: a task's cron expression is valid or not everywhere. */
    @ArchTest
    static final ArchRule taskDependsOnNothing = classes().that().resideInAPackage("io.vivarium.task..")
            .should().onlyDependOnClassesThat()
            .resideInAnyPackage("io.vivarium.task..", "java..", "com.fasterxml.jackson.annotation..",
                    "com.cronutils..");

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

    /** Driving git knows nothing of tasks, stores or grinds: code grinds and review use it, not the reverse. */
    @ArchTest
    static final ArchRule gitDependsOnNothing = classes().that().resideInAPackage("io.vivarium.code.git..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("io.vivarium.code.git..", "java..");

    /** Stores are opened through the registry by URL scheme; nothing else, not even the other store, knows the files. */
    @ArchTest
    static final ArchRule theFileStoreIsReachedOnlyThroughTheRegistry = noClasses()
            .that().resideOutsideOfPackage("io.vivarium.store.file..")
            .and().doNotHaveFullyQualifiedName("io.vivarium.store.TaskStores")
            .should().dependOnClassesThat().resideInAPackage("io.vivarium.store.file..");

    /**
     * The file store's parts (the journalled state, checkpoints, claiming, recovery, …) sit below its façade: none
     * calls back up into {@code FileTaskStore}.
     */
    @ArchTest
    static final ArchRule theFileStoresPartsNeverCallItsFacade = noClasses()
            .that().resideInAPackage("io.vivarium.store.file..")
            .and().doNotHaveFullyQualifiedName("io.vivarium.store.file.FileTaskStore")
            .should().dependOnClassesThat().haveFullyQualifiedName("io.vivarium.store.file.FileTaskStore");

    @ArchTest
    static final ArchRule theCoreNeverReachesTheEdge = noClasses()
            .that().resideInAnyPackage("io.vivarium.task..", "io.vivarium.spend..", "io.vivarium.store..",
                    "io.vivarium.grind..", "io.vivarium.worker..", "io.vivarium.llm..", "io.vivarium.plan..",
                    "io.vivarium.code..", "io.vivarium.app..", "io.vivarium.story..")
            .should().dependOnClassesThat().resideInAnyPackage("io.vivarium.api..", "io.vivarium.cli..");

    @ArchTest
    static final ArchRule springStaysAtTheEdge = noClasses()
            .that().resideInAnyPackage("io.vivarium.task..", "io.vivarium.spend..", "io.vivarium.store..",
                    "io.vivarium.grind..", "io.vivarium.worker..", "io.vivarium.cli..", "io.vivarium.llm..", "io.vivarium.plan..",
                    "io.vivarium.config..", "io.vivarium.os..", "io.vivarium.code..", "io.vivarium.util..",
                    "io.vivarium.app..", "io.vivarium.story..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..");

    /**
     * The CLI talks to the model, plans and grinds without the web layer; it reaches into {@code api} only to
     * start the server ({@code serve}) and to hand grinds to a remote one ({@code start --api}).
     */
    @ArchTest
    static final ArchRule theCliReachesTheWebLayerOnlyToServeIt = noClasses()
            .that().resideInAPackage("io.vivarium.cli..")
            .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("io.vivarium.api..")
                    .and(DescribedPredicate.not(JavaClass.Predicates.belongToAnyOf(
                            VivariumServer.class, BindPolicy.class, RemoteGrinds.class))));
}
