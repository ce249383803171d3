package io.modelcat.store.model;

import java.util.Map;

/** How many models each task, fine-tuning task and licence would give, most first. */
public record ModelFacets(Map<String, Long> task, Map<String, Long> finetuningTask, Map<String, Long> license) {
}
