package io.modelcat.jobs.spec;

import io.modelcat.jobs.JobKind;

/** Import a Hugging Face repository at a revision (a branch, tag or commit). */
public record ImportSpec(String repoId, String revision) implements JobSpec {

    @Override
    public JobKind kind() {
        return JobKind.IMPORT;
    }
}
