package io.modelcat.catalog.export;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The files of a model version's artifact folder, to be sent as a zip. {@link #chunks()} writes the zip
 * piece by piece as the reader asks for more, so a model of many gigabytes never sits in memory.
 */
public record ModelArchive(String fileName, Path root, List<Entry> entries) {

    static final int CHUNK = 1 << 16;

    /**
     * A file and its name inside the zip ({@code /}-separated, relative to the artifact folder), or, with no file,
     * bytes made for the archive (a manifest).
     */
    public record Entry(String name, Path file, byte[] content) {

        public Entry(String name, Path file) {
            this(name, file, null);
        }

        /** An entry whose bytes are {@code content}. */
        public static Entry of(String name, byte[] content) {
            return new Entry(name, null, content);
        }

        InputStream open() throws IOException {
            return file != null ? Files.newInputStream(file) : new java.io.ByteArrayInputStream(content);
        }
    }

    /** The zip's bytes in chunks of about 64 KiB; close it to release the open file. */
    public Chunks chunks() {
        return new Chunks(entries);
    }

    /** Pull-based zip writer: each {@link #next()} reads the next piece of a file and returns what the zip wrote. */
    public static final class Chunks implements Iterator<byte[]>, AutoCloseable {

        private final Iterator<Entry> files;
        private final Buffer buffer = new Buffer();
        private final ZipOutputStream zip = new ZipOutputStream(buffer);
        private final byte[] read = new byte[CHUNK];
        private InputStream current;
        private boolean finished;
        private byte[] pending;

        Chunks(List<Entry> entries) {
            this.files = entries.iterator();
            // Weights barely compress; the fastest level keeps CPU low while still shrinking config and tokenizer files.
            zip.setLevel(Deflater.BEST_SPEED);
        }

        @Override
        public boolean hasNext() {
            if (pending == null) {
                pending = produce();
            }
            return pending != null;
        }

        @Override
        public byte[] next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            byte[] out = pending;
            pending = null;
            return out;
        }

        /** Writes into the zip until it has bytes to hand out; null at the end. */
        private byte[] produce() {
            try {
                while (buffer.size() < CHUNK && !finished) {
                    if (current == null) {
                        if (files.hasNext()) {
                            Entry entry = files.next();
                            current = entry.open();
                            zip.putNextEntry(new ZipEntry(entry.name()));
                        } else {
                            zip.finish();
                            finished = true;
                            break;
                        }
                    }
                    int n = current.read(read);
                    if (n < 0) {
                        current.close();
                        current = null;
                        zip.closeEntry();
                    } else {
                        zip.write(read, 0, n);
                    }
                }
                return buffer.size() == 0 ? null : buffer.take();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the model's files: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            try {
                if (current != null) {
                    current.close();
                }
            } catch (IOException e) {
                // nothing more to send; the reader is gone
            }
        }
    }

    /** A byte buffer the zip writes into and the reader empties. */
    private static final class Buffer extends java.io.ByteArrayOutputStream {

        byte[] take() {
            byte[] out = toByteArray();
            reset();
            return out;
        }
    }
}
