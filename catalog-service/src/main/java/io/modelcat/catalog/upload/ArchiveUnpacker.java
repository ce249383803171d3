package io.modelcat.catalog.upload;

import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.catalog.problem.PayloadTooLargeException;
import io.modelcat.hub.HubPaths;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * Unpacks an uploaded archive into a folder, file by file, checking every entry's name before it touches the disk
 * (no absolute paths, no {@code ..}, no links or devices) and counting what it writes against the limits; each file's
 * size and SHA-256 are computed as it is written. A single top-level folder holding everything is taken as the
 * model folder (an archive of {@code my-model/}).
 */
final class ArchiveUnpacker {

    private static final int BUFFER = 1 << 16;

    /** A file written, its name relative to the model folder. */
    record UnpackedFile(String name, long size, String sha256) {
    }

    /** The model folder inside {@code into} and its files, sorted by name. */
    record Unpacked(Path root, List<UnpackedFile> files) {
    }

    private final long maxBytes;
    private final int maxFiles;
    private final Set<String> seen = new HashSet<>();
    private final List<UnpackedFile> files = new ArrayList<>();
    private long written;

    ArchiveUnpacker(long maxBytes, int maxFiles) {
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
    }

    Unpacked unpack(ArchiveFormat format, Path archive, Path into) throws IOException {
        Files.createDirectories(into);
        if (format == ArchiveFormat.ZIP) {
            unzip(archive, into);
        } else {
            untar(format, archive, into);
        }
        if (files.isEmpty()) {
            throw refused("the archive holds no files");
        }
        return topFolder(into);
    }

    private void unzip(Path archive, Path into) throws IOException {
        ZipFile zip;
        try {
            zip = ZipFile.builder().setPath(archive).get();
        } catch (IOException e) {
            throw refused("the zip archive cannot be read: " + e.getMessage());
        }
        try (zip) {
            Enumeration<ZipArchiveEntry> entries = zip.getEntries();
            while (entries.hasMoreElements()) {
                ZipArchiveEntry entry = entries.nextElement();
                if (entry.isDirectory() || ignored(entry.getName())) {
                    continue;
                }
                if (entry.isUnixSymlink()) {
                    throw refused("the archive holds a symbolic link, '" + entry.getName() + "'; only plain files can be uploaded");
                }
                if (!zip.canReadEntryData(entry)) {
                    throw refused("the zip entry '" + entry.getName() + "' uses an unsupported compression or encryption");
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    write(entry.getName(), in, into);
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw refused("the zip archive is damaged: " + e.getMessage());
        }
    }

    private void untar(ArchiveFormat format, Path archive, Path into) throws IOException {
        try (InputStream raw = Files.newInputStream(archive);
             TarArchiveInputStream tar = new TarArchiveInputStream(format == ArchiveFormat.TAR_GZ
                     ? new GZIPInputStream(raw, BUFFER) : new java.io.BufferedInputStream(raw, BUFFER))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (entry.isDirectory() || entry.isGlobalPaxHeader() || ignored(entry.getName())) {
                    continue;
                }
                // isFile() alone is true of links too.
                if (entry.isSymbolicLink() || entry.isLink() || entry.isCharacterDevice() || entry.isBlockDevice()
                        || entry.isFIFO() || !entry.isFile()) {
                    throw refused("the archive holds '" + entry.getName() + "', which is a link or a device;"
                            + " only plain files can be uploaded");
                }
                write(entry.getName(), tar, into);
            }
        } catch (java.util.zip.ZipException | java.io.EOFException | IllegalArgumentException e) {
            throw refused("the tar archive is damaged or truncated: " + e.getMessage());
        }
    }

    /** Files of other tools that archives often carry along, never part of a model. */
    private static boolean ignored(String name) {
        String n = name.startsWith("./") ? name.substring(2) : name;
        return n.isEmpty() || n.startsWith("__MACOSX/") || n.equals(".DS_Store") || n.endsWith("/.DS_Store")
                || n.startsWith(".git/") || n.contains("/.git/") || n.startsWith(".cache/") || n.contains("/.cache/");
    }

    private void write(String entryName, InputStream in, Path into) throws IOException {
        String name = entryName.startsWith("./") ? entryName.substring(2) : entryName;
        Path target;
        try {
            target = HubPaths.resolveInside(into, name);
        } catch (IllegalArgumentException e) {
            throw refused("the archive entry '" + abbreviate(entryName) + "' is not allowed: " + e.getMessage());
        }
        if (!seen.add(name)) {
            throw refused("the archive holds '" + name + "' twice");
        }
        if (files.size() >= maxFiles) {
            throw refused("the archive holds more than " + maxFiles + " files");
        }
        Files.createDirectories(target.getParent());
        MessageDigest sha256 = sha256();
        long size = 0;
        byte[] buffer = new byte[BUFFER];
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                size += n;
                written += n;
                if (written > maxBytes) {
                    throw new PayloadTooLargeException("the archive unpacks to more than " + maxBytes
                            + " bytes (modelcat.uploads.max-unpacked-size)");
                }
                sha256.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
        }
        files.add(new UnpackedFile(name, size, HexFormat.of().formatHex(sha256.digest())));
    }

    /** The model folder: {@code into}, or its one top-level folder when every file is inside it. */
    private Unpacked topFolder(Path into) {
        String first = files.get(0).name();
        int slash = first.indexOf('/');
        String prefix = slash < 0 ? null : first.substring(0, slash + 1);
        boolean shared = prefix != null && files.stream().allMatch(f -> f.name().startsWith(prefix));
        List<UnpackedFile> named = shared
                ? files.stream().map(f -> new UnpackedFile(f.name().substring(prefix.length()), f.size(), f.sha256())).toList()
                : files;
        List<UnpackedFile> sorted = named.stream().sorted(java.util.Comparator.comparing(UnpackedFile::name)).toList();
        return new Unpacked(shared ? into.resolve(prefix.substring(0, prefix.length() - 1)) : into, sorted);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InvalidFieldException refused(String message) {
        return new InvalidFieldException("file", message);
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 197) + "...";
    }
}
