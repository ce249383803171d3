package io.modelcat.hub;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Builds Hub URL paths and checks repository file names before they touch a URL or the disk. */
public final class HubPaths {

    static final int MAX_FILENAME_LENGTH = 1024;

    private HubPaths() {
    }

    static String modelInfoPath(ModelId id) {
        String base = "/api/models/" + id.repoId();
        return id.revision() == null ? base : base + "/revision/" + encodeSegment(id.revision());
    }

    static String resolvePath(ModelId id, String revision, String filename) {
        StringBuilder sb = new StringBuilder("/").append(id.repoId()).append("/resolve/").append(encodeSegment(revision));
        for (String segment : checkFilename(filename).split("/")) {
            sb.append('/').append(encodeSegment(segment));
        }
        return sb.toString();
    }

    /** Rejects names that could escape a directory: absolute, backslashes, '.' or '..' segments, control characters. */
    public static String checkFilename(String filename) {
        if (filename == null || filename.isEmpty()) {
            throw new IllegalArgumentException("repository file name is empty");
        }
        if (filename.length() > MAX_FILENAME_LENGTH) {
            throw new IllegalArgumentException("repository file name is longer than " + MAX_FILENAME_LENGTH + " characters");
        }
        if (filename.indexOf('\\') >= 0 || filename.startsWith("/") || filename.indexOf(':') >= 0) {
            throw new IllegalArgumentException("repository file name '" + filename
                    + "' must be a relative '/'-separated path without backslashes or drive letters");
        }
        for (int i = 0; i < filename.length(); i++) {
            if (Character.isISOControl(filename.charAt(i))) {
                throw new IllegalArgumentException("repository file name contains a control character");
            }
        }
        for (String segment : filename.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("repository file name '" + filename
                        + "' must not contain empty, '.' or '..' path segments");
            }
        }
        return filename;
    }

    /** {@code dir/filename}, guaranteed to stay inside {@code dir}. */
    public static Path resolveInside(Path dir, String filename) {
        Path base = dir.toAbsolutePath().normalize();
        Path target = base.resolve(checkFilename(filename)).normalize();
        if (!target.startsWith(base) || target.equals(base)) {
            throw new IllegalArgumentException("repository file name '" + filename + "' escapes the target directory");
        }
        return target;
    }

    /** Percent-encodes everything but RFC 3986 unreserved characters, so '/' becomes %2F as the Hub expects in revisions. */
    static String encodeSegment(String segment) {
        StringBuilder sb = new StringBuilder();
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }
}
