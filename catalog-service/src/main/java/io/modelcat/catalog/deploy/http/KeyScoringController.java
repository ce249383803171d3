package io.modelcat.catalog.deploy.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcat.catalog.deploy.Gateway;
import io.swagger.v3.oas.annotations.Hidden;

/**
 * Azure's URL shapes for key-mode endpoints, where the endpoint is not in the path: {@code POST /score}, and the
 * serverless {@code POST /completions} and {@code POST /models/chat/completions}. On Azure the host name names the
 * endpoint; here the key does (each key belongs to one endpoint). Clients that check the URL's path, as LangChain's
 * {@code AzureMLOnlineEndpoint} does, take these as they are (docs/deployments.md).
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
@Hidden
public class KeyScoringController {

    private final Gateway gateway;
    private final ScoringController scoring;

    public KeyScoringController(Gateway gateway, ScoringController scoring) {
        this.gateway = gateway;
        this.scoring = scoring;
    }

    @Post(value = "/score", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public MutableHttpResponse<String> score(HttpRequest<?> request, @Nullable @Body byte[] body,
                                             @Nullable @Header("Authorization") String authorization,
                                             @Nullable @Header("api-key") String apiKey,
                                             @Nullable @Header(Gateway.DEPLOYMENT_HEADER) String pinned,
                                             @Nullable @Header("x-ms-user-agent") String userAgent) {
        return scoring.scored(() -> gateway.authorizeByKey(authorization, apiKey), body, pinned,
                ScoringController.legacyShapes(userAgent), scoring.client(request));
    }

    @Post(value = "/completions", consumes = MediaType.ALL)
    public MutableHttpResponse<?> completions(@Nullable @Body byte[] body,
                                              @Nullable @Header("Authorization") String authorization,
                                              @Nullable @Header("api-key") String apiKey,
                                              @Nullable @Header(Gateway.DEPLOYMENT_HEADER) String pinned) {
        return scoring.openAi(() -> gateway.authorizeByKey(authorization, apiKey), body, pinned, false, false);
    }

    @Post(value = "/models/chat/completions", consumes = MediaType.ALL)
    public MutableHttpResponse<?> chat(@Nullable @Body byte[] body,
                                       @Nullable @Header("Authorization") String authorization,
                                       @Nullable @Header("api-key") String apiKey,
                                       @Nullable @Header(Gateway.DEPLOYMENT_HEADER) String pinned) {
        return scoring.openAi(() -> gateway.authorizeByKey(authorization, apiKey), body, pinned, true, false);
    }
}
