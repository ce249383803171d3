package io.modelcat.catalog.telemetry.http;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.access.http.RequiresRole;
import io.modelcat.catalog.telemetry.RequestId;
import org.slf4j.MDC;

/**
 * A test-only endpoint (on only where {@code modelcat.test.mdc-probe} is set) that answers the request id a line
 * logged by an endpoint on the blocking executor would carry: the MDC as the endpoint's own code sees it.
 */
@Requires(property = "modelcat.test.mdc-probe", value = "true")
@Controller("/api/v1/test-mdc-probe")
@ExecuteOn(TaskExecutors.BLOCKING)
@RequiresRole(Role.VIEWER)
public class MdcProbeController {

    @Get(produces = "text/plain")
    public String requestIdInTheMdc() {
        return String.valueOf(MDC.get(RequestId.MDC_KEY));
    }
}
