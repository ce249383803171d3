package io.modelcat.store.model;

/**
 * The plans PostgreSQL made and ran for one list request ({@link Models#plans}): the page's statement, and the facet
 * counts' (null when the request asks no facets).
 */
public record ModelPlans(String page, String facets) {
}
