package io.modelcat.store;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The store is plain JDBC that every deployable calls: only {@link Database} knows Micronaut (its transaction and
 * connection APIs), and nothing here knows a deployable, HTTP or Quartz.
 */
class ArchitectureTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.modelcat.store");

    @Test
    void onlyDatabaseKnowsMicronaut() {
        noClasses().that().doNotBelongToAnyOf(Database.class)
                .should().dependOnClassesThat().resideInAPackage("io.micronaut..")
                .check(classes);
    }

    @Test
    void theStoreKnowsNoDeployableAndNoFramework() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.modelcat.catalog..", "io.modelcat.runner..",
                        "io.micronaut.http..", "org.quartz..")
                .check(classes);
    }
}
