package io.modelcat.catalog.llm.http;

import io.micronaut.http.MediaType;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The answers, in OpenAI's error shape, that any call the mesh forwards to a provider may give, declared once for
 * the OpenAPI document: the connection's or the provider's limits, and the provider's failures after the retries.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@ApiResponse(responseCode = "429", description = "the connection is at its limit of calls at once or a minute, or the "
        + "provider's own rate limit: OpenAI's error, with Retry-After",
        content = @Content(mediaType = MediaType.APPLICATION_JSON))
@ApiResponse(responseCode = "500", description = "the provider's own 500 after the retries, or a connection key "
        + "this service cannot decrypt (connection_key_unreadable): OpenAI's error",
        content = @Content(mediaType = MediaType.APPLICATION_JSON))
@ApiResponse(responseCode = "502", description = "the provider could not be reached, or answered 502: OpenAI's error",
        content = @Content(mediaType = MediaType.APPLICATION_JSON))
@ApiResponse(responseCode = "503", description = "the provider answered 503: OpenAI's error",
        content = @Content(mediaType = MediaType.APPLICATION_JSON))
@ApiResponse(responseCode = "504", description = "the provider answered 504: OpenAI's error",
        content = @Content(mediaType = MediaType.APPLICATION_JSON))
public @interface ProviderAnswers {
}
