package io.modelcat.catalog.job.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.http.annotation.Status;
import io.micronaut.http.sse.Event;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.access.http.AccessFilter;
import io.modelcat.catalog.access.http.RequiresRole;
import io.modelcat.catalog.job.JobLogEntry;
import io.modelcat.catalog.job.JobPage;
import io.modelcat.catalog.job.JobRequests;
import io.modelcat.catalog.job.JobService;
import io.modelcat.catalog.job.JobView;
import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.modelcat.catalog.problem.http.RequestIds;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/** HTTP adapter of jobs: {@code /api/v1/jobs}, with logs and a Server-Sent Events stream per job. */
@Controller("/api/v1/jobs")
@ProblemAnswers
@RequiresRole(Role.VIEWER)
@Tag(name = "Jobs", description = "Import, evaluate and fine-tune jobs, their progress and logs")
public class JobController {

    private static final Duration POLL = Duration.ofMillis(500);

    private final JobService jobs;

    public JobController(JobService jobs) {
        this.jobs = jobs;
    }

    @Post
    @Status(HttpStatus.CREATED)
    @ExecuteOn(TaskExecutors.BLOCKING)
    @RequiresRole(Role.CONTRIBUTOR)
    @Operation(summary = "Submit a job", description = "Queued at once; a free runner of the requested device starts it.")
    public HttpResponse<JobView> submit(@Body @Valid JobRequests.Submit request, @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        JobView job = jobs.submit(request, caller);
        return HttpResponse.created(job, URI.create("/api/v1/jobs/" + job.id()));
    }

    @Get
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Operation(summary = "List jobs, newest first")
    public JobPage list(@Parameter(description = "state, repeatable") @Nullable @QueryValue("state") List<String> state,
                        @Parameter(description = "kind, repeatable") @Nullable @QueryValue("kind") List<String> kind,
                        @Parameter(description = "model id") @Nullable @QueryValue("modelId") String modelId,
                        @Parameter(description = "1 to 100 (default 20)") @Nullable @QueryValue("limit") Integer limit,
                        @Parameter(description = "nextCursor of the previous page") @Nullable @QueryValue("cursor") String cursor) {
        UUID model = modelId == null ? null : RequestIds.parse("modelId", modelId);
        return jobs.list(state, kind, model, limit, cursor);
    }

    @Get("/{id}")
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Operation(summary = "Read a job: state, progress, worker, result or error")
    public JobView get(@PathVariable @Parameter(schema = @Schema(format = "uuid")) String id) {
        return jobs.get(RequestIds.parse("id", id));
    }

    @Post("/{id}/cancel")
    @ExecuteOn(TaskExecutors.BLOCKING)
    @RequiresRole(Role.CONTRIBUTOR)
    @Operation(summary = "Cancel a job", description = "A queued job is cancelled at once; a running one stops within "
            + "seconds. Only its submitter or an admin may.")
    public JobView cancel(@PathVariable @Parameter(schema = @Schema(format = "uuid")) String id, @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        return jobs.cancel(RequestIds.parse("id", id), caller);
    }

    @Get("/{id}/logs")
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Operation(summary = "A job's log lines after a given line id")
    public List<JobLogEntry> logs(@PathVariable @Parameter(schema = @Schema(format = "uuid")) String id, @Nullable @QueryValue("after") Long after,
                                  @Nullable @QueryValue("limit") Integer limit) {
        return jobs.logs(RequestIds.parse("id", id), after, limit);
    }

    @Get(value = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM)
    @Operation(summary = "Stream a job's progress and log lines (Server-Sent Events)",
            description = "Events: 'job' (the job whenever it changes), 'log' (each log line), 'end' when it has ended.")
    @ApiResponse(responseCode = "200", description = "the job's events until it ends",
            content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM, schema = @Schema(implementation = JobStreamEvent.class)))
    public Publisher<Event<Object>> events(@PathVariable @Parameter(schema = @Schema(format = "uuid")) String id) {
        UUID jobId = RequestIds.parse("id", id);
        jobs.get(jobId);
        JobEventStream stream = new JobEventStream(jobs, jobId);
        return Flux.interval(Duration.ZERO, POLL)
                .onBackpressureDrop()
                .concatMap(tick -> Flux.fromIterable(stream.poll()).subscribeOn(Schedulers.boundedElastic()), 1)
                .takeUntil(event -> "end".equals(event.getName()));
    }
}
