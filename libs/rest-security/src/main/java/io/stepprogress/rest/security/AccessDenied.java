package io.stepprogress.rest.security;

import io.stepprogress.problem.ProblemException;
import java.util.Map;

/** 403: the token is valid, but its scopes or project patterns do not cover this request. */
public class AccessDenied extends ProblemException {

    private AccessDenied(String detail) {
        super(403, "Forbidden", detail,
                Map.of("WWW-Authenticate", AuthenticationRequired.REALM + ", error=\"insufficient_scope\""));
    }

    public static AccessDenied scope() {
        return new AccessDenied("the token's scope does not allow this request");
    }

    /** A token without projects (or with an empty list): every project must be said, as {@code ["*"]}. */
    public static AccessDenied noProjects() {
        return new AccessDenied("the token names no project");
    }

    public static AccessDenied project(String projectId) {
        return new AccessDenied("the token is not valid for project '" + projectId + "'");
    }
}
