package io.modelcat.testsupport;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A small file system (a tmpfs) that a test mounts to fill up: the disk-full tests of the runner and the system.
 * Mounting needs root; elsewhere the calling test is skipped, visibly, saying so.
 */
public final class SmallDisk implements AutoCloseable {

    private final Path root;

    private SmallDisk(Path root) {
        this.root = root;
    }

    /** Mounts a tmpfs of {@code bytes} (rounded up to whole pages) on a new temporary folder. */
    public static SmallDisk mount(long bytes) throws IOException, InterruptedException {
        Path root = Files.createTempDirectory("modelcat-small-disk");
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", root.toString())
                .redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            Files.deleteIfExists(root);
        }
        assumeTrue(p.exitValue() == 0, "mounting a tmpfs needs root (mount said: " + said.strip() + ")");
        return new SmallDisk(root);
    }

    /** The mounted folder. */
    public Path root() {
        return root;
    }

    /** The bytes still free on it. */
    public long free() throws IOException {
        return Files.getFileStore(root).getUsableSpace();
    }

    /** Writes zeros to {@code file} (on this disk) until only about {@code leaveBytes} are free; answers the file. */
    public Path fill(Path file, long leaveBytes) throws IOException {
        FileStore store = Files.getFileStore(root);
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (store.getUsableSpace() > leaveBytes + block.length) {
                out.write(block);
                out.flush();
            }
        }
        return file;
    }

    /** The regular files under {@code dir}, none when it does not exist. */
    public static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    /** Unmounts it (lazily, should a process still hold a file there) and removes the folder. */
    @Override
    public void close() throws IOException, InterruptedException {
        new ProcessBuilder("umount", "-l", root.toString()).start().waitFor();
        Files.deleteIfExists(root);
    }
}
