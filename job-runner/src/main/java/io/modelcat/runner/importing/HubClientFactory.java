package io.modelcat.runner.importing;

import io.micronaut.context.annotation.Factory;
import io.modelcat.hub.HubClient;
import io.modelcat.hub.HubClientSettings;
import jakarta.inject.Singleton;

/** The Hub client, configured from HF_ENDPOINT and HF_TOKEN (the token is never logged). */
@Factory
class HubClientFactory {

    @Singleton
    HubClient hubClient() {
        return new HubClient(HubClientSettings.fromEnvironment(System.getenv()));
    }
}
