package io.modelcat.catalog.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@MicronautTest(transactional = false)
class ModelListTest extends CatalogTestBase {

    @BeforeEach
    void catalog() {
        add("alpha-bert", "fill-mask", List.of("text-classification", "token-classification"), "apache-2.0",
                List.of("english"), "A BERT encoder for English.");
        add("Beta-GPT", "text-generation", List.of("text-generation"), "mit", List.of("english", "chat"),
                "Generates stories about cats.");
        add("gamma-ner", "token-classification", List.of("token-classification"), "mit", List.of("german"),
                "Finds people and places.");
        add("delta-sentiment", "text-classification", List.of("text-classification"), "apache-2.0",
                List.of("english", "sentiment"), "Positive or negative reviews.");
        add("epsilon-qa", "question-answering", List.of(), "cc-by-4.0", List.of(), "Answers questions.");
    }

    private void add(String name, String task, List<String> finetuning, String license, List<String> tags,
                     String description) {
        Map<String, Object> body = aModel(name);
        body.put("task", task);
        body.put("finetuningTasks", finetuning);
        body.put("license", license);
        body.put("tags", tags);
        body.put("description", description);
        create(body);
    }

    private List<String> names(String query) {
        ApiClient.Answer answer = api.get("/api/v1/models" + query);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer.items().stream().map(m -> (String) m.get("name")).toList();
    }

    @Test
    void sortsByNameCaseInsensitivelyByDefault() {
        assertThat(names("")).containsExactly("alpha-bert", "Beta-GPT", "delta-sentiment", "epsilon-qa", "gamma-ner");
        assertThat(names("?sort=-name")).containsExactly("gamma-ner", "epsilon-qa", "delta-sentiment", "Beta-GPT", "alpha-bert");
    }

    @Test
    void sortsByCreationAndUpdateTime() {
        assertThat(names("?sort=createdAt")).containsExactly("alpha-bert", "Beta-GPT", "gamma-ner", "delta-sentiment", "epsilon-qa");
        assertThat(names("?sort=-createdAt")).containsExactly("epsilon-qa", "delta-sentiment", "gamma-ner", "Beta-GPT", "alpha-bert");
        Map<String, Object> gamma = api.get("/api/v1/models?q=gamma").items().get(0);
        api.patch("/api/v1/models/" + gamma.get("id"), Map.of("version", gamma.get("version"), "publisher", "x"));
        assertThat(names("?sort=-updatedAt").get(0)).isEqualTo("gamma-ner");
        assertThat(names("?sort=updatedAt").get(4)).isEqualTo("gamma-ner");
    }

    @Test
    void filtersByTaskFinetuningTaskLicenseAndTagWithSeveralValues() {
        assertThat(names("?task=token-classification")).containsExactly("gamma-ner");
        assertThat(names("?task=token-classification&task=fill-mask")).containsExactly("alpha-bert", "gamma-ner");
        assertThat(names("?finetuningTask=token-classification")).containsExactly("alpha-bert", "gamma-ner");
        assertThat(names("?finetuningTask=text-generation&finetuningTask=text-classification"))
                .containsExactly("alpha-bert", "Beta-GPT", "delta-sentiment");
        assertThat(names("?license=mit")).containsExactly("Beta-GPT", "gamma-ner");
        assertThat(names("?license=MIT&license=cc-by-4.0")).containsExactly("Beta-GPT", "epsilon-qa", "gamma-ner");
        assertThat(names("?tag=sentiment&tag=chat")).containsExactly("Beta-GPT", "delta-sentiment");
        assertThat(names("?license=apache-2.0&finetuningTask=token-classification")).containsExactly("alpha-bert");
        assertThat(names("?license=mit&task=fill-mask")).isEmpty();
    }

    @Test
    void searchesNameTagsAndDescriptionByWordPrefix() {
        assertThat(names("?q=bert")).containsExactly("alpha-bert");
        assertThat(names("?q=cats")).containsExactly("Beta-GPT");
        assertThat(names("?q=GERM")).containsExactly("gamma-ner");
        assertThat(names("?q=english&sort=name")).containsExactly("alpha-bert", "Beta-GPT", "delta-sentiment");
        assertThat(names("?q=" + enc("english reviews"))).containsExactly("delta-sentiment");
        assertThat(names("?q=nothing-like-this")).isEmpty();
        assertThat(names("?q=" + enc("'; DROP TABLE model; --"))).isEmpty();
        assertThat(names("")).hasSize(5);
    }

    @Test
    void searchRanksNameMatchesFirst() {
        add("plain", "fill-mask", List.of(), "mit", List.of(), "Mentions sentiment in passing.");
        assertThat(names("?q=sentiment").get(0)).isEqualTo("delta-sentiment");
        assertThat(names("?q=sentiment")).hasSize(2);
    }

    @Test
    void facetsCountEachFilterWithTheOthersApplied() {
        Map<String, Object> page = api.get("/api/v1/models?license=mit").map();
        assertThat(page).containsEntry("total", 2);
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> facets = (Map<String, Map<String, Object>>) page.get("facets");
        assertThat(facets.get("task")).containsOnly(Map.entry("text-generation", 1), Map.entry("token-classification", 1));
        assertThat(facets.get("license")).containsOnly(Map.entry("apache-2.0", 2), Map.entry("mit", 2),
                Map.entry("cc-by-4.0", 1));
        assertThat(facets.get("finetuningTask")).containsOnly(Map.entry("text-generation", 1),
                Map.entry("token-classification", 1));

        Map<String, Object> withTask = api.get("/api/v1/models?task=fill-mask&task=text-generation").map();
        assertThat(withTask).containsEntry("total", 2);

        assertThat(api.get("/api/v1/models?facets=false").map()).doesNotContainKeys("facets", "total");
    }

    @Test
    void cursorPagesThroughEverySortWithoutGapsOrRepeats() {
        for (int i = 0; i < 12; i++) {
            add("bulk-" + (char) ('a' + (i % 3)) + "-" + i, "fill-mask", List.of(), "mit", List.of("bulk"), "same");
        }
        for (String sort : List.of("name", "-name", "createdAt", "-createdAt", "updatedAt", "-updatedAt")) {
            assertThat(pageThrough("sort=" + sort, 4)).as(sort).hasSize(5)
                    .flatExtracting(names -> names).containsExactlyElementsOf(names("?limit=100&sort=" + sort))
                    .hasSize(17);
            // A search chooses its page by another path (matches through the search index, then ordered).
            assertThat(pageThrough("q=bulk&sort=" + sort, 5)).as("search, " + sort).hasSize(3)
                    .flatExtracting(names -> names).containsExactlyElementsOf(names("?limit=100&q=bulk&sort=" + sort))
                    .hasSize(12);
        }
        assertThat(pageThrough("q=bulk", 5)).as("search, relevance").hasSize(3).flatExtracting(names -> names)
                .containsExactlyElementsOf(names("?limit=100&q=bulk")).hasSize(12).doesNotHaveDuplicates();
    }

    /** The names of each page of the list, following its cursors from the first page. */
    private List<List<String>> pageThrough(String query, int limit) {
        List<List<String>> pages = new ArrayList<>();
        String cursor = null;
        do {
            Map<String, Object> page = api.get("/api/v1/models?limit=" + limit + "&" + query
                    + (cursor == null ? "" : "&cursor=" + cursor)).map();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> items = (List<Map<String, Object>>) page.get("items");
            pages.add(items.stream().map(m -> (String) m.get("name")).toList());
            cursor = (String) page.get("nextCursor");
        } while (cursor != null);
        return pages;
    }

    @Test
    void rejectsBadListParametersNamingThem() {
        assertThat(api.get("/api/v1/models?task=image-segmentation").errorFields()).containsExactly("task");
        assertThat(api.get("/api/v1/models?finetuningTask=nope").errorFields()).containsExactly("finetuningTask");
        assertThat(api.get("/api/v1/models?sort=popularity").errorFields()).containsExactly("sort");
        assertThat(api.get("/api/v1/models?sort=relevance").errorFields()).containsExactly("sort");
        assertThat(api.get("/api/v1/models?limit=0").errorFields()).containsExactly("limit");
        assertThat(api.get("/api/v1/models?limit=101").errorFields()).containsExactly("limit");
        assertThat(api.get("/api/v1/models?limit=ten").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/models?cursor=garbage").errorFields()).containsExactly("cursor");
        assertThat(api.get("/api/v1/models?q=" + enc("!!!")).errorFields()).containsExactly("q");
        assertThat(api.get("/api/v1/models?q=" + "a".repeat(201)).errorFields()).containsExactly("q");
        // Found by API fuzzing: an unknown word was read as false and answered 200.
        assertThat(api.get("/api/v1/models?facets=AAA").errorFields()).containsExactly("facets");
        assertThat(api.get("/api/v1/models?facets=false").map()).doesNotContainKey("facets");
        assertThat(api.get("/api/v1/models?facets=true").map()).containsKey("facets");

        String nameCursor = (String) api.get("/api/v1/models?limit=1").map().get("nextCursor");
        ApiClient.Answer mixed = api.get("/api/v1/models?sort=-createdAt&cursor=" + nameCursor);
        assertThat(mixed.status()).isEqualTo(400);
        assertThat(mixed.body()).contains("belongs to sort 'name'");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
