package io.modelcat.catalog.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.jobs.task.Task;
import io.modelcat.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A new database holds the curated catalog, with tasks the API accepts. */
class SeedCatalogTest {

    @Test
    void freshDatabaseHoldsADozenCuratedModels() throws SQLException {
        TestDatabase fresh = TestDatabase.shared().freshDatabase();
        List<String> repos = new ArrayList<>();
        try (Connection c = fresh.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT source_repo, task, finetuning_tasks, license, status FROM model")) {
            while (rs.next()) {
                repos.add(rs.getString("source_repo"));
                assertThat(Task.fromWireName(rs.getString("task"))).isPresent();
                Arrays.stream((String[]) rs.getArray("finetuning_tasks").getArray())
                        .forEach(t -> assertThat(Task.fromWireName(t)).as(t).isPresent());
                assertThat(rs.getString("license")).isNotBlank();
                assertThat(rs.getString("status")).isEqualTo("not_imported");
            }
        }
        assertThat(repos).hasSize(12).contains("google-bert/bert-base-uncased", "openai-community/gpt2",
                "dslim/bert-base-NER", "distilbert/distilbert-base-cased-distilled-squad");
    }
}
