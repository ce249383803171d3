package io.modelcat.jobs.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcat.jobs.spec.BulkTestSpec;
import io.modelcat.jobs.spec.DatasetRef;
import io.modelcat.jobs.spec.JobSpecs;
import io.modelcat.jobs.spec.SpecError;
import io.modelcat.datasets.DatasetFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Flows on their own: checking, templates, parsers, running a row, judges' scores, and their JSON form. */
class FlowTest {

    private static final OutputParser LABELS = new OutputParser("label", null, List.of("yes", "no"));

    private static Flow twoSteps() {
        return new Flow("d", List.of("question"), List.of(
                new FlowStep("answer", List.of(
                        new StepVariant("short", "c/m1", "Be brief.", "Q: {{ question }}", 0.0, 5, null),
                        new StepVariant("long", "c/m2", null, "Question: {{ question | upper }}", null, null, null))),
                new FlowStep("verdict", List.of(
                        new StepVariant("v", "c/m1", null, "Is '{{ answer }}' an answer to {{ question }}?", null, null,
                                LABELS)))));
    }

    @Test
    void aGoodFlowHasNoProblemsAndEveryBadFieldIsNamed() {
        assertThat(twoSteps().problems("flow.")).isEmpty();
        Flow bad = new Flow(null, List.of("q", "q", "output", "9x"), List.of(
                new FlowStep("later", List.of(new StepVariant("a", "c/m", null, "{{ sooner }}", null, null, null))),
                new FlowStep("sooner", List.of(new StepVariant("a", "m", null, "{% for %}", -1.0, 0,
                        new OutputParser("regex", null, null))))));
        assertThat(bad.problems("flow.")).extracting(SpecError::field).containsExactly("flow.inputs[1]",
                "flow.inputs[2]", "flow.inputs[3]", "flow.steps[0].variants[0].prompt", "flow.steps[1].variants[0].model",
                "flow.steps[1].variants[0].prompt", "flow.steps[1].variants[0].temperature",
                "flow.steps[1].variants[0].maxTokens", "flow.steps[1].variants[0].parser.type");
        assertThat(bad.problems("").get(3).message()).isEqualTo("line 1: 'sooner' is not a name the template can use (the template may use 9x, output, q)");
        assertThat(new Flow(null, null, null).problems("")).extracting(SpecError::field).containsExactly("steps");
        List<String> noName = new ArrayList<>();
        noName.add(null);
        List<FlowStep> noStep = new ArrayList<>();
        noStep.add(null);
        noStep.add(new FlowStep("s", java.util.Arrays.asList((StepVariant) null)));
        assertThat(new Flow(null, noName, noStep).problems("")).extracting(SpecError::field)
                .containsExactly("inputs[0]", "steps[0]", "steps[1].variants[0]");
    }

    @Test
    void parsersReadTextJsonFieldsAndLabels() {
        assertThat(OutputParser.TEXT.parse("  hello \n")).isEqualTo("hello");
        OutputParser json = new OutputParser("json-field", "label", null);
        assertThat(json.parse("```json\n{\"label\": \"spam\", \"why\": 1}\n```")).isEqualTo("spam");
        assertThat(json.parse("{\"label\": {\"a\": 1}}")).isEqualTo("{\"a\":1}");
        assertThatThrownBy(() -> json.parse("no json")).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> json.parse("{\"other\": 1}")).hasMessageContaining("no field 'label'");
        assertThat(LABELS.parse("No. Well, yes.")).as("the label named first").isEqualTo("no");
        assertThat(LABELS.parse("YES")).isEqualTo("yes");
        assertThatThrownBy(() -> LABELS.parse("maybe")).hasMessageContaining("names none of the labels [yes, no]");
    }

    @Test
    void aRowRunsEachStepWithEarlierOutputsAndStopsAtAFailure() throws Exception {
        List<String> sent = new ArrayList<>();
        ChatModel llm = (model, messages, temperature, maxTokens) -> {
            sent.add(model + " " + messages.stream().map(m -> m.role() + ":" + m.content()).toList() + " t=" + temperature
                    + " max=" + maxTokens);
            String last = messages.get(messages.size() - 1).content();
            if (last.contains("fail")) {
                throw new ChatModel.LlmCallFailed(503, "busy");
            }
            // The judge-like second step has no price: the row's cost is the first step's.
            return new ChatModel.Reply(last.startsWith("Is") ? "yes!" : "forty-two", 3, 2, last.startsWith("Is") ? null : 0.25);
        };
        FlowExecution.RowResult row = new FlowExecution(twoSteps(), llm).run(Map.of("question", "why"), Map.of());
        assertThat(row.failed()).isFalse();
        assertThat(row.outputs()).containsExactly(Map.entry("answer", "forty-two"), Map.entry("verdict", "yes"),
                Map.entry("output", "yes"));
        assertThat(sent).containsExactly("c/m1 [system:Be brief., user:Q: why] t=0.0 max=5",
                "c/m1 [user:Is 'forty-two' an answer to why?] t=null max=null");
        assertThat(row.promptTokens()).isEqualTo(6);
        assertThat(row.completionTokens()).isEqualTo(4);
        assertThat(row.costUsd()).isEqualTo(0.25);

        sent.clear();
        new FlowExecution(twoSteps(), llm).run(Map.of("question", "how"), Map.of("answer", "long"));
        assertThat(sent.get(0)).startsWith("c/m2 [user:Question: HOW]");

        FlowExecution.RowResult failed = new FlowExecution(twoSteps(), llm).run(Map.of("question", "fail"), Map.of());
        assertThat(failed.error()).isEqualTo("step 'answer': busy");
        assertThat(failed.failedStep()).isEqualTo("answer");
        assertThat(new FlowExecution(twoSteps(), llm).run(Map.of(), Map.of()).error())
                .isEqualTo("the row has no value for input 'question'");
    }

    @Test
    void renderingOnManyThreadsAtOnceGivesEachRenderItsOwnValuesAndNothingOfAnEarlierOne() throws Exception {
        // Each thread keeps one root context for all its renders: what one render sets must not reach the next.
        assertThat(FlowTemplates.render("{% set secret = 'kept' %}{{ question }}", Map.of("question", "q")))
                .isEqualTo("q");
        assertThatThrownBy(() -> FlowTemplates.render("{{ secret }}", Map.of()))
                .hasMessage("line 1: 'secret' is not a name the template can use");
        assertThatThrownBy(() -> FlowTemplates.render("{% for %}", Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(FlowTemplates.render("{{ question | upper }}", Map.of("question", "again"))).isEqualTo("AGAIN");

        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<List<String>>> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                threads.add(pool.submit(() -> {
                    List<String> wrong = new ArrayList<>();
                    for (int i = 0; i < 300; i++) {
                        String value = thread + "-" + i;
                        String rendered = FlowTemplates.render("{% set mine = question %}Q: {{ mine | upper }} "
                                + "{{ n }}", Map.of("question", "v" + value, "n", i));
                        if (!rendered.equals("Q: V" + value.toUpperCase() + " " + i)) {
                            wrong.add(rendered);
                        }
                        try {
                            FlowTemplates.render("{{ mine }}", Map.of());
                            wrong.add("'mine' leaked into a later render");
                        } catch (IllegalArgumentException expected) {
                            // The name is unknown to a render that did not set it.
                        }
                    }
                    return wrong;
                }));
            }
            for (var thread : threads) {
                assertThat(thread.get()).isEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void judgesScoresAreTheirFirstWholeNumberFromOneToFive() {
        assertThat(JudgeRubrics.score("echo: 5")).contains(5);
        assertThat(JudgeRubrics.score("Score: 4/5")).contains(4);
        assertThat(JudgeRubrics.score("I'd say 3.")).contains(3);
        assertThat(JudgeRubrics.score("10 out of 10")).isEmpty();
        assertThat(JudgeRubrics.score("none")).isEmpty();
        for (String aspect : JudgeRubrics.ASPECTS) {
            String rubric = FlowTemplates.render(JudgeRubrics.defaultFor(aspect),
                    JudgeRubrics.values(Map.of("question", "why?"), Map.of("output", "because"), "because", ""));
            assertThat(rubric).contains("Answer: because").contains("1 (worst) to 5 (best)");
        }
        assertThat(new EvaluationMethod("embedding-similarity", null, "gold", null, "fluency", null)
                .problems("e.", twoSteps(), null)).extracting(SpecError::field).containsExactly("e.model", "e.aspect");
        assertThat(new EvaluationMethod("rouge", null, "gold", "c/m1", null, "r").problems("e.", twoSteps(), null))
                .extracting(SpecError::field).containsExactly("e.model", "e.rubric");
        EvaluationMethod judge = new EvaluationMethod("llm-judge", null, null, "c/m1", "fluency", "{{ nonsense }}");
        assertThat(judge.problems("e.", twoSteps(), null)).extracting(SpecError::field).containsExactly("e.rubric");
        assertThat(new EvaluationMethod("llm-judge", "verdict", null, "c/m1", "fluency",
                "{{ inputs.question }} {{ answer }} {{ ground_truth }} {{ outputs.answer }}").problems("", twoSteps(), null))
                .isEmpty();
    }

    @Test
    void aBulkTestsSpecificationKeepsItsFlowThroughJson() {
        BulkTestSpec spec = new BulkTestSpec(UUID.randomUUID(), "qa", twoSteps(), "answer", List.of("short", "long"),
                new DatasetRef(UUID.randomUUID(), "x.csv", DatasetFormat.CSV), Map.of("question", "q"), 4, -1,
                List.of(new EvaluationMethod("exact-match", "verdict", "gold", null, null, null)));
        BulkTestSpec read = JobSpecs.read(JobSpecs.write(spec), BulkTestSpec.class);
        assertThat(read).isEqualTo(spec);
        assertThat(read.runs()).containsExactly("short", "long");
        assertThat(read.choice("long")).isEqualTo(Map.of("answer", "long"));
        assertThat(read.evaluations().get(0).prefix()).isEqualTo("verdict.");
    }

    @Test
    void aRunsMetricIsCreditedToTheModelOfTheStepItMeasuresInTheRunsVariant() {
        BulkTestSpec spec = new BulkTestSpec(UUID.randomUUID(), "qa", twoSteps(), "answer", List.of("short", "long"),
                new DatasetRef(UUID.randomUUID(), "x.csv", DatasetFormat.CSV), Map.of("question", "q"), 4, -1, List.of());
        assertThat(spec.modelOf("short", "answer.exact_match")).isEqualTo("c/m1");
        assertThat(spec.modelOf("long", "answer.exact_match")).isEqualTo("c/m2");
        // The flow's output is the last step's, which runs its only variant in both runs.
        assertThat(spec.modelOf("long", "exact_match")).isEqualTo("c/m1");
        assertThat(spec.modelOf("long", "verdict.accuracy")).isEqualTo("c/m1");
        BulkTestSpec plain = new BulkTestSpec(UUID.randomUUID(), "qa", twoSteps(), null, List.of(),
                new DatasetRef(UUID.randomUUID(), "x.csv", DatasetFormat.CSV), Map.of("question", "q"), 4, -1, List.of());
        assertThat(plain.modelOf(BulkTestSpec.DEFAULT_VARIANT, "answer.rougeL")).isEqualTo("c/m1");
    }
}
