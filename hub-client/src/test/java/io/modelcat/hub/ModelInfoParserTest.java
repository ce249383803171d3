package io.modelcat.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ModelInfoParserTest {

    private final ModelInfoParser parser = new ModelInfoParser(new ObjectMapper());

    private ModelInfo parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsARealisticHubAnswer() {
        ModelInfo info = parse("""
                {"_id":"621ffdc036468d709f174338","id":"google-bert/bert-base-uncased","modelId":"google-bert/bert-base-uncased",
                 "author":"google-bert","sha":"86b5e0934494bd15c9632b12f734a8a67f723594","private":false,"gated":false,
                 "pipeline_tag":"fill-mask","library_name":"transformers","downloads":1,"likes":2,
                 "tags":["transformers","pytorch","safetensors","bert","fill-mask","en","license:apache-2.0"],
                 "config":{"architectures":["BertForMaskedLM"],"model_type":"bert"},
                 "cardData":{"language":"en","license":"apache-2.0","datasets":["bookcorpus"]},
                 "siblings":[{"rfilename":".gitattributes","blobId":"a6344aac","size":491},
                   {"rfilename":"model.safetensors","blobId":"4d5a","size":440449768,
                    "lfs":{"sha256":"68d45e234eb4a928074dfd868cead0219ab85354cc53d20e772753c6bb9169d3","size":440449768,"pointerSize":135}}],
                 "spaces":["a/b"],"usedStorage":13397387509}""");

        assertThat(info.id()).isEqualTo("google-bert/bert-base-uncased");
        assertThat(info.license()).isEqualTo("apache-2.0");
        assertThat(info.file("model.safetensors").orElseThrow().lfs())
                .isEqualTo(new LfsInfo("68d45e234eb4a928074dfd868cead0219ab85354cc53d20e772753c6bb9169d3", 440449768L, 135));
        assertThat(info.file(".gitattributes").orElseThrow().knownSize()).hasValue(491);
    }

    @Test
    void licenceFallsBackToTheTagAndGatedModesCountAsGated() {
        ModelInfo info = parse("""
                {"id":"meta-llama/x","sha":"0123456789abcdef0123456789abcdef01234567","gated":"manual",
                 "tags":["license:llama3"],"siblings":[{"rfilename":"config.json"}]}""");

        assertThat(info.license()).isEqualTo("llama3");
        assertThat(info.gated()).isTrue();
        assertThat(info.file("config.json").orElseThrow().knownSize()).isEmpty();
        assertThat(info.pipelineTag()).isNull();
    }

    @Test
    void cardLicenceListTakesTheFirst() {
        assertThat(parse("{\"id\":\"a/b\",\"cardData\":{\"license\":[\"mit\",\"apache-2.0\"]}}").license()).isEqualTo("mit");
    }

    @Test
    void garbageIsAnInvalidResponse() {
        assertThat(catchThrowableOfType(() -> parse("<html>"), HubException.class).kind())
                .isEqualTo(HubException.Kind.INVALID_RESPONSE);
        assertThat(catchThrowableOfType(() -> parse("{\"sha\":\"x\"}"), HubException.class).getMessage()).contains("no 'id'");
    }
}
