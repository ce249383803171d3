package io.modelcat.datasets;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Lines of a UTF-8 text stream, decoded strictly, never longer than a limit: a malformed byte, a NUL
 * byte or an over-long line is an error naming the line, never a replacement character or an OOM.
 * Lines end at LF; a CR before it is dropped; a UTF-8 byte order mark at the start is skipped.
 */
final class Utf8LineSource implements Closeable {

    private final InputStream in;
    private final int maxLineBytes;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final byte[] chunk = new byte[1 << 16];
    private int chunkPos;
    private int chunkLen;
    private byte[] line = new byte[256];
    private long lineNumber;
    private boolean started;

    Utf8LineSource(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /** The number of the line last returned, 1-based. */
    long lineNumber() {
        return lineNumber;
    }

    /** The next line without its line end, or {@code null} at the end of the stream. */
    String nextLine() throws IOException {
        int len = 0;
        boolean sawAny = false;
        while (true) {
            if (chunkPos == chunkLen) {
                chunkLen = in.read(chunk, 0, chunk.length);
                chunkPos = 0;
                if (chunkLen <= 0) {
                    chunkLen = 0;
                    if (!sawAny) {
                        return null;
                    }
                    lineNumber++;
                    return decode(len);
                }
            }
            sawAny = true;
            int start = chunkPos;
            int end = start;
            while (end < chunkLen && chunk[end] != '\n') {
                end++;
            }
            int n = end - start;
            if (len + n > maxLineBytes + 1) { // +1: a CR before the LF does not count
                throw new DatasetFormatException(lineNumber + 1, "is longer than the limit of " + maxLineBytes
                        + " bytes per line or record");
            }
            if (len + n > line.length) {
                line = java.util.Arrays.copyOf(line, Math.max(line.length * 2, len + n));
            }
            System.arraycopy(chunk, start, line, len, n);
            len += n;
            if (end < chunkLen) { // found LF
                chunkPos = end + 1;
                lineNumber++;
                return decode(len);
            }
            chunkPos = chunkLen;
        }
    }

    private String decode(int len) {
        int from = 0;
        if (!started) {
            started = true;
            if (len >= 3 && (line[0] & 0xFF) == 0xEF && (line[1] & 0xFF) == 0xBB && (line[2] & 0xFF) == 0xBF) {
                from = 3;
            }
        }
        int to = len > from && line[len - 1] == '\r' ? len - 1 : len;
        if (to - from > maxLineBytes) {
            throw new DatasetFormatException(lineNumber, "is longer than the limit of " + maxLineBytes
                    + " bytes per line or record");
        }
        for (int i = from; i < to; i++) {
            if (line[i] == 0) {
                throw new DatasetFormatException(lineNumber, "contains a NUL byte at byte " + (i - from + 1)
                        + "; datasets must be UTF-8 text (is this file UTF-16?)");
            }
        }
        ByteBuffer bytes = ByteBuffer.wrap(line, from, to - from);
        CharBuffer chars = CharBuffer.allocate(to - from);
        decoder.reset();
        CoderResult result = decoder.decode(bytes, chars, true);
        if (!result.isError()) {
            result = decoder.flush(chars);
        }
        if (result.isError()) {
            int at = bytes.position();
            String which = at < to ? " (0x" + String.format("%02X", line[at] & 0xFF) + ")" : "";
            throw new DatasetFormatException(lineNumber, "is not valid UTF-8: byte " + (at - from + 1)
                    + " of the line" + which + " cannot start or continue a character; save the file as UTF-8");
        }
        chars.flip();
        return chars.toString();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
