package io.stepprogress.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;

/**
 * A temporary directory that this JVM holds a file lock on while it uses it.
 * <p>
 * A JVM killed with SIGKILL (a surefire timeout, an IDE's stop button) runs no shutdown hook and leaves its
 * directories behind. The lock dies with the JVM, so the next {@link #create} with the same prefix deletes
 * every directory whose lock nobody holds.
 */
final class TemporaryDirectory {

    private static final String LOCK_FILE = "owner.lock";
    private static final Duration UNLOCKED_GRACE = Duration.ofMinutes(10);

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;

    private TemporaryDirectory(Path path, FileChannel channel, FileLock lock) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
    }

    static TemporaryDirectory create(String prefix) {
        deleteAbandoned(prefix);
        try {
            Path path = Files.createTempDirectory(prefix);
            FileChannel channel = FileChannel.open(path.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            return new TemporaryDirectory(path, channel, channel.lock());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a temporary directory " + prefix + "*", e);
        }
    }

    Path path() {
        return path;
    }

    void delete() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // deleting anyway
        }
        Directories.deleteQuietly(path);
    }

    private static void deleteAbandoned(String prefix) {
        Path tmp = Paths.get(System.getProperty("java.io.tmpdir"));
        try (DirectoryStream<Path> candidates = Files.newDirectoryStream(tmp, prefix + "*")) {
            for (Path candidate : candidates) {
                if (Files.isDirectory(candidate) && abandoned(candidate)) {
                    Directories.deleteQuietly(candidate);
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort
        }
    }

    private static boolean abandoned(Path directory) throws IOException {
        Path lockFile = directory.resolve(LOCK_FILE);
        if (!Files.exists(lockFile)) {
            // Just created by someone who has not locked it yet, or left by a crash at that very moment.
            return Files.getLastModifiedTime(directory).toInstant().isBefore(Instant.now().minus(UNLOCKED_GRACE));
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
             FileLock lock = channel.tryLock()) {
            return lock != null;
        } catch (OverlappingFileLockException e) {
            return false; // held by this JVM
        }
    }
}
