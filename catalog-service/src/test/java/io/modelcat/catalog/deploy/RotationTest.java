package io.modelcat.catalog.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The traffic map's rotation: exact shares in every hundred calls, interleaved, restarted when the map changes. */
class RotationTest {

    @Test
    void everyHundredCallsFollowThePercentagesExactly() {
        Gateway.Rotation rotation = new Gateway.Rotation();
        Map<String, Integer> traffic = Map.of("blue", 90, "green", 10);
        for (int round = 0; round < 3; round++) {
            List<String> calls = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                calls.add(rotation.next(traffic));
            }
            assertThat(Collections.frequency(calls, "blue")).isEqualTo(90);
            assertThat(Collections.frequency(calls, "green")).isEqualTo(10);
            assertThat(calls.subList(0, 10)).as("interleaved, not in runs").containsOnlyOnce("green");
        }
    }

    @Test
    void aDeploymentWithoutTrafficIsNeverChosenAndANewMapStartsAfresh() {
        Gateway.Rotation rotation = new Gateway.Rotation();
        for (int i = 0; i < 50; i++) {
            assertThat(rotation.next(Map.of("blue", 100, "green", 0))).isEqualTo("blue");
        }
        List<String> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            calls.add(rotation.next(Map.of("blue", 50, "green", 50)));
        }
        assertThat(calls).containsExactly("blue", "green", "blue", "green");
    }
}
