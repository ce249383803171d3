package io.modelcat.store.model;

import java.util.Map;

/**
 * The plans PostgreSQL made and ran for one list request ({@link Models#plans}): the page's statement, and each facet
 * count's by dimension ({@code task}, {@code finetuningTask}, {@code license}; none when the request asks no facets).
 */
public record ModelPlans(String page, Map<String, String> facets) {
}
