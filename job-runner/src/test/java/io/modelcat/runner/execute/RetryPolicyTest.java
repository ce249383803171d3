package io.modelcat.runner.execute;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(2));

    @Test
    void backOffDoublesPerAttemptUpToAThousandTimesTheBase() {
        assertThat(policy.delay(1, Optional.empty())).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.delay(2, Optional.empty())).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.delay(3, Optional.empty())).isEqualTo(Duration.ofSeconds(8));
        assertThat(policy.delay(11, Optional.empty())).isEqualTo(Duration.ofSeconds(2048));
        assertThat(policy.delay(40, Optional.empty())).isEqualTo(Duration.ofSeconds(2048));
    }

    @Test
    void aLongerWaitAskedForByTheFailureWins() {
        assertThat(policy.delay(1, Optional.of(Duration.ofSeconds(30)))).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.delay(3, Optional.of(Duration.ofSeconds(1)))).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void retriesUntilTheAttemptsAreUsedUp() {
        assertThat(policy.retries(1, 3)).isTrue();
        assertThat(policy.retries(2, 3)).isTrue();
        assertThat(policy.retries(3, 3)).isFalse();
        assertThat(policy.retries(1, 1)).isFalse();
    }
}
