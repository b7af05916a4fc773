package io.stepprogress.security;

/** Claim names of our tokens beyond the registered ones (iss, sub, aud, exp, iat, jti); audiences in {@link Audiences}. */
public final class TokenClaims {

    /** Space-separated scopes; see {@link Scopes}. */
    public static final String SCOPE = "scope";

    /** Project-id patterns the token is limited to (see {@link ProjectPatterns}); every project is {@code ["*"]}, and a
     * token without the claim may touch no project at all. */
    public static final String PROJECTS = "projects";

    /** The issuer our services expect unless configured otherwise ({@code mp.jwt.verify.issuer}). */
    public static final String DEFAULT_ISSUER = "step-progress";

    private TokenClaims() {
    }
}
