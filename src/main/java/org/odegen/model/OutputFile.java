package org.odegen.model;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One output file written whole or not at all: a hidden file beside it, then renamed over it. Its permissions
 * follow the umask (a temporary file of {@code Files.createTempFile} would be private), and a file that cannot be
 * written is one error naming it and why.
 */
public final class OutputFile {
    private OutputFile() {
    }

    public static void write(Path file, byte[] data) {
        Path abs = file.toAbsolutePath();
        Path tmp = null;
        try {
            Files.createDirectories(abs.getParent());
            if (Files.isDirectory(abs)) {
                throw new IllegalArgumentException("cannot write " + file + ": it is a folder");
            }
            for (int attempt = 0; tmp == null; attempt++) {
                Path t = abs.resolveSibling("." + abs.getFileName() + "-" + Long.toUnsignedString(
                        ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
                try {
                    tmp = Files.createFile(t);
                } catch (FileAlreadyExistsException e) {
                    if (attempt > 10) {
                        throw e;
                    }
                }
            }
            Files.write(tmp, data);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write " + file + ": " + why(e));
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // nothing was moved over the file; the hidden one is all there is to say
                }
            }
        }
    }

    /** Why a file operation failed, in words: permission, a missing folder, the file system's own reason. */
    public static String why(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        if (e instanceof NoSuchFileException) {
            return "the folder cannot be made there";
        }
        return e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
    }
}
