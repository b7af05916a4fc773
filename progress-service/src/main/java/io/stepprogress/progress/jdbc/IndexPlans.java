package io.stepprogress.progress.jdbc;

import java.util.List;

/**
 * Sent first in a round trip of the write path, for the rest of its transaction ({@code SET LOCAL}): every
 * statement finds its rows through an index, with a plan made once per connection.
 * <ul>
 * <li>{@code enable_seqscan = off}: the write path's tables are small or empty by design and fill with dead row
 * versions between two vacuums. A plan made on the small table (a sequential scan, the cheapest there) is cached by
 * each connection, and then reads every dead row: measured, a third of the outbox's deletes planned that way, and
 * PostgreSQL at 1.09 ms per update instead of 0.49.</li>
 * <li>{@code plan_cache_mode = force_generic_plan}: a statement over {@code = ANY (?)} (a batch's projects or
 * events) is otherwise planned again at every execution, because its generic plan, made for an array of unknown
 * length, looks costlier than one made for the array at hand: measured, PostgreSQL at 0.99 ms per update instead of
 * 0.82 at 500 updates/s. These statements' best plan does not depend on their parameters.</li>
 * </ul>
 */
public final class IndexPlans {

    public static final List<BoundStatement> STATEMENTS = List.of(
            new BoundStatement("SET LOCAL enable_seqscan = off", (statement, first) -> first),
            new BoundStatement("SET LOCAL plan_cache_mode = force_generic_plan", (statement, first) -> first));

    private IndexPlans() {
    }
}
