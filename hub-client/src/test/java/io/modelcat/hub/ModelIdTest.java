package io.modelcat.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ModelIdTest {

    @ParameterizedTest
    @CsvSource({
        "gpt2,                              ,               gpt2",
        "google-bert/bert-base-uncased,     google-bert,    bert-base-uncased",
        "hf-tiny/bert,                      hf-tiny,        bert",
        "Org_1/model.v2-final,              Org_1,          model.v2-final",
        "'  distilbert/distilgpt2  ',       distilbert,     distilgpt2",
        "a/b,                               a,              b",
    })
    void acceptsHubIds(String input, String owner, String name) {
        ModelId id = ModelId.parse(input);

        assertThat(id.owner()).isEqualTo(owner);
        assertThat(id.name()).isEqualTo(name);
        assertThat(id.revision()).isNull();
        assertThat(id.repoId()).isEqualTo(input.strip());
    }

    @Test
    void acceptsTheLongestAllowedParts() {
        String part = "a".repeat(ModelId.MAX_PART_LENGTH);

        assertThat(ModelId.parse(part + "/" + part).name()).hasSize(96);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                 | empty",
        "'   '              | empty",
        "../x               | '..' is not allowed",
        "a/../b             | '..' is not allowed",
        "a..b               | '..' is not allowed",
        "/abs               | absolute paths are not allowed",
        "/etc/passwd        | absolute paths are not allowed",
        "a/b/c              | at most one '/'",
        "a\\b               | backslashes are not allowed",
        "a/                 | name is empty",
        "/                  | absolute",
        "-lead/x            | must not start or end with '-' or '.'",
        "org/trail-         | must not start or end with '-' or '.'",
        "org/.hidden        | must not start or end with '-' or '.'",
        "org/a--b           | must not contain '--' or '..'",
        "org/has space      | may only contain letters, digits",
        "org/naïve          | may only contain letters, digits",
        "org/na:me          | may only contain letters, digits",
        "org/x.git          | must not end with '.git'",
        "C:/models          | may only contain letters, digits",
    })
    void rejectsBadIdsSayingWhatWasExpected(String input, String reason) {
        assertThatThrownBy(() -> ModelId.parse(input))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void rejectsTooLongParts() {
        assertThatThrownBy(() -> ModelId.parse("org/" + "a".repeat(97)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 96");
    }

    @ParameterizedTest
    @ValueSource(strings = {"main", "v1.0", "release/2024-01", "refs/pr/1", "0123456789abcdef0123456789abcdef01234567"})
    void acceptsRevisions(String revision) {
        ModelId id = ModelId.parse("org/model", revision);

        assertThat(id.revision()).isEqualTo(revision);
        assertThat(id.toString()).isEqualTo("org/model@" + revision);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../main", "a..b", "/main", "main/", "a//b", "-x", "has space", "a\\b", "x.lock", "a:b", "ref@{1}"})
    void rejectsBadRevisions(String revision) {
        assertThatThrownBy(() -> ModelId.parse("org/model", revision))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("revision")
                .hasMessageContaining("expected a branch, a tag or a 40-hex commit sha");
    }

    @Test
    void blankRevisionMeansDefaultBranch() {
        ModelId id = ModelId.parse("org/model", " ");

        assertThat(id.revision()).isNull();
        assertThat(id.revisionOrDefault()).isEqualTo("main");
    }

    @Test
    void recognisesCommitShas() {
        assertThat(ModelId.isCommitSha("0123456789abcdef0123456789abcdef01234567")).isTrue();
        assertThat(ModelId.isCommitSha("0123456789ABCDEF0123456789abcdef01234567")).isFalse();
        assertThat(ModelId.isCommitSha("main")).isFalse();
    }

    @Test
    void cacheFolderNameIsUnambiguous() {
        assertThat(ModelId.parse("org/model").cacheFolderName()).isEqualTo("models--org--model");
        assertThat(ModelId.parse("gpt2").cacheFolderName()).isEqualTo("models--gpt2");
    }
}
