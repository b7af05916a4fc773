package io.stepprogress.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The two development key pairs in a directory, created on first use, reused afterwards, never committed
 * (the local stack keeps them in its data directory, tests in a temporary one):
 * <ul>
 *   <li>the <b>authority</b> key ({@value #AUTHORITY_SIGNING_KEY}, {@value #AUTHORITY_PUBLIC_KEYS}): signs
 *       worker and operator tokens; its private half stays with operators. Every service trusts it.</li>
 *   <li>the <b>subscriber</b> key ({@value #SUBSCRIBER_SIGNING_KEY}, {@value #SUBSCRIBER_PUBLIC_KEYS}): the
 *       one progress-service holds to sign subscriber tokens. Only notifier-service trusts it, so whoever
 *       takes it from progress-service can mint browser tokens, not write or operator ones.</li>
 * </ul>
 * {@value #NOTIFIER_PUBLIC_KEYS} is what notifier-service verifies with: both public halves.
 */
public record DevKeys(SigningKey authorityKey, SigningKey subscriberKey, Path directory) {

    public static final String AUTHORITY_SIGNING_KEY = "authority-signing-key.jwk";
    public static final String AUTHORITY_PUBLIC_KEYS = "authority-public-keys.jwks";
    public static final String SUBSCRIBER_SIGNING_KEY = "subscriber-signing-key.jwk";
    public static final String SUBSCRIBER_PUBLIC_KEYS = "subscriber-public-keys.jwks";
    public static final String NOTIFIER_PUBLIC_KEYS = "notifier-public-keys.jwks";

    private static volatile DevKeys temporary;

    /**
     * Key pairs for this JVM, in a temporary directory removed at exit: what tests sign with and what the
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
                        for (String file : new String[] {AUTHORITY_SIGNING_KEY, AUTHORITY_PUBLIC_KEYS,
                                SUBSCRIBER_SIGNING_KEY, SUBSCRIBER_PUBLIC_KEYS, NOTIFIER_PUBLIC_KEYS}) {
                            dir.resolve(file).toFile().deleteOnExit();
                        }
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
        try {
            Files.createDirectories(directory);
            SigningKey authority = loadOrCreate(directory.resolve(AUTHORITY_SIGNING_KEY),
                    directory.resolve(AUTHORITY_PUBLIC_KEYS));
            SigningKey subscriber = loadOrCreate(directory.resolve(SUBSCRIBER_SIGNING_KEY),
                    directory.resolve(SUBSCRIBER_PUBLIC_KEYS));
            Path notifier = directory.resolve(NOTIFIER_PUBLIC_KEYS);
            if (!Files.exists(notifier)) {
                Files.writeString(notifier, SigningKey.publicJwks(authority, subscriber));
            }
            return new DevKeys(authority, subscriber, directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create development keys in " + directory, e);
        }
    }

    private static SigningKey loadOrCreate(Path privateFile, Path publicFile) throws IOException {
        if (Files.exists(privateFile) && Files.exists(publicFile)) {
            return SigningKey.read(privateFile);
        }
        SigningKey key = SigningKey.generate();
        Files.deleteIfExists(privateFile);
        Files.createFile(privateFile);
        restrictToOwner(privateFile);
        Files.writeString(privateFile, key.privateJwk());
        Files.writeString(publicFile, key.publicJwks());
        // A new key pair makes the notifier's union stale; it is rebuilt from both public sets.
        Files.deleteIfExists(publicFile.resolveSibling(NOTIFIER_PUBLIC_KEYS));
        return key;
    }

    public Path authoritySigningKeyFile() {
        return directory.resolve(AUTHORITY_SIGNING_KEY);
    }

    /** What progress-service, audit-consumer and alert-consumer verify with. */
    public Path authorityPublicKeysFile() {
        return directory.resolve(AUTHORITY_PUBLIC_KEYS);
    }

    /** What progress-service signs subscriber tokens with. */
    public Path subscriberSigningKeyFile() {
        return directory.resolve(SUBSCRIBER_SIGNING_KEY);
    }

    public Path subscriberPublicKeysFile() {
        return directory.resolve(SUBSCRIBER_PUBLIC_KEYS);
    }

    /** What notifier-service verifies with: the authority's and the subscriber key's public halves. */
    public Path notifierPublicKeysFile() {
        return directory.resolve(NOTIFIER_PUBLIC_KEYS);
    }

    public String authorityPublicJwks() {
        return read(authorityPublicKeysFile());
    }

    public String notifierPublicJwks() {
        return read(notifierPublicKeysFile());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
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
