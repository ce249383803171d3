package io.modelcat.runner.serve.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcat.jobs.serve.ServeEvent;
import io.modelcat.jobs.serve.ServeRequest;
import io.modelcat.jobs.serve.ServeResponse;
import io.modelcat.jobs.spec.JobSpecs;
import io.modelcat.runner.serve.ServedInstances;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Schedulers;

/**
 * The runner's side of an online endpoint: {@code POST /serve/{instance}} with a {@link ServeRequest},
 * answered with a {@link ServeResponse}; {@code POST /serve/{instance}/stream} answers the same request as
 * JSON lines, one {@link ServeEvent} per line, sent as each token's text is generated. Only the gateway
 * calls it: a request must carry the instance's secret ({@link ServeRequest#SECRET_HEADER}), which only
 * the database holds. An instance already answering its deployment's concurrency limit of calls answers
 * {@code 429} (the gateway then tries another instance).
 */
@Controller("/serve")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ServeController {

    /** JSON lines: one JSON object per line. */
    static final String JSON_LINES = "application/x-ndjson";
    private static final Logger LOG = LoggerFactory.getLogger(ServeController.class);

    private final ServedInstances instances;

    public ServeController(ServedInstances instances) {
        this.instances = instances;
    }

    @Post(value = "/{instance}", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> serve(@PathVariable String instance,
                                      @Nullable @Header(ServeRequest.SECRET_HEADER) String secret, @Body String body) {
        UUID id;
        try {
            id = UUID.fromString(instance);
        } catch (IllegalArgumentException e) {
            return notServed(instance);
        }
        try {
            ServedInstances.Outcome outcome = instances.open(id, secret, body);
            if (outcome.refusal() != null) {
                return refused(id, outcome.refusal());
            }
            ServeResponse response = outcome.call().run(null);
            return response == null ? notServed(instance)
                    : HttpResponse.ok(JobSpecs.write(response)).contentType(MediaType.APPLICATION_JSON_TYPE);
        } catch (IllegalArgumentException e) {
            return error(HttpStatus.BAD_REQUEST, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("Instance {} failed to answer", id, e);
            instances.callFailed(id, e);
            return error(HttpStatus.INTERNAL_SERVER_ERROR, "the model failed to answer: " + e.getMessage());
        }
    }

    @Post(value = "/{instance}/stream", consumes = MediaType.APPLICATION_JSON, produces = JSON_LINES)
    public HttpResponse<?> stream(@PathVariable String instance,
                                  @Nullable @Header(ServeRequest.SECRET_HEADER) String secret, @Body String body) {
        UUID id;
        try {
            id = UUID.fromString(instance);
        } catch (IllegalArgumentException e) {
            return notServed(instance);
        }
        ServedInstances.Outcome outcome;
        try {
            outcome = instances.open(id, secret, body);
        } catch (IllegalArgumentException e) {
            return error(HttpStatus.BAD_REQUEST, e.getMessage());
        }
        if (outcome.refusal() != null) {
            return refused(id, outcome.refusal());
        }
        ServedInstances.Call call = outcome.call();
        // A stream cancelled before it ran never runs the call: its count is given back all the same.
        Flux<byte[]> lines = Flux.<byte[]>create(sink -> run(id, call, sink))
                .subscribeOn(Schedulers.boundedElastic()).doFinally(signal -> call.release());
        return HttpResponse.ok(lines).contentType(JSON_LINES);
    }

    /** Runs a call, sending its events as lines; a caller that goes away stops the generation at its next token. */
    private void run(UUID id, ServedInstances.Call call, FluxSink<byte[]> sink) {
        try {
            ServeResponse response = call.run(event -> {
                if (sink.isCancelled()) {
                    throw new CallerGone();
                }
                sink.next(line(event));
            });
            if (response == null) {
                sink.next(line(ServeEvent.error(404, "instance " + id + " is no longer served here")));
            }
        } catch (CallerGone e) {
            LOG.debug("The caller of instance {} went away; generation stopped", id);
        } catch (IllegalArgumentException e) {
            sink.next(line(ServeEvent.error(400, e.getMessage())));
        } catch (RuntimeException e) {
            LOG.warn("Instance {} failed to answer", id, e);
            instances.callFailed(id, e);
            sink.next(line(ServeEvent.error(500, "the model failed to answer: " + e.getMessage())));
        }
        sink.complete();
    }

    /** Thrown from a token callback to stop a generation nobody reads any more. */
    private static final class CallerGone extends RuntimeException {
        CallerGone() {
            super(null, null, false, false);
        }
    }

    private static byte[] line(ServeEvent event) {
        return (JobSpecs.write(event) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> refused(UUID id, ServedInstances.Refusal refusal) {
        return switch (refusal) {
            case WRONG_SECRET -> error(HttpStatus.UNAUTHORIZED, "the instance secret is missing or wrong");
            case BUSY -> error(HttpStatus.TOO_MANY_REQUESTS, "instance " + id + " is answering as many calls as its "
                    + "deployment allows at once").header("Retry-After", "1");
            case UNKNOWN_INSTANCE -> notServed(id.toString());
        };
    }

    private static HttpResponse<String> notServed(String instance) {
        return error(HttpStatus.NOT_FOUND, "instance " + instance + " is not served here (not placed here, or not loaded yet)");
    }

    private static MutableHttpResponse<String> error(HttpStatus status, String message) {
        return HttpResponse.<String>status(status).body(JobSpecs.write(Map.of("message", message)))
                .contentType(MediaType.APPLICATION_JSON_TYPE);
    }
}
