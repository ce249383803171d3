package io.modelcat.testsupport.hub;

import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;

/**
 * One request the fake Hub received.
 *
 * @param method  HTTP method
 * @param path    the raw (still percent-encoded) path
 * @param query   the raw query, or {@code null}
 * @param headers request headers, names in lower case
 */
public record RecordedRequest(String method, String path, String query, Map<String, List<String>> headers) {

    public RecordedRequest {
        headers = Map.copyOf(headers);
    }

    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    public boolean isLfsCdn() {
        return path.startsWith(FakeHub.LFS_CDN_PREFIX);
    }

    @Override
    public String toString() {
        return method + " " + path + (query == null ? "" : "?" + query);
    }
}
