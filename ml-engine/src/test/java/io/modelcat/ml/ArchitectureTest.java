package io.modelcat.ml;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps the engine framework-free and its packages layered: checkpoint, arch, model, train, infer. */
class ArchitectureTest {

    private static JavaClasses engine;

    @BeforeAll
    static void importClasses() {
        engine = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.modelcat.ml");
    }

    @Test
    void knowsNoApplicationFramework() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.micronaut..", "org.quartz..",
                "jakarta.inject..", "lombok..").check(engine);
    }

    @Test
    void metricsArePureJava() {
        noClasses().that().resideInAPackage("io.modelcat.ml.metrics..").should().dependOnClassesThat()
                .resideInAnyPackage("ai.djl..", "io.modelcat.ml.model..", "io.modelcat.ml.train..").check(engine);
    }

    @Test
    void lowerLayersDoNotReachUp() {
        noClasses().that().resideInAnyPackage("io.modelcat.ml.checkpoint..", "io.modelcat.ml.tokenize..")
                .should().dependOnClassesThat().resideInAnyPackage("io.modelcat.ml.arch..", "io.modelcat.ml.model..",
                        "io.modelcat.ml.train..", "io.modelcat.ml.infer..")
                .check(engine);
        noClasses().that().resideInAPackage("io.modelcat.ml.arch..").should().dependOnClassesThat()
                .resideInAnyPackage("io.modelcat.ml.model..", "io.modelcat.ml.train..", "io.modelcat.ml.infer..")
                .check(engine);
        noClasses().that().resideInAPackage("io.modelcat.ml.model..").should().dependOnClassesThat()
                .resideInAnyPackage("io.modelcat.ml.train..", "io.modelcat.ml.infer..").check(engine);
    }
}
