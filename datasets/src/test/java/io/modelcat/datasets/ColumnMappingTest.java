package io.modelcat.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ColumnMappingTest {

    private static DatasetProfile jsonl(String content) throws IOException {
        return new DatasetSniffer(10_000).sniff(DatasetFiles.text(content), DatasetFormat.JSONL);
    }

    private static TaskSchema schema(String task) {
        return TaskSchema.forTask(task).orElseThrow();
    }

    @Test
    void mapsInputsToColumnsAndDefaultsToSameNamedColumns() throws Exception {
        DatasetProfile profile = jsonl("{\"review\": \"good\", \"label\": 1}\n{\"review\": \"bad\", \"label\": 0}\n");
        ColumnMapping mapping = ColumnMapping.resolve(schema("text-classification"), Map.of("sentence1", "review"), profile);
        assertThat(mapping.columns()).containsExactly(Map.entry("sentence1", "review"), Map.entry("label", "label"));
        assertThat(mapping.column("sentence2")).isEmpty();
    }

    @Test
    void labelsMayBeStringsIntegersOrBooleans() throws Exception {
        for (String label : new String[] {"\"pos\"", "1", "true"}) {
            DatasetProfile profile = jsonl("{\"sentence1\": \"x\", \"label\": " + label + "}\n");
            assertThat(ColumnMapping.resolve(schema("text-classification"), Map.of(), profile).columns()).hasSize(2);
        }
    }

    @Test
    void aMissingColumnIsNamedWithTheDatasetsColumns() throws Exception {
        DatasetProfile profile = jsonl("{\"review\": \"good\", \"stars\": 5}\n");
        MappingException e = catchThrowableOfType(() -> ColumnMapping.resolve(schema("text-classification"),
                Map.of("sentence1", "text", "label", "stars"), profile), MappingException.class);
        assertThat(e.errors()).containsExactly(new MappingError("sentence1", "text",
                "names column 'text', which the dataset does not have; its columns are: review (string), stars (integer)"));
    }

    @Test
    void aWronglyTypedColumnIsNamed() throws Exception {
        DatasetProfile profile = jsonl("{\"tokens\": \"not a list\", \"tags\": [\"O\"]}\n");
        MappingException e = catchThrowableOfType(() -> ColumnMapping.resolve(schema("token-classification"),
                Map.of("ner_tags", "tags"), profile), MappingException.class);
        assertThat(e.errors()).hasSize(1);
        assertThat(e.errors().get(0).input()).isEqualTo("tokens");
        assertThat(e.errors().get(0).column()).isEqualTo("tokens");
        assertThat(e.errors().get(0).message()).startsWith("needs a column of type list<string>, but column 'tokens' is string");
    }

    @Test
    void unknownAndUnmappedInputsAreErrors() throws Exception {
        DatasetProfile profile = jsonl("{\"a\": \"x\"}\n");
        MappingException e = catchThrowableOfType(() -> ColumnMapping.resolve(schema("summarization"),
                Map.of("document", "a", "title", "a"), profile), MappingException.class);
        assertThat(e.errors()).extracting(MappingError::input).containsExactly("title", "summary");
        assertThat(e.errors().get(1).message()).isEqualTo(
                "is required by task summarization (string): map it to one of the dataset's columns: a (string)");
    }

    @Test
    void requiredColumnsMustHaveAValueInEveryRow() throws Exception {
        DatasetProfile profile = jsonl("{\"source\": \"a\", \"target\": \"b\"}\n{\"source\": \"c\"}\n");
        MappingException e = catchThrowableOfType(() -> ColumnMapping.resolve(schema("translation"), Map.of(), profile),
                MappingException.class);
        assertThat(e.errors()).containsExactly(new MappingError("target", "target", "column 'target' has no value in 1 of 2 rows"));
    }

    @Test
    void tokensAndTagsMustHaveTheSameLength() throws Exception {
        DatasetProfile ok = jsonl("{\"tokens\": [\"New\", \"York\"], \"ner_tags\": [1, 2]}\n");
        assertThat(ColumnMapping.resolve(schema("token-classification"), Map.of(), ok).columns()).hasSize(2);
        DatasetProfile bad = jsonl("{\"tokens\": [\"New\", \"York\"], \"ner_tags\": [\"B-LOC\", \"I-LOC\"]}\n"
                + "{\"tokens\": [\"Hi\"], \"ner_tags\": [\"O\", \"O\"]}\n");
        MappingException e = catchThrowableOfType(() -> ColumnMapping.resolve(schema("token-classification"), Map.of(), bad),
                MappingException.class);
        assertThat(e.errors()).containsExactly(new MappingError("ner_tags", "ner_tags",
                "row 2 of the dataset: has 2 tags but tokens (column 'tokens') has 1 words"));
    }

    @Test
    void answersFollowTheSquadLayout() throws Exception {
        DatasetProfile ok = jsonl("{\"q\": \"Who?\", \"c\": \"Ada wrote it.\", \"a\": {\"text\": [\"Ada\"], \"answer_start\": [0]}}\n");
        Map<String, String> mapping = Map.of("question", "q", "context", "c", "answers", "a");
        assertThat(ColumnMapping.resolve(schema("question-answering"), mapping, ok).columns()).hasSize(3);
        DatasetProfile bad = jsonl("{\"q\": \"Who?\", \"c\": \"Ada wrote it.\", \"a\": {\"text\": [\"Ada\"], \"start\": [0]}}\n");
        MappingException e = catchThrowableOfType(() -> ColumnMapping.resolve(schema("question-answering"), mapping, bad),
                MappingException.class);
        assertThat(e.errors().get(0).input()).isEqualTo("answers");
        assertThat(e.errors().get(0).message()).contains("answer_start");
    }

    @Test
    void everyTaskOfTheCatalogHasASchema() {
        assertThat(TaskSchema.tasks()).containsExactlyInAnyOrder("text-classification", "token-classification",
                "question-answering", "summarization", "translation", "text-generation", "fill-mask");
    }
}
