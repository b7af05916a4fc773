package io.stepprogress.rest.security;

import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.lang.JoseException;

/**
 * The JWK set file a service verifies with ({@code mp.jwt.verify.publickey.location}), looked at again at
 * most once per {@link #RECHECK}. smallrye-jwt reads a file once, at the first token; without this, a key
 * taken out of the file would stay trusted until a restart.
 * <p>
 * Only local files are watched. An inline set ({@code mp.jwt.verify.publickey}, an environment variable)
 * cannot change while the process runs; a set served over HTTPS is refreshed by smallrye-jwt itself
 * ({@code smallrye.jwt.jwks.refresh-interval}).
 */
final class TrustedKeys {

    /** How soon a changed file takes effect; bounds how long a removed key keeps working. */
    static final Duration RECHECK = Duration.ofSeconds(1);

    private static final Logger LOG = Logger.getLogger(TrustedKeys.class);

    /**
     * One content of the file. Version 0 is what the service started with (and smallrye-jwt loaded); each
     * change makes a new version, with a context that verifies with exactly the new content.
     */
    record Version(long number, String content, JWTAuthContextInfo context) {
    }

    private final Path file;
    private final JWTAuthContextInfo base;
    private volatile Version current;
    private volatile long checkedAt;

    private TrustedKeys(Path file, JWTAuthContextInfo base, String content) {
        this.file = file;
        this.base = base;
        this.current = new Version(0, content, null);
        this.checkedAt = System.nanoTime();
    }

    /** Null when the keys are not in a local file, so nothing can change them without a restart. */
    static TrustedKeys watching(JWTAuthContextInfo context) {
        Path file = localFile(context == null ? null : context.getPublicKeyLocation());
        if (file == null) {
            return null;
        }
        try {
            return new TrustedKeys(file, context, Files.readString(file));
        } catch (IOException e) {
            LOG.warnf("cannot read the trusted keys %s: %s; they will not be reloaded", file, e.getMessage());
            return null;
        }
    }

    private static Path localFile(String location) {
        if (location == null || location.isBlank()) {
            return null;
        }
        String lower = location.toLowerCase(Locale.ROOT);
        if (lower.startsWith("file:")) {
            location = location.substring("file:".length());
        } else if (lower.matches("^[a-z][a-z0-9+.-]*:.*") && !lower.matches("^[a-z]:[\\\\/].*")) {
            return null; // classpath:, http:, https: (a Windows drive letter is a file)
        }
        Path path = Path.of(location);
        return Files.isRegularFile(path) ? path : null;
    }

    /** The keys to verify with now; reads the file when {@link #RECHECK} has passed since the last look. */
    Version current() {
        long now = System.nanoTime();
        if (now - checkedAt < RECHECK.toNanos()) {
            return current;
        }
        synchronized (this) {
            if (now - checkedAt >= RECHECK.toNanos()) {
                reload();
                checkedAt = System.nanoTime();
            }
            return current;
        }
    }

    private void reload() {
        String content;
        try {
            content = Files.readString(file);
            new JsonWebKeySet(content);
        } catch (IOException | JoseException | RuntimeException e) {
            // Half-written or briefly missing while it is replaced: keep the last good set and look again
            // next time. Replacing the file by a rename avoids this.
            LOG.warnf("cannot read the trusted keys %s, keeping the previous set: %s", file, e.getMessage());
            return;
        }
        if (content.equals(current.content())) {
            return;
        }
        JWTAuthContextInfo context = new JWTAuthContextInfo(base);
        context.setPublicKeyLocation(null);
        context.setPublicKeyContent(content);
        current = new Version(current.number() + 1, content, context);
        LOG.infof("trusted keys %s changed: tokens verified before are verified again with the new set", file);
    }
}
