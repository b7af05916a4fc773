package io.stepprogress.notifier;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "notifier")
public interface NotifierConfig {

    /** Recent events kept per project: a client that reconnects within them resumes without a snapshot. */
    @WithDefault("1000")
    int historySize();

    /** Projects kept in memory; beyond it the least recently updated finished ones are forgotten. */
    @WithDefault("10000")
    int maxProjects();

    Sse sse();

    Session session();

    interface Sse {
        /** A comment line this often keeps proxies from closing idle streams. */
        @WithDefault("15s")
        Duration keepAlive();

        /** Frames a connection may have waiting for a slow client before it is closed (it resumes later). */
        @WithDefault("512")
        int maxPendingFrames();

        /** Bytes Vert.x buffers per connection before a client counts as slow. */
        @WithDefault("65536")
        int writeQueueBytes();

        /** The reconnect delay suggested to browsers. */
        @WithDefault("2s")
        Duration retry();

        /**
         * Streams one subscriber token may hold open at once: a few tabs are normal, hundreds are a leaked
         * token or a reconnect loop, and each stream costs the server memory and a timer.
         */
        @WithDefault("8")
        int maxConnectionsPerToken();
    }

    /** The cookie {@code POST /api/session} sets. */
    interface Session {
        /** Strict by default: the page and the API are one origin, so no other site ever needs the cookie. */
        @WithDefault("strict")
        SameSite sameSite();

        @WithDefault("auto")
        Secure secure();

        enum SameSite { STRICT, LAX, NONE }

        /** {@code auto}: Secure when the request came over HTTPS (plain HTTP on localhost keeps working). */
        enum Secure { ALWAYS, AUTO }
    }
}
