package io.modelcat.runner.batch;

import io.micronaut.context.annotation.Value;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.spec.BatchScoreHelperResult;
import io.modelcat.jobs.spec.BatchScoreHelperSpec;
import io.modelcat.jobs.spec.BatchScoreSpec;
import io.modelcat.runner.execute.JobContext;
import io.modelcat.runner.execute.JobHandler;
import io.modelcat.store.batch.MiniBatchClaims;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Helps a batch invocation on this runner: claims and scores the invocation's free mini-batches beside its own
 * job and its other helpers, writing them to the invocation's work folder (beside this job's own), until none is
 * free, or the invocation has ended, was cancelled or passed its error threshold. The invocation's job writes
 * the outputs; this job's progress is the invocation's.
 */
@Singleton
public class BatchScoreHelperHandler implements JobHandler<BatchScoreHelperSpec> {

    private final Path datasetsDir;
    private final MiniBatchLeases leases;

    public BatchScoreHelperHandler(@Value("${modelcat.datasets.dir}") String datasetsDir, MiniBatchLeases leases) {
        this.datasetsDir = Path.of(datasetsDir);
        this.leases = leases;
    }

    @Override
    public JobKind kind() {
        return JobKind.BATCH_SCORE_HELPER;
    }

    @Override
    public Class<BatchScoreHelperSpec> specType() {
        return BatchScoreHelperSpec.class;
    }

    @Override
    public BatchScoreHelperResult run(BatchScoreHelperSpec help, JobContext context) throws InterruptedException {
        BatchScoreSpec spec = help.scoring();
        context.log("INFO", "Helping batch job " + help.invocationJobId() + " as instance " + (help.instance() + 1)
                + " of " + spec.instances(), Map.of("invocationJobId", help.invocationJobId().toString()));
        List<InputRow> rows = BatchRows.read(datasetsDir, spec);
        int count = (rows.size() + spec.miniBatchSize() - 1) / spec.miniBatchSize();
        MiniBatches batches = new MiniBatches(context.workDirectory().resolveSibling(help.invocationJobId().toString()));
        try (MiniBatchLeases.Participation participation = leases.join(help.invocationJobId(), count)) {
            MiniBatchClaims.Status status = participation.status();
            MiniBatchParticipant participant = new MiniBatchParticipant(spec, rows, batches, participation, context);
            if (status.invocationActive() && !status.finished()) {
                status = participant.run(false,
                        s -> context.progress(BatchScoreHandler.fraction(s.done(), count),
                                BatchScoreHandler.detail("helping", s, rows.size())),
                        s -> !s.invocationActive() || BatchScoreHandler.overThreshold(spec, s.badRows()));
            }
            String why = !status.invocationActive() ? "the batch job has ended or is being cancelled"
                    : BatchScoreHandler.overThreshold(spec, status.badRows()) ? "the bad rows passed the error threshold"
                    : "no mini-batch is left to claim";
            context.log("INFO", "Scored " + participant.scored() + " mini-batches (" + participant.badRows()
                    + " bad rows); stopped: " + why, Map.of("miniBatches", participant.scored()));
            return new BatchScoreHelperResult(help.invocationJobId(), participant.scored(), participant.badRows());
        }
    }
}
