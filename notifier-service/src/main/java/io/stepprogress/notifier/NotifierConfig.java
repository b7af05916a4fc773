package io.stepprogress.notifier;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "notifier")
public interface NotifierConfig {

    /**
     * The most events a resume replays per project: a client that reconnects within them (and within
     * {@link Memory#historyBytes()}, while the history log still holds them) resumes without a snapshot.
     */
    @WithDefault("1000")
    int historySize();

    /**
     * Projects kept in memory, a cap on top of {@link Memory#budget()}: beyond it projects are forgotten in
     * the same order as over the budget.
     */
    @WithDefault("100000")
    int maxProjects();

    /**
     * How long a stream whose Last-Event-ID is ahead of what this instance holds waits for the instance to
     * catch up before it is closed (the browser reconnects with the same id, maybe to another instance):
     * such a client must never be sent an older state.
     */
    @WithDefault("10s")
    Duration catchUpWait();

    /**
     * An event older than this (from its occurredAt) when the notifier applies it shows that the notifier as a
     * whole is behind: its subscribers get intermediate progress events of a project merged (never a status
     * change), so they catch up with the latest view sooner. Assumes the hosts' clocks agree, as the
     * delivery-lag metric does.
     */
    @WithDefault("1s")
    Duration lateAfter();

    Memory memory();

    Sse sse();

    Source source();

    /**
     * What the read model may hold. Every project is accounted (its latest view's encoded size plus a fixed
     * overhead) and so is the history log's capacity; over the budget, the least recently updated go first.
     */
    interface Memory {
        /** The whole read model's bytes. */
        @WithDefault("64M")
        MemorySize budget();

        /** The most bytes of one project's events a resume replays: a long run with large views is sent a snapshot. */
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

        /**
         * Events a connection may have waiting for a slow client (its socket's write queue full) before it counts
         * as behind: from then on, a newer progress event of a project replaces the waiting one it supersedes,
         * unless that one changed a status. Four times as many (status changes only) and the connection is
         * closed (the client resumes later).
         */
        @WithDefault("512")
        int maxPendingFrames();

        /** A client that has taken nothing from its full socket for this long is closed (it resumes later). */
        @WithDefault("30s")
        Duration stallTimeout();

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

    /**
     * progress-service, the source of truth, which a notifier loads its read model from on start and asks for
     * the projects it does not hold. Without a URL the read model is rebuilt by replaying the whole topic.
     */
    interface Source {
        /** progress-service's base URL (NOTIFIER_SOURCE_URL), e.g. http://progress-service:8081. */
        Optional<URI> url();

        /**
         * An operator token (scope progress:operator, audience progress-service) whose projects claim covers
         * what this notifier serves (NOTIFIER_SOURCE_TOKEN: environment only, never a command line).
         */
        Optional<String> token();

        /** Each request to progress-service, connection included. */
        @WithDefault("5s")
        Duration timeout();

        /**
         * How long a start keeps trying to load from progress-service (it may be starting too) before it replays
         * the topic instead.
         */
        @WithDefault("60s")
        Duration loadTimeout();

        /** Views per page of the start-up listing (progress-service allows up to 1000). */
        @WithDefault("1000")
        int pageSize();

        /**
         * Views loaded at start, the most recently updated first; any other project is fetched when asked for.
         * Bounds the start time (10,000 views load in about 4 s), whatever {@link NotifierConfig#maxProjects()} allows.
         */
        @WithDefault("10000")
        int startupProjects();
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
