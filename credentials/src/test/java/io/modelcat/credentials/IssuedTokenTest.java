package io.modelcat.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IssuedTokenTest {

    @Test
    void aTokenCarriesItsKindAndIsStoredOnlyAsItsHash() {
        IssuedToken token = IssuedToken.generate(IssuedToken.PERSONAL);
        assertThat(token.value()).startsWith("mc_pat_").hasSize(7 + 43);
        assertThat(token.hash()).hasSize(64).isEqualTo(IssuedToken.hash(token.value())).doesNotContain(token.value());
        assertThat(token.prefix()).hasSize(13).isEqualTo(token.value().substring(0, 13));
        assertThat(token.toString()).doesNotContain(token.value());
    }

    @Test
    void tokensDiffer() {
        assertThat(IssuedToken.generate(IssuedToken.RUNNER).value())
                .isNotEqualTo(IssuedToken.generate(IssuedToken.RUNNER).value());
    }

    @Test
    void theHashIsSha256() {
        assertThat(IssuedToken.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
