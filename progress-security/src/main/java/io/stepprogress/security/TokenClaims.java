package io.stepprogress.security;

/** Claim names of our tokens beyond the registered ones (iss, sub, exp, iat, jti). */
public final class TokenClaims {

    /** Space-separated scopes; see {@link Scopes}. */
    public static final String SCOPE = "scope";

    /** Project-id patterns the token is limited to (see {@link ProjectPatterns}); absent means every project. */
    public static final String PROJECTS = "projects";

    /** The issuer our services expect unless configured otherwise ({@code mp.jwt.verify.issuer}). */
    public static final String DEFAULT_ISSUER = "step-progress";

    private TokenClaims() {
    }
}
