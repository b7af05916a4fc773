package io.stepprogress.rest.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What was worked out from a raw bearer token (its verification, its projects), kept per raw token because a
 * worker presents the same token on thousands of requests. Bounded: past {@link #MAX_ENTRIES} it starts over, which
 * only costs working them out again.
 */
final class RawTokenMap<V> {

    static final int MAX_ENTRIES = 10_000;

    private final Map<String, V> entries = new ConcurrentHashMap<>();

    V get(String raw) {
        return entries.get(raw);
    }

    /** The value kept for the raw token, or the one {@code derive} works out, kept from now on. */
    V computeIfAbsent(String raw, Supplier<V> derive) {
        V known = entries.get(raw);
        if (known == null) {
            known = derive.get();
            put(raw, known);
        }
        return known;
    }

    void put(String raw, V value) {
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(raw, value);
    }

    void remove(String raw) {
        entries.remove(raw);
    }

    void clear() {
        entries.clear();
    }

    int size() {
        return entries.size();
    }
}
