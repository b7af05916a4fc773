package io.stepprogress.rest.security;

import io.stepprogress.problem.ProblemException;
import java.util.Map;

/** 401: no bearer token, or one we do not accept. The challenge follows RFC 6750. */
public class AuthenticationRequired extends ProblemException {

    static final String REALM = "Bearer realm=\"step-progress\"";

    private AuthenticationRequired(String detail, String challenge) {
        super(401, "Authentication required", detail, Map.of("WWW-Authenticate", challenge));
    }

    public static AuthenticationRequired missing() {
        return new AuthenticationRequired("send a bearer token: Authorization: Bearer <token>", REALM);
    }

    public static AuthenticationRequired invalid(String why) {
        return new AuthenticationRequired(why, REALM + ", error=\"invalid_token\"");
    }
}
