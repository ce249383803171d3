package io.modelcat.ml.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.modelcat.ml.Fixtures;
import io.modelcat.ml.arch.HeadType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The device a model is loaded on holds its weights; a GPU that is not there is refused up front. */
class DevicePlacementTest {

    @Test
    void loadsOnTheRequestedDevice() {
        try (TransformerModel model = ModelLoader.load(Fixtures.bert(),
                new HeadRequest(HeadType.SEQUENCE_CLASSIFICATION, List.of("a", "b"), 1), Device.cpu())) {
            assertThat(model.device()).isEqualTo(Device.cpu());
            assertThat(model.parameters().values())
                    .allSatisfy(weight -> assertThat(weight.getDevice()).isEqualTo(Device.cpu()));
        }
    }

    @Test
    void refusesAGpuTheEngineDoesNotSee() {
        Device missing = Device.gpu(ModelLoader.gpuCount());
        assertThatThrownBy(() -> ModelLoader.load(Fixtures.bert(), missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not available");
    }
}
