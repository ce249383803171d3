package io.modelcat.catalog.flow;

import io.micronaut.serde.annotation.SerdeImport;
import io.modelcat.jobs.flow.EvaluationCatalog;
import io.modelcat.jobs.flow.EvaluationMethod;
import io.modelcat.jobs.flow.FlowExecution;
import io.modelcat.jobs.flow.FlowStep;
import io.modelcat.jobs.flow.OutputParser;
import io.modelcat.jobs.flow.StepVariant;
import io.modelcat.jobs.spec.BulkTestResult;

/** The job contract's flow types, which the API reads and writes as they are (the contract module knows no Micronaut). */
@SerdeImport(FlowStep.class)
@SerdeImport(StepVariant.class)
@SerdeImport(OutputParser.class)
@SerdeImport(EvaluationMethod.class)
@SerdeImport(FlowExecution.StepResult.class)
@SerdeImport(BulkTestResult.class)
@SerdeImport(BulkTestResult.RunMetrics.class)
@SerdeImport(BulkTestResult.Confusion.class)
@SerdeImport(EvaluationCatalog.Method.class)
@SerdeImport(EvaluationCatalog.Aspect.class)
final class FlowTypes {

    private FlowTypes() {
    }
}
