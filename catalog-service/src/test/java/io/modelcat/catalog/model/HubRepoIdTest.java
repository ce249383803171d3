package io.modelcat.catalog.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HubRepoIdTest {

    /** What a slug is, as the Hub API documents it (docs/hub.md), said with regular expressions. */
    private static String definition(String name) {
        return name.replaceAll("[^A-Za-z0-9._]+", "-").replaceAll("^[-.]+|[-.]+$", "");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "bert-base-uncased|bert-base-uncased",
            "My Sentiment Model (v2)|My-Sentiment-Model-v2",
            "  ..--x--..  |x",
            "a-.|a",
            ".-a|a",
            "a . b|a-.-b",
            "fine_tuned.v1|fine_tuned.v1",
            "über café|ber-caf",
            "---|''",
    })
    void namesBecomeHubNames(String name, String slug) {
        assertThat(HubRepoId.slug(name)).isEqualTo(slug).isEqualTo(definition(name));
    }

    @Test
    void agreesWithTheDefinitionOnAnyName() {
        Random random = new Random(34);
        String alphabet = "aZ09._- /é.-";
        for (int n = 0; n < 20_000; n++) {
            StringBuilder name = new StringBuilder();
            for (int i = random.nextInt(12); i > 0; i--) {
                name.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertThat(HubRepoId.slug(name.toString())).as("'%s'", name).isEqualTo(definition(name.toString()));
        }
    }
}
