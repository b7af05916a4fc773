package io.stepprogress.rest.security;

import io.stepprogress.security.ProjectPatterns;
import jakarta.enterprise.context.RequestScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The project half of authorization: {@code @RolesAllowed} checks the token's scope, this checks its
 * {@code projects} patterns. Call it before touching anything, so a refused request writes nothing.
 */
@RequestScoped
public class ProjectAccess {

    private final JsonWebToken token;

    ProjectAccess(JsonWebToken token) {
        this.token = token;
    }

    public ProjectPatterns patterns() {
        return TokenProjects.of(token);
    }

    public void require(String projectId) {
        if (!patterns().allows(projectId)) {
            throw AccessDenied.project(projectId);
        }
    }

    public String subject() {
        return token.getSubject();
    }
}
