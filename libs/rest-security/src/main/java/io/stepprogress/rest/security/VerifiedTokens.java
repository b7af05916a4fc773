package io.stepprogress.rest.security;

import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Optional;
import javax.crypto.SecretKey;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Verifies each bearer token once, not on every request. A worker presents the same token thousands of
 * times, and a browser its subscriber token on every snapshot and reconnect; the RSA signature check was a
 * quarter of progress-service's CPU at 50 updates/s (docs/benchmarks.md). Decorating the parser puts the
 * cache under both Quarkus's bearer authentication and notifier's cookie check.
 * <p>
 * Only tokens that verified enter, so garbage cannot fill it. An entry leaves at the token's expiry, after
 * which the token goes through the parser again (and its clock-skew rule).
 * <p>
 * Revocation: when the trusted keys are a file ({@code mp.jwt.verify.publickey.location}), it is looked at
 * again at most once a second ({@link TrustedKeys}). When it has changed, every entry verified with the old
 * set is dropped and tokens are verified with the new set only: a token signed by a removed key is refused
 * within about a second, without a restart, and a key added to the file is trusted as soon.
 */
@Decorator
@Priority(1)
public class VerifiedTokens implements JWTParser {

    /** A verified token and the version of the trusted keys that verified it. */
    private record Verified(JsonWebToken token, long keys) {
    }

    private final RawTokenMap<Verified> verified = new RawTokenMap<>();
    private volatile long cachedKeys;

    @Inject
    @Delegate
    @Any
    JWTParser delegate;

    @Inject
    JWTAuthContextInfo context;

    private volatile Optional<TrustedKeys> trusted;

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        TrustedKeys.Version keys = trustedKeys().map(TrustedKeys::current).orElse(null);
        long version = keys == null ? 0 : keys.number();
        if (version != cachedKeys) {
            // Entries of another version would be refused one by one below; dropping them frees the memory.
            verified.clear();
            cachedKeys = version;
        }
        Verified known = verified.get(token);
        if (known != null) {
            if (known.keys() == version && System.currentTimeMillis() / 1000 < known.token().getExpirationTime()) {
                return known.token();
            }
            verified.remove(token);
        }
        // Version 0 is what the delegate loaded at start; after a change, only the file's current content.
        JsonWebToken parsed = version == 0 ? delegate.parse(token) : delegate.parse(token, keys.context());
        verified.put(token, new Verified(parsed, version));
        return parsed;
    }

    private Optional<TrustedKeys> trustedKeys() {
        Optional<TrustedKeys> keys = trusted;
        if (keys == null) {
            synchronized (this) {
                if (trusted == null) {
                    trusted = Optional.ofNullable(TrustedKeys.watching(context));
                }
                keys = trusted;
            }
        }
        return keys;
    }

    // Parsing with other keys or settings, verification with explicit keys, decryption: not cached.

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return delegate.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        return delegate.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        return delegate.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return delegate.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        return delegate.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        return delegate.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return delegate.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return delegate.parseOnly(token);
    }
}
