package io.modelcat.catalog.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.testsupport.TestDatabase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A list page is reused for the same request within its time-to-live, and this service's own changes show at once. */
@MicronautTest(transactional = false)
class RecentPagesTest extends CatalogTestBase {

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = super.getProperties();
        properties.put("modelcat.catalog.list-cache-ttl", "1m");
        return properties;
    }

    private List<Object> names(String query) {
        return api.get("/api/v1/models?" + query).items().stream().map(m -> m.get("name")).toList();
    }

    @Test
    void theSamePageIsServedAgainUntilThisServiceChangesACard() {
        create(aModel("first"));
        assertThat(names("facets=false")).containsExactly("first");

        // A card written behind the service's back (as a runner's import does) shows once the page expires.
        TestDatabase.shared().executeHere("INSERT INTO model (id, name, task, license) VALUES "
                + "('00000000-0000-4000-8000-00000000abcd', 'behind-the-back', 'fill-mask', 'mit')");
        assertThat(names("facets=false")).containsExactly("first");
        // Another request is its own page.
        assertThat(names("facets=false&sort=-name")).containsExactly("first", "behind-the-back");

        create(aModel("second"));
        assertThat(names("facets=false")).containsExactly("behind-the-back", "first", "second");
    }

    @Test
    void badRequestsAreRefusedBeforeAnyPageIsLookedUp() {
        assertThat(api.get("/api/v1/models?task=no-such-task").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/models?limit=0").errorFields()).containsExactly("limit");
    }
}
