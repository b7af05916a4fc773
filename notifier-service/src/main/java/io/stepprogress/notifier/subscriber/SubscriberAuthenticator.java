package io.stepprogress.notifier.subscriber;

import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.stepprogress.problem.ProblemException;
import io.stepprogress.rest.security.AccessDenied;
import io.stepprogress.rest.security.AuthProblemMappers;
import io.stepprogress.rest.security.AuthenticationRequired;
import io.stepprogress.rest.security.TokenProjects;
import io.stepprogress.security.Scopes;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * The one place that decides whether a request may read: the SSE routes (Vert.x) and the JAX-RS resources
 * both call it before they touch the read model, so a refused request registers nothing.
 * <ul>
 *   <li>no credential: 401; a token that is malformed, unsigned, tampered with, signed by a key we do not
 *       trust, from another issuer, or expired: 401 (problem+json with a {@code WWW-Authenticate} challenge);</li>
 *   <li>a token meant for another service (audience other than notifier-service, as worker and operator
 *       tokens are): 401;</li>
 *   <li>a valid token without scope {@value Scopes#SUBSCRIBE}: 403; a subscriber token that names no project
 *       (no {@code projects} claim, or an empty one) or whose patterns do not cover the project: 403.</li>
 * </ul>
 * With several candidates (a header and cookies), the first that is good enough wins; otherwise the most
 * telling refusal is reported (a 403 over a 401: the caller does hold a valid token, for something else).
 * <p>
 * Expiry is checked exactly, without the verifier's clock-skew tolerance: open streams end at the token's
 * expiry, and a reconnect after it must not be let in for a few more seconds.
 */
@ApplicationScoped
public class SubscriberAuthenticator {

    /** Bounds {@link #claims}: past it the map starts over, which only costs reading the claims again. */
    static final int MAX_CLAIMS = 10_000;

    private final JWTParser parser;
    private final Clock clock = Clock.systemUTC();
    /**
     * What {@link #check} reads from a verified token, per compact token: its project patterns compile to
     * regular expressions, which was the largest part of a {@code GET /api/projects/{id}/progress} in the
     * notifier's profile. An entry is used only while the parser still answers with the very same verified
     * token (rest-security's VerifiedTokens cache hit), so expiry and a change of trusted keys act as before.
     */
    private final Map<String, Claims> claims = new ConcurrentHashMap<>();

    SubscriberAuthenticator(JWTParser parser) {
        this.parser = parser;
    }

    /** A subscriber token, for any project (the session endpoints, the project list, the overview stream). */
    public SubscriberToken authenticate(Credentials credentials) {
        return authorize(credentials, null);
    }

    /** A subscriber token that allows {@code projectId}; null: any subscriber token. */
    public SubscriberToken authorize(Credentials credentials, String projectId) {
        if (credentials.none()) {
            throw AuthenticationRequired.missing();
        }
        Refusal worst = null;
        for (String candidate : credentials.tokens()) {
            Outcome outcome = check(candidate, projectId);
            if (outcome.token() != null) {
                return outcome.token();
            }
            if (worst == null || outcome.refusal().rank() > worst.rank()) {
                worst = outcome.refusal();
            }
        }
        throw worst.problem();
    }

    private Outcome check(String candidate, String projectId) {
        JsonWebToken jwt; // verified once per token: rest-security's VerifiedTokens decorates the parser
        try {
            jwt = parser.parse(candidate);
        } catch (ParseException e) {
            // Why, for whoever runs the service; the caller learns only the general rule.
            LOG.debugf("subscriber token refused: %s", rootMessage(e));
            return Outcome.refused(Refusal.INVALID, AuthenticationRequired.invalid(AuthProblemMappers.describe(e)));
        }
        Claims read = claims.get(candidate);
        if (read == null || read.jwt() != jwt) {
            read = Claims.of(candidate, jwt);
            if (claims.size() >= MAX_CLAIMS) {
                claims.clear();
            }
            claims.put(candidate, read);
        }
        SubscriberToken token = read.token();
        if (!clock.instant().isBefore(token.expiresAt())) {
            return Outcome.refused(Refusal.INVALID, AuthenticationRequired.invalid(AuthProblemMappers.EXPIRED));
        }
        if (!read.subscribeScope()) {
            return Outcome.refused(Refusal.SCOPE, AccessDenied.scope());
        }
        if (token.projects().patterns().isEmpty()) {
            // Minted without the claim (or with an empty one): it opens nothing, not even a session whose
            // cookie would then be refused on every read.
            return Outcome.refused(Refusal.PROJECT, AccessDenied.noProjects());
        }
        if (projectId != null && !token.projects().allows(projectId)) {
            return Outcome.refused(Refusal.PROJECT, AccessDenied.project(projectId));
        }
        return new Outcome(token, null);
    }

    /** The claims {@link #check} decides on, read once from one verified token. */
    private record Claims(JsonWebToken jwt, SubscriberToken token, boolean subscribeScope) {

        static Claims of(String candidate, JsonWebToken jwt) {
            Instant expiresAt = Instant.ofEpochSecond(jwt.getExpirationTime());
            boolean subscribe = jwt.getGroups() != null && jwt.getGroups().contains(Scopes.SUBSCRIBE);
            String key = jwt.getTokenID() == null || jwt.getTokenID().isBlank() ? candidate : jwt.getTokenID();
            return new Claims(jwt, new SubscriberToken(candidate, key, TokenProjects.of(jwt), expiresAt), subscribe);
        }
    }

    private static final Logger LOG = Logger.getLogger(SubscriberAuthenticator.class);

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    /** Refusals by how much they tell the caller: a valid token for something else beats a bad token. */
    private record Refusal(int rank, ProblemException problem) {
        static final int INVALID = 1;
        static final int SCOPE = 2;
        static final int PROJECT = 3;
    }

    private record Outcome(SubscriberToken token, Refusal refusal) {
        static Outcome refused(int rank, ProblemException problem) {
            return new Outcome(null, new Refusal(rank, problem));
        }
    }
}
