package io.modelcat.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretCipherTest {

    private final SecretCipher cipher = SecretCipher.of(SecretCipher.generateKey());

    @Test
    void opensWhatItSealed() {
        SecretCipher.Sealed sealed = cipher.seal("huggingface-token", "hf_abcdef");
        assertThat(new String(sealed.ciphertext(), StandardCharsets.UTF_8)).doesNotContain("hf_abcdef");
        assertThat(cipher.open("huggingface-token", sealed)).isEqualTo("hf_abcdef");
    }

    @Test
    void eachSealUsesAFreshNonce() {
        SecretCipher.Sealed a = cipher.seal("n", "same");
        SecretCipher.Sealed b = cipher.seal("n", "same");
        assertThat(a.nonce()).isNotEqualTo(b.nonce());
        assertThat(a.ciphertext()).isNotEqualTo(b.ciphertext());
    }

    @Test
    void aCiphertextMovedToAnotherNameDoesNotOpen() {
        SecretCipher.Sealed sealed = cipher.seal("huggingface-token", "hf_abcdef");
        assertThatThrownBy(() -> cipher.open("other", sealed))
                .isInstanceOf(SecretUnreadableException.class).hasMessageContaining("altered");
    }

    @Test
    void anAlteredCiphertextDoesNotOpen() {
        SecretCipher.Sealed sealed = cipher.seal("n", "value");
        sealed.ciphertext()[0] ^= 1;
        assertThatThrownBy(() -> cipher.open("n", sealed)).isInstanceOf(SecretUnreadableException.class);
    }

    @Test
    void anotherKeySaysSoByItsId() {
        SecretCipher.Sealed sealed = cipher.seal("n", "value");
        SecretCipher other = SecretCipher.of(SecretCipher.generateKey());
        assertThatThrownBy(() -> other.open("n", sealed))
                .isInstanceOf(SecretUnreadableException.class)
                .hasMessageContaining("another key").hasMessageContaining(cipher.keyId());
    }

    @Test
    void badKeysAreRefusedNamingTheVariable() {
        assertThatThrownBy(() -> SecretCipher.of("not base64!"))
                .hasMessageContaining("MODELCAT_SECRET_KEY").hasMessageContaining("not Base64");
        assertThatThrownBy(() -> SecretCipher.of("c2hvcnQ="))
                .hasMessageContaining("MODELCAT_SECRET_KEY").hasMessageContaining("5 bytes");
    }

    @Test
    void theEnvironmentMayHaveNoKey() {
        assertThat(SecretCipher.fromEnvironment(Map.of())).isEmpty();
        assertThat(SecretCipher.fromEnvironment(Map.of("MODELCAT_SECRET_KEY", " "))).isEmpty();
        String key = SecretCipher.generateKey();
        assertThat(SecretCipher.fromEnvironment(Map.of("MODELCAT_SECRET_KEY", key)).orElseThrow().keyId())
                .isEqualTo(SecretCipher.of(key).keyId());
    }
}
