package io.modelcat.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Test-data builder of model archives as people upload them: a fixture model's folder, with files added, changed or
 * left out, optionally inside a top-level folder, as a zip or a tar.gz. {@code aModelArchive().from(Fixtures.model("bert"))
 * .withReadme("...").zip()}.
 */
public final class ModelArchives {

    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final Map<String, String> links = new LinkedHashMap<>();
    private String folder = "";

    private ModelArchives() {
    }

    public static ModelArchives aModelArchive() {
        return new ModelArchives();
    }

    /** Every file of a model folder. */
    public ModelArchives from(Path modelFolder) {
        try (Stream<Path> paths = Files.walk(modelFolder)) {
            for (Path p : paths.filter(Files::isRegularFile).sorted().toList()) {
                files.put(modelFolder.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public ModelArchives with(String name, byte[] content) {
        files.put(name, content);
        return this;
    }

    public ModelArchives with(String name, String content) {
        return with(name, content.getBytes(StandardCharsets.UTF_8));
    }

    public ModelArchives withReadme(String content) {
        return with("README.md", content);
    }

    public ModelArchives without(String name) {
        files.remove(name);
        return this;
    }

    /** A symbolic link entry (tar.gz only). */
    public ModelArchives withLink(String name, String target) {
        links.put(name, target);
        return this;
    }

    /** Puts every file under {@code name/}, as an archive of a folder does. */
    public ModelArchives inFolder(String name) {
        this.folder = name.endsWith("/") ? name : name + "/";
        return this;
    }

    public byte[] zip() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(folder + file.getKey()));
                zip.write(file.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public byte[] tarGz() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(tar());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A plain (uncompressed) tar, as the UI builds from a dropped folder. */
    public byte[] tar() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(folder + file.getKey());
                entry.setSize(file.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(file.getValue());
                tar.closeArchiveEntry();
            }
            for (Map.Entry<String, String> link : links.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(folder + link.getKey(), TarArchiveEntry.LF_SYMLINK);
                entry.setLinkName(link.getValue());
                tar.putArchiveEntry(entry);
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
