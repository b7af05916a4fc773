package io.stepprogress.notifier.subscriber;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepprogress.notifier.NotifierConfig.Session;
import io.stepprogress.notifier.NotifierConfig.Session.SameSite;
import io.stepprogress.notifier.NotifierConfig.Session.Secure;
import io.stepprogress.security.ProjectPatterns;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cookie's attributes for each setting, and how cookies are read back: plain unit tests. */
class SessionCookieTest {

    record Settings(SameSite sameSite, Secure secure) implements Session {
    }

    @Test
    void secureWhenConfiguredAlwaysOrWhenTheRequestCameOverHttps() {
        assertThat(SessionCookie.set("t", "/api/", 60, new Settings(SameSite.STRICT, Secure.ALWAYS), false))
                .isEqualTo("progress_subscriber=t; Path=/api/; Max-Age=60; HttpOnly; SameSite=Strict; Secure");
        assertThat(SessionCookie.set("t", "/api/", 60, new Settings(SameSite.STRICT, Secure.AUTO), true))
                .endsWith("; HttpOnly; SameSite=Strict; Secure");
        assertThat(SessionCookie.set("t", "/api/", 60, new Settings(SameSite.STRICT, Secure.AUTO), false))
                .endsWith("; HttpOnly; SameSite=Strict");
    }

    @Test
    void sameSiteNoneForcesSecureAndIsPartitionedForTheHostSite() {
        assertThat(SessionCookie.set("t", "/api/", 60, new Settings(SameSite.NONE, Secure.AUTO), false))
                .endsWith("; HttpOnly; SameSite=None; Secure; Partitioned");
        assertThat(SessionCookie.clear("/api/", new Settings(SameSite.NONE, Secure.AUTO), false))
                .endsWith("; HttpOnly; SameSite=None; Secure; Partitioned");
        assertThat(SessionCookie.set("t", "/api/", 60, new Settings(SameSite.LAX, Secure.AUTO), false))
                .endsWith("; HttpOnly; SameSite=Lax");
    }

    @Test
    void clearingExpiresTheCookieAtOnceWithTheSameAttributes() {
        assertThat(SessionCookie.clear("/api/projects/p/", new Settings(SameSite.STRICT, Secure.ALWAYS), false))
                .isEqualTo("progress_subscriber=; Path=/api/projects/p/; Max-Age=0; HttpOnly; SameSite=Strict; Secure");
        assertThat(SessionCookie.set("t", "/api/", -5, new Settings(SameSite.STRICT, Secure.AUTO), false))
                .contains("Max-Age=0;");
    }

    @Test
    void onlyASingleProjectWithoutWildcardNarrowsThePath() {
        assertThat(SessionCookie.pathFor(ProjectPatterns.of("p-1"))).isEqualTo("/api/projects/p-1/");
        assertThat(SessionCookie.pathFor(ProjectPatterns.of("p-*"))).isEqualTo("/api/");
        assertThat(SessionCookie.pathFor(ProjectPatterns.of("p-1", "p-2"))).isEqualTo("/api/");
        assertThat(SessionCookie.pathFor(ProjectPatterns.any())).isEqualTo("/api/");
    }

    @Test
    void everyCandidateIsRead_boundedInNumber() {
        Credentials credentials = Credentials.from("Bearer  header-token ", List.of(
                "theme=dark; progress_subscriber=first;progress_subscriber=\"second\"",
                "progress_subscriber=; other_progress_subscriber=x; progress_subscriber=third",
                "progress_subscriber=fourth; progress_subscriber=fifth"));
        assertThat(credentials.tokens()).containsExactly("header-token", "first", "second", "third", "fourth");
        assertThat(Credentials.from(null, null).none()).isTrue();
        assertThat(Credentials.bearerOnly("bearer x").tokens()).containsExactly("x");
        assertThat(Credentials.bearerOnly("Basic dXNlcg==").tokens()).as("another scheme is a bad credential, not none")
                .containsExactly("Basic dXNlcg==");
    }
}
