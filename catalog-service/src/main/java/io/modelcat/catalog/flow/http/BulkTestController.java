package io.modelcat.catalog.flow.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.http.annotation.Status;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.access.http.AccessFilter;
import io.modelcat.catalog.access.http.RequiresRole;
import io.modelcat.catalog.flow.BulkTestService;
import io.modelcat.catalog.flow.BulkTestView;
import io.modelcat.catalog.flow.FlowRequests;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.catalog.problem.QueryNumbers;
import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.modelcat.store.flow.BulkTests;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Bulk tests of prompt flows: {@code /api/v1/bulk-tests} (docs/flows.md). */
@Controller("/api/v1/bulk-tests")
@ProblemAnswers
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Bulk tests", description = "A prompt flow run over a dataset, its variants compared and its outputs "
        + "evaluated")
public class BulkTestController {

    private static final int CSV_PAGE = 5_000;

    private final BulkTestService tests;

    public BulkTestController(BulkTestService tests) {
        this.tests = tests;
    }

    @Post
    @Status(HttpStatus.CREATED)
    @RequiresRole(Role.CONTRIBUTOR)
    @Operation(summary = "Run a bulk test", description = "A saved flow over every row of a dataset (inputColumns map "
            + "its inputs to columns), once per compared variant of variantStep, concurrency rows at once, then the "
            + "evaluation methods. Runs as a bulk-test job on the runners; every bad field is named in one 400.")
    @ApiResponse(responseCode = "201", description = "the test, its job queued")
    public HttpResponse<BulkTestView> create(@Body @Valid FlowRequests.CreateBulkTest body,
                                             @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        return HttpResponse.created(tests.create(body, caller));
    }

    @Get
    @RequiresRole(Role.VIEWER)
    @Operation(summary = "The newest bulk tests (100), optionally of one flow")
    @ApiResponse(responseCode = "200", description = "the tests, newest first")
    public BulkTestView.BulkTests list(@Nullable @QueryValue String flow) {
        if (flow != null && flow.isBlank()) {
            throw new InvalidFieldException("flow", "must name a flow when given");
        }
        return tests.list(flow);
    }

    @Get("/{id}")
    @RequiresRole(Role.VIEWER)
    @Operation(summary = "One bulk test: its job, rows answered so far and metrics per run")
    @ApiResponse(responseCode = "200", description = "the test")
    public BulkTestView get(@PathVariable UUID id) {
        return tests.get(id);
    }

    @Get("/{id}/rows")
    @RequiresRole(Role.VIEWER)
    @Operation(summary = "A bulk test's rows: inputs, outputs, each step's answer, latency, tokens and scores",
            description = "sort: row (the default), latency, or score:<name> (rows without that score last); a "
                    + "leading '-' sorts the highest first. failed: true for failed rows only, false for answered ones.")
    @ApiResponse(responseCode = "200", description = "the rows")
    public BulkTestView.Rows rows(@PathVariable UUID id, @Nullable @QueryValue String variant,
                                  @Nullable @QueryValue @Parameter(schema = @Schema(type = "string",
                                          pattern = "^-?(row|latency|score:.+)$")) String sort,
                                  @Nullable @QueryValue @Parameter(schema = @Schema(type = "boolean")) String failed,
                                  @Nullable @QueryValue @Parameter(schema = @Schema(type = "integer", minimum = "0"))
                                  String offset,
                                  @Nullable @QueryValue @Parameter(schema = @Schema(type = "integer", minimum = "1",
                                          maximum = "" + BulkTestService.MAX_ROWS_PAGE)) String limit) {
        if (variant != null && variant.isBlank()) {
            throw new InvalidFieldException("variant", "must name a run when given");
        }
        Boolean onlyFailed = null;
        if (failed != null) {
            if (!failed.equals("true") && !failed.equals("false")) {
                throw new InvalidFieldException("failed", "must be true or false, got '" + failed + "'");
            }
            onlyFailed = Boolean.valueOf(failed);
        }
        String by = sort == null ? "row" : sort;
        boolean descending = by.startsWith("-");
        String key = descending ? by.substring(1) : by;
        String score = key.startsWith("score:") && key.length() > "score:".length() ? key.substring("score:".length())
                : null;
        if (score == null && !key.equals("row") && !key.equals("latency")) {
            throw new InvalidFieldException("sort", "must be row, latency or score:<name>, with '-' in front for the "
                    + "highest first; got '" + sort + "'");
        }
        return tests.rows(id, new BulkTests.RowQuery(variant, onlyFailed, score, key.equals("latency"), descending,
                QueryNumbers.wholeNumber("offset", offset, 0, 0, Integer.MAX_VALUE),
                QueryNumbers.wholeNumber("limit", limit, 100, 1, BulkTestService.MAX_ROWS_PAGE)));
    }

    @Get(value = "/{id}/rows.csv", produces = "text/csv")
    @RequiresRole(Role.VIEWER)
    @Operation(summary = "A bulk test's rows as CSV", description = "One line per run and row: variant, row, the "
            + "inputs, the outputs, error, latency_ms, prompt_tokens, completion_tokens, cost_usd and each score")
    @ApiResponse(responseCode = "200", description = "the CSV", content = @Content(mediaType = "text/csv",
            schema = @Schema(type = "string")))
    public MutableHttpResponse<String> csv(@PathVariable UUID id) {
        List<BulkTestView.Row> rows = new ArrayList<>();
        for (int offset = 0; ; offset += CSV_PAGE) {
            List<BulkTestView.Row> page = tests.rows(id, null, offset, CSV_PAGE).items();
            rows.addAll(page);
            if (page.size() < CSV_PAGE) {
                break;
            }
        }
        BulkTestView test = tests.get(id);
        Set<String> outputs = new LinkedHashSet<>();
        test.steps().forEach(s -> outputs.add(s.name()));
        outputs.add("output");
        Set<String> scores = new LinkedHashSet<>();
        rows.forEach(r -> scores.addAll(r.scores().keySet()));
        StringBuilder csv = new StringBuilder();
        List<String> header = new ArrayList<>(List.of("variant", "row"));
        test.inputs().forEach(i -> header.add("input." + i));
        outputs.forEach(o -> header.add("output." + o));
        header.addAll(List.of("error", "latency_ms", "prompt_tokens", "completion_tokens", "cost_usd"));
        scores.forEach(s -> header.add("score." + s));
        line(csv, header);
        for (BulkTestView.Row r : rows) {
            List<String> cells = new ArrayList<>(List.of(r.variant(), Integer.toString(r.row())));
            test.inputs().forEach(i -> cells.add(r.inputs().getOrDefault(i, "")));
            outputs.forEach(o -> cells.add(r.outputs().getOrDefault(o, "")));
            cells.addAll(List.of(r.error() == null ? "" : r.error(), Long.toString(r.latencyMillis()),
                    Long.toString(r.promptTokens()), Long.toString(r.completionTokens()),
                    r.costUsd() == null ? "" : java.math.BigDecimal.valueOf(r.costUsd()).toPlainString()));
            scores.forEach(s -> cells.add(r.scores().containsKey(s) ? r.scores().get(s).toString() : ""));
            line(csv, cells);
        }
        return HttpResponse.ok(csv.toString()).contentType(MediaType.of("text/csv; charset=utf-8"))
                .header("Content-Disposition", "attachment; filename=\"bulk-test-" + id + ".csv\"");
    }

    @Post("/{id}/evaluations")
    @RequiresRole(Role.CONTRIBUTOR)
    @Operation(summary = "Apply evaluation methods again", description = "A new job of the test replaces its metrics "
            + "and scores; no flow step is called again for answered rows (an LLM judge is). 409 while the test runs.")
    @ApiResponse(responseCode = "200", description = "the test, its new job queued")
    public BulkTestView evaluate(@PathVariable UUID id, @Body @Valid FlowRequests.Evaluate body,
                                 @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        return tests.evaluate(id, body, caller);
    }

    @Delete("/{id}")
    @Status(HttpStatus.NO_CONTENT)
    @RequiresRole(Role.CONTRIBUTOR)
    @Operation(summary = "Delete a bulk test and its rows (409 while it runs)")
    @ApiResponse(responseCode = "204", description = "deleted")
    public void delete(@PathVariable UUID id, @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        tests.delete(id, caller);
    }

    private static void line(StringBuilder csv, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                csv.append(',');
            }
            String cell = cells.get(i);
            if (cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0 || cell.indexOf('\n') >= 0 || cell.indexOf('\r') >= 0) {
                csv.append('"').append(cell.replace("\"", "\"\"")).append('"');
            } else {
                csv.append(cell);
            }
        }
        csv.append("\r\n");
    }
}
