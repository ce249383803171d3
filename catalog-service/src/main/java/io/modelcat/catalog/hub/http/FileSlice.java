package io.modelcat.catalog.hub.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A response body of {@code length} bytes of a file on this server from byte {@code first}: written by
 * {@link FileSliceWriter} and sent by {@link SendfileHandler} from the file to the socket without copying.
 */
record FileSlice(Path file, long first, long length) {

    /** The slice as one header value for {@link SendfileHandler}: ASCII, whatever the path holds. */
    String mark() {
        return first + " " + length + " " + URLEncoder.encode(file.toString(), StandardCharsets.UTF_8);
    }

    static FileSlice ofMark(String mark) {
        String[] parts = mark.split(" ", 3);
        return new FileSlice(Path.of(URLDecoder.decode(parts[2], StandardCharsets.UTF_8)), Long.parseLong(parts[0]),
                Long.parseLong(parts[1]));
    }

    /** The slice's bytes as a stream, for connections that cannot take a file region (TLS, HTTP/2). */
    InputStream open() throws IOException {
        InputStream in = Files.newInputStream(file);
        try {
            in.skipNBytes(first);
        } catch (IOException e) {
            in.close();
            throw e;
        }
        return new FilterInputStream(in) {
            private long left = length;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int b = super.read();
                if (b >= 0) {
                    left--;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = super.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }
        };
    }
}
