package io.modelcat.system.ui;

import io.modelcat.system.RunningSystem;
import io.modelcat.testsupport.BrowserTests;
import io.modelcat.testsupport.Fixtures;
import io.modelcat.testsupport.hub.FakeHub;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The import journey in a browser against the deployed system: catalog-service, one runner and a
 * local Hugging Face Hub; runs {@code ui-tests/journeys/} in headless Chromium: the import, then a
 * fine-tuning of the imported model through the wizard, followed to its chart and registered. Skips
 * visibly when Chromium or the Node packages are missing.
 */
class ImportUiSystemTest {

    private static final String RUNNER = "importer";
    private static final String MODEL_ID = "hf-tiny/bert";

    @Test
    void importsAModelFromTheCatalogAndFollowsItThroughJobsAndWorkers() throws IOException, InterruptedException {
        Path uiTests = BrowserTests.prepare();
        try (FakeHub hub = FakeHub.start()) {
            hub.addRepo(MODEL_ID, Fixtures.model("bert"));
            try (RunningSystem system = new RunningSystem(Map.of("HF_ENDPOINT", hub.endpoint().toString()))) {
                system.addRunner(RUNNER, Map.of());
                BrowserTests.run(uiTests, "journeys/", system.base().toString(), Path.of("target", "ui-screenshots"),
                        Map.of("MODELCAT_JOURNEY_MODEL_ID", MODEL_ID, "MODELCAT_JOURNEY_RUNNER", RUNNER,
                                "MODELCAT_UI_USERNAME", RunningSystem.ADMIN, "MODELCAT_UI_PASSWORD", RunningSystem.ADMIN_PASSWORD));
            }
        }
    }
}
