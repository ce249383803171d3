package io.modelcat.ml.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PerplexityTest {

    @Test
    void uniformGuessOverTenTokensHasPerplexityTen() {
        assertThat(Perplexity.fromMeanNll(Math.log(10))).isCloseTo(10.0, within(1e-9));
    }

    @Test
    void poolsTokensBeforeExponentiating() {
        // NLLs ln2, ln8: mean ln4 -> perplexity 4 (not the mean of 2 and 8)
        assertThat(Perplexity.fromTokenNlls(new double[] {Math.log(2), Math.log(8)})).isCloseTo(4.0, within(1e-9));
        assertThat(Perplexity.fromTotals(3 * Math.log(5), 3)).isCloseTo(5.0, within(1e-9));
        assertThatThrownBy(() -> Perplexity.fromTotals(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
