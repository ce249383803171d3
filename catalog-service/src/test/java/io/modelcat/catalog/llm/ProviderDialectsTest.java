package io.modelcat.catalog.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.store.llm.LlmConnections;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dialects' translations on their own, for the cases the fakes do not produce (cache tokens, refusals, ...). */
class ProviderDialectsTest {

    private final ObjectMapper json = new ObjectMapper();

    private ObjectNode request(String body) throws Exception {
        return (ObjectNode) json.readTree(body);
    }

    @Test
    void anthropicCountsCachedInputTokensAndMapsItsStopReasons() throws Exception {
        byte[] answer = AnthropicDialect.INSTANCE.answer(ProviderDialect.Operation.CHAT, ("{\"id\":\"msg_1\",\"type\":"
                + "\"message\",\"role\":\"assistant\",\"model\":\"claude-x\",\"content\":[{\"type\":\"text\",\"text\":"
                + "\"Hi\"},{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\",\"input\":{}},{\"type\":\"text\",\"text\":"
                + "\" there\"}],\"stop_reason\":\"refusal\",\"usage\":{\"input_tokens\":3,\"cache_creation_input_tokens\""
                + ":10,\"cache_read_input_tokens\":20,\"output_tokens\":4}}").getBytes(StandardCharsets.UTF_8));
        JsonNode openAi = json.readTree(answer);
        assertThat(openAi.path("choices").get(0).path("message").path("content").asText()).isEqualTo("Hi there");
        assertThat(openAi.path("choices").get(0).path("finish_reason").asText()).isEqualTo("content_filter");
        assertThat(openAi.path("usage").path("prompt_tokens").asLong()).isEqualTo(33);
        assertThat(openAi.path("usage").path("total_tokens").asLong()).isEqualTo(37);
        assertThat(AnthropicDialect.finishReason("stop_sequence")).isEqualTo("stop");
        assertThat(AnthropicDialect.finishReason("tool_use")).isEqualTo("tool_calls");
        assertThat(AnthropicDialect.INSTANCE.status(529)).isEqualTo(503);
        assertThat(AnthropicDialect.INSTANCE.errorType(("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                + "\"message\":\"Overloaded\"}}").getBytes(StandardCharsets.UTF_8))).isEqualTo("server_error");
    }

    @Test
    void aBrokenAnthropicStreamStillReportsTheTokensSeen() throws Exception {
        ProviderDialect.StreamTranslator events = AnthropicDialect.INSTANCE.streamTranslator(request("{}"));
        assertThat(events.usage()).isNull();
        List<String> out = new ArrayList<>(events.translate("{\"type\":\"message_start\",\"message\":{\"id\":\"m\","
                + "\"model\":\"c\",\"usage\":{\"input_tokens\":7,\"output_tokens\":1}}}"));
        out.addAll(events.translate("{\"type\":\"ping\"}"));
        out.addAll(events.translate("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
                + "\"input_json_delta\",\"partial_json\":\"{\"}}"));
        assertThat(out).hasSize(1);
        assertThat(events.usage().path("prompt_tokens").asLong()).isEqualTo(7);
        assertThat(events.usage().path("completion_tokens").asLong()).isEqualTo(1);
    }

    @Test
    void anthropicRequestsTakeTextPartsAndRefuseWhatTheyCannotCarry() throws Exception {
        ObjectNode sent = AnthropicDialect.INSTANCE.request(ProviderDialect.Operation.CHAT, request("{\"messages\":["
                + "{\"role\":\"developer\",\"content\":[{\"type\":\"text\",\"text\":\"A\"},{\"type\":\"text\",\"text\":"
                + "\"B\"}]},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}],\"stop\":[\"x\",\"y\"],"
                + "\"user\":\"u1\"}"), "claude-x");
        assertThat(sent.path("system").asText()).isEqualTo("A\nB");
        assertThat(sent.path("messages").get(0).path("content").get(0).path("text").asText()).isEqualTo("hi");
        assertThat(sent.path("stop_sequences")).hasSize(2);
        assertThat(sent.path("metadata").path("user_id").asText()).isEqualTo("u1");
        assertThat(sent.has("stream")).isFalse();
        assertThatThrownBy(() -> AnthropicDialect.INSTANCE.request(ProviderDialect.Operation.CHAT, request(
                "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]}]}"),
                "m")).isInstanceOfSatisfying(LlmCallException.class, e -> assertThat(e.param()).isEqualTo("messages"));
        assertThatThrownBy(() -> AnthropicDialect.INSTANCE.request(ProviderDialect.Operation.CHAT, request(
                "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"n\":2}"), "m"))
                .isInstanceOfSatisfying(LlmCallException.class, e -> assertThat(e.param()).isEqualTo("n"));
        assertThatThrownBy(() -> AnthropicDialect.INSTANCE.request(ProviderDialect.Operation.CHAT, request(
                "{\"messages\":[{\"role\":\"system\",\"content\":\"only\"}]}"), "m"))
                .isInstanceOfSatisfying(LlmCallException.class, e -> assertThat(e.code()).isEqualTo("invalid_messages"));
    }

    @Test
    void geminiMapsFinishReasonsErrorsAndModels() throws Exception {
        assertThat(GeminiDialect.finishReason("SAFETY")).isEqualTo("content_filter");
        assertThat(GeminiDialect.finishReason("MAX_TOKENS")).isEqualTo("length");
        assertThat(GeminiDialect.finishReason(null)).isNull();
        assertThat(GeminiDialect.INSTANCE.errorType(("{\"error\":{\"code\":403,\"message\":\"no\",\"status\":"
                + "\"PERMISSION_DENIED\"}}").getBytes(StandardCharsets.UTF_8))).isEqualTo("permission_error");
        assertThat(GeminiDialect.INSTANCE.models(json.readTree("{\"models\":[{\"name\":\"models/gemini-x\"}]}")))
                .containsExactly("gemini-x");
        ProviderDialect.StreamTranslator events = GeminiDialect.INSTANCE.streamTranslator(
                request("{\"stream_options\":{\"include_usage\":false}}"));
        events.translate("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]},\"finishReason\":\"STOP\"}],"
                + "\"usageMetadata\":{\"promptTokenCount\":2,\"candidatesTokenCount\":1,\"thoughtsTokenCount\":5,"
                + "\"totalTokenCount\":8}}");
        assertThat(events.end()).containsExactly("[DONE]");
        assertThat(events.usage().path("completion_tokens").asLong()).isEqualTo(6);
        assertThat(events.usage().path("total_tokens").asLong()).isEqualTo(8);
    }

    @Test
    void azurePathsEncodeTheDeploymentAndVersionAndOpenAiKindsSayWhatTheyServe() {
        LlmConnections.Settings azure = new LlmConnections.Settings("azure-openai", null, "https://r", null, Map.of(),
                List.of("my deployment"), 8, "2024-10-21", null, Map.of(), null);
        assertThat(AzureOpenAiDialect.INSTANCE.path(ProviderDialect.Operation.EMBEDDINGS, "my deployment", azure, false))
                .contains("/openai/deployments/my%20deployment/embeddings?api-version=2024-10-21");
        assertThat(OpenAiDialect.MISTRAL.path(ProviderDialect.Operation.COMPLETIONS, "m", azure, false)).isEmpty();
        assertThat(OpenAiDialect.MODELCAT.path(ProviderDialect.Operation.EMBEDDINGS, "m", azure, false)).isEmpty();
        assertThat(OpenAiDialect.FULL.path(ProviderDialect.Operation.COMPLETIONS, "m", azure, true))
                .contains("/completions");
    }

    @Test
    void theCostIsTokensTimesThePricePerMillion() {
        LlmConnections.Price price = new LlmConnections.Price(new java.math.BigDecimal("3"),
                new java.math.BigDecimal("15"));
        assertThat(LlmMesh.cost(price, 1_000_000, 1_000_000)).isEqualByComparingTo("18");
        assertThat(LlmMesh.cost(price, 1, 0)).isEqualByComparingTo("0.000003");
        assertThat(LlmMesh.cost(null, 100, 100)).isNull();
    }

    @Test
    void bedrockCountsCachedInputAndRefusesWhatItCannotCarry() throws Exception {
        JsonNode openAi = json.readTree(BedrockDialect.INSTANCE.answer(ProviderDialect.Operation.CHAT, ("{\"output\":"
                + "{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":\"Hi\"},{\"toolUse\":{}},{\"text\":"
                + "\" there\"}]}},\"stopReason\":\"guardrail_intervened\",\"usage\":{\"inputTokens\":3,"
                + "\"cacheReadInputTokens\":20,\"outputTokens\":4,\"totalTokens\":27}}").getBytes(StandardCharsets.UTF_8)));
        assertThat(openAi.path("choices").get(0).path("message").path("content").asText()).isEqualTo("Hi there");
        assertThat(openAi.path("choices").get(0).path("finish_reason").asText()).isEqualTo("content_filter");
        assertThat(openAi.path("usage").path("prompt_tokens").asLong()).isEqualTo(23);
        assertThat(openAi.path("usage").path("total_tokens").asLong()).isEqualTo(27);
        assertThat(BedrockDialect.INSTANCE.status(424)).isEqualTo(502);
        assertThat(BedrockDialect.INSTANCE.errorType("{\"__type\":\"com.amazon#ThrottlingException\"}"
                .getBytes(StandardCharsets.UTF_8))).isEqualTo("rate_limit_error");
        assertThat(BedrockDialect.INSTANCE.path(ProviderDialect.Operation.CHAT, "arn:aws:bedrock:us-east-1:1:"
                + "inference-profile/us.x", null, true)).contains("/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3A"
                + "inference-profile%2Fus.x/converse-stream");
        assertThat(BedrockDialect.INSTANCE.modelsUri("https://bedrock-runtime.eu-west-1.amazonaws.com", null))
                .hasToString("https://bedrock.eu-west-1.amazonaws.com/foundation-models");
        assertThatThrownBy(() -> BedrockDialect.INSTANCE.request(ProviderDialect.Operation.CHAT, request(
                "{\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}"), "m"))
                .isInstanceOf(LlmCallException.class).hasMessageContaining("'tool' is not translated");
        assertThatThrownBy(() -> BedrockDialect.INSTANCE.request(ProviderDialect.Operation.CHAT, request(
                "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"n\":2}"), "m"))
                .isInstanceOf(LlmCallException.class).hasMessageContaining("one choice");
    }

    @Test
    void aCorruptedAwsEventStreamBreaksTheStreamInsteadOfInventingEvents() {
        // A prelude whose CRC does not match: AWS's decoder refuses it, and the mesh reports a broken stream.
        byte[] corrupted = {0, 0, 0, 16, 0, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0};
        AwsEventStreamEvents events = new AwsEventStreamEvents(new java.io.ByteArrayInputStream(corrupted));
        assertThatThrownBy(events::next).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void cohereFallsBackToCountedTokensAndReportsAnErrorFinish() throws Exception {
        JsonNode openAi = json.readTree(CohereDialect.INSTANCE.answer(ProviderDialect.Operation.CHAT, ("{\"id\":\"c\","
                + "\"finish_reason\":\"TOOL_CALL\",\"message\":{\"role\":\"assistant\",\"content\":[]},\"usage\":"
                + "{\"tokens\":{\"input_tokens\":5,\"output_tokens\":6}}}").getBytes(StandardCharsets.UTF_8)));
        assertThat(openAi.path("choices").get(0).path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(openAi.path("usage").path("total_tokens").asLong()).isEqualTo(11);
        ProviderDialect.StreamTranslator events = CohereDialect.INSTANCE.streamTranslator(request("{}"));
        List<String> out = events.translate("{\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"ERROR\","
                + "\"error\":\"model crashed\",\"usage\":{\"billed_units\":{\"input_tokens\":1,\"output_tokens\":2}}}}");
        assertThat(json.readTree(out.get(0)).path("error").path("message").asText()).isEqualTo("model crashed");
        assertThat(events.usage().path("total_tokens").asLong()).isEqualTo(3);
        assertThat(events.end()).last().isEqualTo("[DONE]");
    }
}
