package io.modelcat.catalog.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.catalog.access.Role;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Admins can see how PostgreSQL answers a list request: the plans of the very statements the list runs. */
@MicronautTest(transactional = false)
class ModelPlansTest extends CatalogTestBase {

    @Test
    void thePageAndItsFacetCountsAreExplainedWithTheRequestsValues() {
        create(aModel("first"));
        ApiClient.Answer answer = api.get("/api/v1/catalog/plans?task=text-classification&license=mit");
        assertThat(answer.status()).isEqualTo(200);
        String page = (String) answer.map().get("page");
        // A one-value task and licence lead the order: the page walks the index that starts with both (V33).
        assertThat(page).contains("model_task_license_name_idx").contains("Buffers:").contains("Execution Time:");
        // Filters on task and licence alone are counted on the maintained counts, not the cards.
        assertThat((String) answer.map().get("facets")).contains("model_facet_count").doesNotContain(" on model ");
        // A search's counts group the cards it matches, read once, through their search entries.
        assertThat((String) api.get("/api/v1/catalog/plans?q=first&task=fill-mask").map().get("facets"))
                .contains(" on model_search ").contains("Group Key: m.task, m.license, m.finetuning_tasks");

        String search = (String) api.get("/api/v1/catalog/plans?q=first&facets=false").map().get("page");
        // A search reads the cards' search entries (V36), here a single one.
        assertThat(search).contains(" on model_search ").contains("ts_rank");
        assertThat(api.get("/api/v1/catalog/plans?q=first&facets=false").map().get("facets")).isNull();
    }

    @Test
    void badParametersAreNamedAsOnTheListAndOnlyAdminsMayAsk() {
        assertThat(api.get("/api/v1/catalog/plans?task=image-segmentation").errorFields()).containsExactly("task");
        assertThat(api.get("/api/v1/catalog/plans?limit=0").errorFields()).containsExactly("limit");
        assertThat(api.get("/api/v1/catalog/plans?facets=maybe").errorFields()).containsExactly("facets");
        assertThat(apiAs(Role.CONTRIBUTOR).get("/api/v1/catalog/plans").status()).isEqualTo(403);
        assertThat(apiAs(Role.VIEWER).get("/api/v1/catalog/plans").status()).isEqualTo(403);
        assertThat(anonymousApi().get("/api/v1/catalog/plans").status()).isEqualTo(401);
        assertThat(api.patch("/api/v1/catalog/plans", Map.of()).status()).isEqualTo(405);
    }
}
