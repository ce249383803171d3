package io.modelcat.catalog;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** HTTP types stay in the adapters ({@code ..http..} packages); the domain knows no web framework. */
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
}
