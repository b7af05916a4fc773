package io.stepprogress.progress.subscription;

import io.stepprogress.problem.ProblemException;

/** 503: this deployment has no signing key, so it cannot issue subscriber tokens (everything else works). */
public class SubscriberTokensNotConfigured extends ProblemException {

    SubscriberTokensNotConfigured() {
        super(503, "Service unavailable", "subscriber tokens are not configured: set progress.security.signing-key");
    }
}
