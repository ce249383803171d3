package io.modelcat.catalog.job.http;

import io.micronaut.http.sse.Event;
import io.modelcat.catalog.job.JobLogEntry;
import io.modelcat.catalog.job.JobService;
import io.modelcat.catalog.job.JobView;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** What one SSE client has seen of a job; each poll returns only what is new. */
final class JobEventStream {

    private final JobService jobs;
    private final UUID jobId;
    private long lastLogId;
    private JobView lastJob;

    JobEventStream(JobService jobs, UUID jobId) {
        this.jobs = jobs;
        this.jobId = jobId;
    }

    synchronized List<Event<Object>> poll() {
        List<Event<Object>> events = new ArrayList<>();
        JobView job = jobs.get(jobId);
        for (JobLogEntry entry : jobs.logs(jobId, lastLogId, 1000)) {
            events.add(Event.<Object>of(entry).name("log").id(Long.toString(entry.id())));
            lastLogId = entry.id();
        }
        if (lastJob == null || !job.updatedAt().equals(lastJob.updatedAt()) || !job.state().equals(lastJob.state())) {
            events.add(Event.<Object>of(job).name("job"));
            lastJob = job;
        }
        if (job.isFinal()) {
            events.add(Event.<Object>of(job.state()).name("end"));
        }
        return events;
    }
}
