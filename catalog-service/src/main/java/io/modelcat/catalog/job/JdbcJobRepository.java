package io.modelcat.catalog.job;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.modelcat.catalog.access.UserRef;
import io.modelcat.catalog.problem.ConflictException;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.jobs.DeviceRequest;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.JobState;
import io.modelcat.store.Cursor;
import io.modelcat.store.Database;
import io.modelcat.store.Page;
import io.modelcat.store.job.JobDatasets;
import io.modelcat.store.job.JobFilter;
import io.modelcat.store.job.JobLogs;
import io.modelcat.store.job.JobRow;
import io.modelcat.store.job.Jobs;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Jobs as catalog-service sees them, through the store's {@link Jobs}, {@link JobDatasets} and {@link JobLogs}. */
@Singleton
final class JdbcJobRepository implements JobRepository {

    private final Database db;
    private final JsonMapper json;

    JdbcJobRepository(Database db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    @Override
    public JobView insert(NewJob job) {
        return db.write(c -> {
            try {
                Jobs.insert(c, new io.modelcat.store.job.NewJob(job.id(), job.spec(), job.modelId(), job.modelVersionId(),
                        new DeviceRequest(job.device().kind(), job.device().count()), job.priority(), job.maxAttempts(),
                        job.timeLimitSeconds(), job.submittedBy()));
            } catch (SQLException e) {
                if ("23503".equals(e.getSQLState())) {
                    throw new InvalidFieldException("modelId", "no model has id " + job.modelId());
                }
                throw e;
            }
            for (JobDataset link : job.datasets()) {
                try {
                    JobDatasets.link(c, job.id(), link.role(), link.datasetId());
                } catch (SQLException e) {
                    if ("23503".equals(e.getSQLState())) {
                        throw new ConflictException("dataset " + link.datasetId()
                                + " was deleted while the job was being submitted");
                    }
                    throw e;
                }
            }
            return view(Jobs.find(c, job.id()).orElseThrow());
        });
    }

    @Override
    public void delete(UUID id) {
        db.write(c -> {
            Jobs.delete(c, id);
            return null;
        });
    }

    @Override
    public Optional<JobView> find(UUID id) {
        return db.write(c -> {
            Optional<JobRow> row = Jobs.find(c, id);
            return row.isEmpty() ? Optional.<JobView>empty() : Optional.of(view(row.get()));
        });
    }

    @Override
    public JobPage list(List<String> states, List<String> kinds, UUID modelId, Cursor after, int limit) {
        JobFilter filter = new JobFilter(states.stream().map(s -> JobState.fromWireName(s).orElseThrow()).toList(),
                kinds.stream().map(k -> JobKind.fromWireName(k).orElseThrow()).toList(), modelId);
        return db.write(c -> {
            Page<JobRow> page = Jobs.list(c, filter, after, limit);
            List<JobView> jobs = new ArrayList<>();
            for (JobRow row : page.items()) {
                jobs.add(view(row));
            }
            return new JobPage(jobs, page.next() == null ? null : page.next().encode());
        });
    }

    @Override
    public void announce(String cluster) {
        db.write(c -> {
            Jobs.announce(c, cluster);
            return null;
        });
    }

    @Override
    public boolean cancelQueued(UUID id) {
        return db.write(c -> Jobs.cancelQueued(c, id));
    }

    @Override
    public boolean requestCancel(UUID id) {
        return db.write(c -> Jobs.requestCancel(c, id));
    }

    @Override
    public List<UUID> activeHelpersOf(UUID invocationId) {
        return db.read(c -> Jobs.activeHelpersOf(c, invocationId));
    }

    @Override
    public List<JobLogEntry> logs(UUID jobId, long afterId, int limit) {
        return db.write(c -> {
            List<JobLogEntry> entries = new ArrayList<>();
            for (JobLogs.Line line : JobLogs.after(c, jobId, afterId, limit)) {
                entries.add(new JobLogEntry(line.id(), line.at(), line.level(), line.message(), map(line.fields())));
            }
            return entries;
        });
    }

    private JobView view(JobRow row) throws IOException {
        return new JobView(row.id(), row.kind().wireName(), row.state().wireName(), row.modelId(), row.modelVersionId(),
                map(row.params()), new JobView.Device(row.deviceKind(), row.deviceCount()), row.priority(),
                row.progress(), map(row.progressDetail()), map(row.result()), row.workerId(), row.attempt(),
                row.maxAttempts(), row.timeLimitSeconds(), row.cancelRequested(), row.error(), row.errorCause(),
                row.submittedAt(), row.startedAt(), row.finishedAt(), row.updatedAt(),
                row.submittedBy() == null ? null : new UserRef(row.submittedBy(), row.submittedByName()),
                row.waitingForRunner());
    }

    private Map<String, Object> map(String text) throws IOException {
        return text == null ? null : json.readValue(text, Argument.mapOf(String.class, Object.class));
    }
}
