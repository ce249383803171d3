package io.modelcat.catalog;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * HTTP types stay in the adapters ({@code ..http..} packages); the domain knows no web framework. SQL runs through
 * the store's {@code Database}.
 */
class ArchitectureTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.modelcat.catalog");

    @Test
    void onlyHttpAdaptersUseHttpTypes() {
        noClasses().that().resideOutsideOfPackage("..http..")
                .should().dependOnClassesThat().resideInAPackage("io.micronaut.http..")
                .check(classes);
    }

    @Test
    void noQuartzInTheCatalog() {
        noClasses().should().dependOnClassesThat().resideInAPackage("org.quartz..").check(classes);
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
