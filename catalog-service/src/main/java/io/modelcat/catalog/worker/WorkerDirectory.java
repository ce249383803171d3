package io.modelcat.catalog.worker;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.modelcat.store.Database;
import io.modelcat.store.worker.Workers;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Lists the runners whose heartbeat is recent, with what each runs, through the store's {@link Workers}. */
@Singleton
public class WorkerDirectory {

    private static final Argument<List<Map<String, Object>>> GPUS = Argument.listOf(Argument.mapOf(String.class, Object.class));

    private final Database db;
    private final JsonMapper json;
    private final Duration deadAfter;

    public WorkerDirectory(Database db, JsonMapper json, @Value("${modelcat.workers.dead-after:30s}") Duration deadAfter) {
        this.db = db;
        this.json = json;
        this.deadAfter = deadAfter;
    }

    public List<WorkerView> live() {
        return db.readInTransaction(c -> {
            List<WorkerView> workers = new ArrayList<>();
            for (Workers.LiveWorker w : Workers.live(c, deadAfter)) {
                workers.add(new WorkerView(w.id(), w.host(), w.cpuCores(), w.memoryBytes(), json.readValue(w.gpus(), GPUS),
                        w.startedAt(), w.heartbeatAt(), w.runningJobs(), w.runnerTokenId() == null ? null
                        : new WorkerView.RunnerTokenRef(w.runnerTokenId(), w.runnerTokenName()), w.servedInstances(),
                        w.reservedCores()));
            }
            return workers;
        });
    }
}
