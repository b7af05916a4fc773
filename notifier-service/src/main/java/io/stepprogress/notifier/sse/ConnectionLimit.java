package io.stepprogress.notifier.sse;

import io.stepprogress.notifier.NotifierConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * At most {@code notifier.sse.max-connections-per-token} open streams per subscriber token (by its jti):
 * a leaked token, or a page stuck in a reconnect loop, cannot hold thousands of connections.
 */
@ApplicationScoped
class ConnectionLimit {

    private final int max;
    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

    ConnectionLimit(NotifierConfig config) {
        this.max = config.sse().maxConnectionsPerToken();
    }

    /** A permit to release when the stream closes (releasing twice is harmless), or empty when at the limit. */
    Optional<Runnable> acquire(String tokenKey) {
        boolean[] granted = new boolean[1];
        open.compute(tokenKey, (key, count) -> {
            int current = count == null ? 0 : count;
            granted[0] = current < max;
            return granted[0] ? current + 1 : count;
        });
        if (!granted[0]) {
            return Optional.empty();
        }
        AtomicBoolean released = new AtomicBoolean();
        return Optional.of(() -> {
            if (released.compareAndSet(false, true)) {
                // Counts at zero are removed, so the map holds only tokens with open streams.
                open.computeIfPresent(tokenKey, (key, count) -> count <= 1 ? null : count - 1);
            }
        });
    }

    int max() {
        return max;
    }
}
