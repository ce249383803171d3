package io.modelcat.catalog.finetune;

import io.micronaut.serde.annotation.SerdeImport;
import io.modelcat.jobs.spec.Hyperparameters;

/** The contract's request types that the API reads as they are (the contract module knows no Micronaut). */
@SerdeImport(Hyperparameters.Input.class)
final class ContractTypes {

    private ContractTypes() {
    }
}
