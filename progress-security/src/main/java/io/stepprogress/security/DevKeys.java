package io.stepprogress.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A development key pair in a directory: {@value #SIGNING_KEY} (the private JWK, owner-only) and
 * {@value #PUBLIC_KEYS} (the JWK set services verify with). Created on first use, reused afterwards, never
 * committed: the local stack keeps it in its data directory, tests in a temporary one.
 */
public record DevKeys(SigningKey signingKey, Path directory) {

    public static final String SIGNING_KEY = "signing-key.jwk";
    public static final String PUBLIC_KEYS = "public-keys.jwks";

    private static volatile DevKeys temporary;

    /**
     * One key pair for this JVM, in a temporary directory removed at exit: what tests sign with and what the
     * services they start verify with.
     */
    public static DevKeys temporary() {
        DevKeys keys = temporary;
        if (keys == null) {
            synchronized (DevKeys.class) {
                if (temporary == null) {
                    try {
                        Path dir = Files.createTempDirectory("step-progress-keys");
                        temporary = loadOrCreate(dir);
                        dir.toFile().deleteOnExit();
                        temporary.signingKeyFile().toFile().deleteOnExit();
                        temporary.publicKeysFile().toFile().deleteOnExit();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                keys = temporary;
            }
        }
        return keys;
    }

    public static DevKeys loadOrCreate(Path directory) {
        Path privateFile = directory.resolve(SIGNING_KEY);
        Path publicFile = directory.resolve(PUBLIC_KEYS);
        try {
            Files.createDirectories(directory);
            if (Files.exists(privateFile) && Files.exists(publicFile)) {
                return new DevKeys(SigningKey.read(privateFile), directory);
            }
            SigningKey key = SigningKey.generate();
            Files.deleteIfExists(privateFile);
            Files.createFile(privateFile);
            restrictToOwner(privateFile);
            Files.writeString(privateFile, key.privateJwk());
            Files.writeString(publicFile, key.publicJwks());
            return new DevKeys(key, directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create development keys in " + directory, e);
        }
    }

    public Path signingKeyFile() {
        return directory.resolve(SIGNING_KEY);
    }

    public Path publicKeysFile() {
        return directory.resolve(PUBLIC_KEYS);
    }

    public String publicJwks() {
        try {
            return Files.readString(publicKeysFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void restrictToOwner(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the user's profile directory is already private to the user.
        }
    }
}
