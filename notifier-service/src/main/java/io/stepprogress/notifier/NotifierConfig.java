package io.stepprogress.notifier;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "notifier")
public interface NotifierConfig {

    /** Recent events kept per project: a client that reconnects within them resumes without a snapshot. */
    @WithDefault("1000")
    int historySize();

    /**
     * Projects kept in memory, a cap on top of {@link Memory#budget()}: beyond it projects are forgotten in
     * the same order as over the budget.
     */
    @WithDefault("100000")
    int maxProjects();

    Memory memory();

    Sse sse();

    /**
     * What the read model may hold. Every project is accounted (its latest view's and its history frames'
     * encoded sizes plus a fixed overhead); over the budget, the least recently updated go first.
     */
    interface Memory {
        /** The whole read model's bytes. */
        @WithDefault("64M")
        MemorySize budget();

        /** One project's history: a long run with large views must not take the budget of thousands. */
        @WithDefault("256K")
        MemorySize historyBytes();

        /**
         * An unfinished run without an update for this long is presumed abandoned (its worker died) and is
         * forgotten, when unwatched, as early as a finished one.
         */
        @WithDefault("30m")
        Duration idleAfter();
    }

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
