package io.modelcat.runner.serve.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcat.jobs.serve.ServeRequest;
import io.modelcat.jobs.spec.JobSpecs;
import io.modelcat.runner.serve.ServedInstances;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's side of an online endpoint: {@code POST /serve/{instance}} with a {@link ServeRequest},
 * answered with a {@link io.modelcat.jobs.serve.ServeResponse}. Only the gateway calls it: a request
 * must carry the instance's secret ({@link ServeRequest#SECRET_HEADER}), which only the database holds.
 */
@Controller("/serve")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ServeController {

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
            return error(HttpStatus.NOT_FOUND, "no instance " + instance + " is served here");
        }
        try {
            ServedInstances.Outcome outcome = instances.serve(id, secret, body);
            if (outcome.refusal() == ServedInstances.Refusal.UNKNOWN_INSTANCE) {
                return error(HttpStatus.NOT_FOUND, "instance " + id + " is not served here (not placed here, or not loaded yet)");
            }
            if (outcome.refusal() == ServedInstances.Refusal.WRONG_SECRET) {
                return error(HttpStatus.UNAUTHORIZED, "the instance secret is missing or wrong");
            }
            return HttpResponse.ok(JobSpecs.write(outcome.response())).contentType(MediaType.APPLICATION_JSON_TYPE);
        } catch (IllegalArgumentException e) {
            return error(HttpStatus.BAD_REQUEST, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("Instance {} failed to answer", id, e);
            return error(HttpStatus.INTERNAL_SERVER_ERROR, "the model failed to answer: " + e.getMessage());
        }
    }

    private static HttpResponse<String> error(HttpStatus status, String message) {
        return HttpResponse.<String>status(status).body(JobSpecs.write(Map.of("message", message)))
                .contentType(MediaType.APPLICATION_JSON_TYPE);
    }
}
