package io.modelcat.catalog.deploy;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import io.modelcat.store.Database;
import io.modelcat.store.deploy.Deployments;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every deployment at its number of instances on live runners ({@link Deployments#place}): every
 * second, on one catalog service at a time (a PostgreSQL advisory lock decides which).
 */
@Singleton
@Requires(property = "modelcat.deploy.placement", notEquals = "false")
public class Placement {

    private static final Logger LOG = LoggerFactory.getLogger(Placement.class);

    private final Database db;
    private final Duration runnerDeadAfter;

    public Placement(Database db, @Value("${modelcat.deploy.runner-dead-after:15s}") Duration runnerDeadAfter) {
        this.db = db;
        this.runnerDeadAfter = runnerDeadAfter;
    }

    @Scheduled(fixedDelay = "${modelcat.deploy.placement-interval:1s}", initialDelay = "1s")
    public void place() {
        try {
            Deployments.Placed placed = db.write(c -> Deployments.place(c, runnerDeadAfter));
            if (placed.added() > 0 || placed.removed() > 0) {
                LOG.info("Placement: {} instance(s) placed, {} removed", placed.added(), placed.removed());
            }
        } catch (RuntimeException e) {
            LOG.warn("Placement of deployment instances failed: {}", e.getMessage());
        }
    }
}
