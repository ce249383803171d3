package io.modelcat.catalog.problem.http;

import io.modelcat.catalog.problem.Problem;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The problem-details answers (RFC 9457) that any endpoint of a controller may give, declared once for the
 * OpenAPI document: a bad input (naming the field), no credentials, a role too low, an unknown resource, and a
 * change that conflicts with the resource's state. Endpoints declare further answers of their own (413, 429, ...).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ApiResponse(responseCode = "400", description = "an invalid request: the problem's errors name each invalid field",
        content = @Content(mediaType = ProblemResponses.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
@ApiResponse(responseCode = "401", description = "no credentials, or unknown, revoked or expired ones",
        content = @Content(mediaType = ProblemResponses.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
@ApiResponse(responseCode = "403", description = "the caller's role is below the one the endpoint needs",
        content = @Content(mediaType = ProblemResponses.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
@ApiResponse(responseCode = "404", description = "no such resource",
        content = @Content(mediaType = ProblemResponses.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
@ApiResponse(responseCode = "409", description = "the request conflicts with the resource's current state",
        content = @Content(mediaType = ProblemResponses.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
public @interface ProblemAnswers {
}
