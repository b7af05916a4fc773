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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKey;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Verifies each bearer token once, not on every request. A worker presents the same token thousands of
 * times, and a browser its subscriber token on every snapshot and reconnect; the RSA signature check was a
 * quarter of progress-service's CPU at 50 updates/s (docs/benchmarks.md). Decorating the parser puts the
 * cache under both Quarkus's bearer authentication and notifier's cookie check.
 * <p>
 * Only tokens that verified enter, so garbage cannot fill it. An entry leaves at the token's expiry, after
 * which the token goes through the parser again (and its clock-skew rule). The trusted keys change only
 * with a restart, which empties it.
 */
@Decorator
@Priority(1)
public class VerifiedTokens implements JWTParser {

    /** Bounds the memory: past it the map starts over, which only costs re-verification. */
    static final int MAX_ENTRIES = 10_000;

    private final Map<String, JsonWebToken> verified = new ConcurrentHashMap<>();

    @Inject
    @Delegate
    @Any
    JWTParser delegate;

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        JsonWebToken known = verified.get(token);
        if (known != null) {
            if (System.currentTimeMillis() / 1000 < known.getExpirationTime()) {
                return known;
            }
            verified.remove(token);
        }
        JsonWebToken parsed = delegate.parse(token);
        if (verified.size() >= MAX_ENTRIES) {
            verified.clear();
        }
        verified.put(token, parsed);
        return parsed;
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
