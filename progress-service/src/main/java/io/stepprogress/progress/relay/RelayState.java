package io.stepprogress.progress.relay;

/** What the relay is doing now, as health and metrics report it. */
public enum RelayState {
    STOPPED,
    STARTING,
    /** Streaming: the last batch reached Kafka. */
    RUNNING,
    /** Kafka refused or timed out; the batch is retried, nothing is marked relayed. */
    PUBLISH_FAILING,
    /** The engine stopped on an error (e.g. PostgreSQL unreachable); it is restarted after a backoff. */
    RESTARTING
}
