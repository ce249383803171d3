package io.modelcat.runner;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Quartz stays in the scheduling adapters: job handlers (import, evaluate, fine-tune, predict) and the
 * executor know nothing of it, so that they run the same whichever scheduler hands them work. Only the serving
 * adapter knows HTTP. SQL runs through the
 * store's {@code Database}.
 */
class ArchitectureTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.modelcat.runner");

    @Test
    void onlyTheSchedulingAdaptersUseQuartz() {
        noClasses().that().resideOutsideOfPackage("..schedule..")
                .and().doNotHaveSimpleName("QuartzJobBridge")
                .should().dependOnClassesThat().resideInAPackage("org.quartz..")
                .check(classes);
    }

    @Test
    void handlersKnowNoWebFramework() {
        // The HTTP adapters: a runner answers the gateway for the deployment instances it serves, and Prometheus.
        noClasses().that().resideOutsideOfPackages("..serve.http..", "..telemetry.http..")
                .should().dependOnClassesThat().resideInAPackage("io.micronaut.http..").check(classes);
    }

    @Test
    void sqlRunsThroughTheStoresDatabase() {
        noClasses().that().haveNameNotMatching(".*DatabaseFactory.*")
                .should().dependOnClassesThat().resideInAnyPackage("io.micronaut.transaction..", "io.micronaut.data.connection..")
                .orShould().dependOnClassesThat().areAssignableTo(DataSource.class)
                .because("one transaction helper and one translation of database errors: io.modelcat.store.Database")
                .check(classes);
    }
}
