package io.stepprogress.security;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code aud} values of our tokens: one per service, each service accepting only its own
 * ({@code mp.jwt.verify.audiences}). A token is meant for the services that serve its scopes, so a subscriber
 * token that leaks from a browser is no use against the write or operator APIs, whatever key signed it.
 */
public final class Audiences {

    public static final String PROGRESS_SERVICE = "progress-service";
    public static final String NOTIFIER_SERVICE = "notifier-service";
    public static final String AUDIT_CONSUMER = "audit-consumer";
    public static final String ALERT_CONSUMER = "alert-consumer";

    private Audiences() {
    }

    /**
     * The services whose APIs a token with these scopes may call: writes go to progress-service, operators
     * read progress-service, the audit log and the alerts, subscribers read notifier-service.
     */
    public static List<String> forScopes(Collection<String> scopes) {
        Set<String> audiences = new LinkedHashSet<>();
        for (String scope : scopes) {
            switch (scope) {
                case Scopes.WRITE -> audiences.add(PROGRESS_SERVICE);
                case Scopes.OPERATOR -> audiences.addAll(List.of(PROGRESS_SERVICE, AUDIT_CONSUMER, ALERT_CONSUMER));
                case Scopes.SUBSCRIBE -> audiences.add(NOTIFIER_SERVICE);
                default -> {
                    // A scope no service knows opens nothing, so it adds no audience either.
                }
            }
        }
        return List.copyOf(audiences);
    }
}
