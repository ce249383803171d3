package io.modelcat.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.store.Cursor;
import io.modelcat.testsupport.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Every list continues with one kind of cursor, and refuses a cursor that is not its own, naming {@code cursor}. */
@MicronautTest(transactional = false)
class ListCursorsTest extends CatalogTestBase {

    @Test
    void jobsPageNewestFirstWithoutGapsOrRepeats() {
        String at = "2026-01-01 10:00:00.123456+00";
        for (int i = 0; i < 5; i++) {
            // Two jobs share each submission time: the id breaks the tie.
            TestDatabase.shared().executeHere("INSERT INTO job (id, kind, submitted_at) VALUES ('"
                    + UUID.randomUUID() + "', 'noop', timestamptz '" + at + "' + interval '" + (i / 2) + " seconds')");
        }
        assertThat(pages("/api/v1/jobs?kind=noop&limit=2")).hasSize(5).doesNotHaveDuplicates();
    }

    @Test
    void auditRecordsPageNewestFirst() {
        for (int i = 0; i < 3; i++) {
            create(aModel("audited-" + i));
        }
        List<String> ids = pages("/api/v1/audit?action=model.create&limit=2");
        assertThat(ids).hasSize(3).doesNotHaveDuplicates();
        assertThat(ids.stream().map(Long::parseLong).toList()).isSortedAccordingTo((a, b) -> Long.compare(b, a));
    }

    @Test
    void aListRefusesCursorsThatAreNotItsOwn() {
        String modelCursor = Cursor.of("name", "x", UUID.randomUUID()).encode();
        String jobCursor = Cursor.of("-submittedAt", "2026-01-01T10:00:00Z", UUID.randomUUID()).encode();
        for (String path : List.of("/api/v1/jobs", "/api/v1/datasets", "/api/v1/audit")) {
            for (String cursor : List.of("garbage", modelCursor)) {
                ApiClient.Answer answer = api.get(path + "?cursor=" + cursor);
                assertThat(answer.status()).as(path + " " + cursor).isEqualTo(400);
                assertThat(answer.errorFields()).as(path).containsExactly("cursor");
            }
        }
        assertThat(api.get("/api/v1/models?cursor=" + jobCursor).errorFields()).containsExactly("cursor");
        assertThat(api.get("/api/v1/jobs?cursor=" + jobCursor).status()).isEqualTo(200);
    }

    /** The ids of every item of a list, following its cursors. */
    private List<String> pages(String path) {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            Map<String, Object> page = api.get(path + (cursor == null ? "" : "&cursor=" + cursor)).map();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> items = (List<Map<String, Object>>) page.get("items");
            items.forEach(item -> ids.add(String.valueOf(item.get("id"))));
            cursor = (String) page.get("nextCursor");
        } while (cursor != null);
        return ids;
    }
}
