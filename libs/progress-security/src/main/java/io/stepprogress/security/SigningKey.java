package io.stepprogress.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.LocalDate;
import java.util.UUID;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.lang.JoseException;

/**
 * An RS256 private key with its key id, kept as a private JWK (JSON) so the id travels with the key.
 * Verifiers hold the public half in a JWK set; several keys in that set is how keys rotate.
 */
public final class SigningKey {

    private final PublicJsonWebKey jwk;

    private SigningKey(PublicJsonWebKey jwk) {
        if (jwk.getPrivateKey() == null || jwk.getKeyId() == null || jwk.getKeyId().isBlank()) {
            throw new IllegalArgumentException("a signing key must be a private RSA JWK with a kid");
        }
        this.jwk = jwk;
    }

    /** A new 2048-bit RSA key, its id made of today's date and a random suffix. */
    public static SigningKey generate() {
        try {
            RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId(LocalDate.now() + "-" + UUID.randomUUID().toString().substring(0, 8));
            key.setAlgorithm("RS256");
            key.setUse("sig");
            return new SigningKey(key);
        } catch (JoseException e) {
            throw new IllegalStateException("cannot generate an RSA key", e);
        }
    }

    /** From a private JWK's JSON, as written by {@link #privateJwk()}. */
    public static SigningKey fromJwk(String json) {
        try {
            JsonWebKey key = JsonWebKey.Factory.newJwk(json.trim());
            if (!(key instanceof PublicJsonWebKey pair)) {
                throw new IllegalArgumentException("a signing key must be an RSA JWK");
            }
            return new SigningKey(pair);
        } catch (JoseException e) {
            throw new IllegalArgumentException("not a JWK: " + e.getMessage(), e);
        }
    }

    public static SigningKey read(Path file) {
        try {
            return fromJwk(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the signing key " + file, e);
        }
    }

    public String keyId() {
        return jwk.getKeyId();
    }

    PrivateKey privateKey() {
        return jwk.getPrivateKey();
    }

    /** The private JWK: a secret, to be written with owner-only permissions. */
    public String privateJwk() {
        return jwk.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE);
    }

    /** A JWK set holding only this key's public half. */
    public String publicJwks() {
        return publicJwks(this);
    }

    /**
     * Rotation, step one: the keys verifiers trust now plus this key's public half. Deploy that set everywhere
     * first, then sign with this key; drop the old key once the longest-lived token it signed has expired.
     */
    public static String addToJwks(String trustedJwks, SigningKey added) {
        try {
            JsonWebKeySet set = new JsonWebKeySet(trustedJwks);
            JsonWebKeySet merged = new JsonWebKeySet(publicJwks(added));
            for (JsonWebKey key : set.getJsonWebKeys()) {
                if (!added.keyId().equals(key.getKeyId())) {
                    merged.addJsonWebKey(key);
                }
            }
            return merged.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
        } catch (JoseException e) {
            throw new IllegalArgumentException("not a JWK set: " + e.getMessage(), e);
        }
    }

    /** A JWK set with the public halves of several keys: what verifiers accept while keys rotate. */
    public static String publicJwks(SigningKey... keys) {
        try {
            JsonWebKeySet set = new JsonWebKeySet();
            for (SigningKey key : keys) {
                set.addJsonWebKey(PublicJsonWebKey.Factory.newPublicJwk(key.jwk.getPublicKey()));
                PublicJsonWebKey added = (PublicJsonWebKey) set.getJsonWebKeys().get(set.getJsonWebKeys().size() - 1);
                added.setKeyId(key.keyId());
                added.setAlgorithm("RS256");
                added.setUse("sig");
            }
            return set.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
        } catch (JoseException e) {
            throw new IllegalStateException("cannot write a JWK set", e);
        }
    }
}
