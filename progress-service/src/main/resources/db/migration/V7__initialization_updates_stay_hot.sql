-- Every progress update rewrites its project's initialization row (sequence, message, updated_at). V4's index on
-- updated_at made each of those updates a non-HOT one: a new row version elsewhere plus a new entry in both indexes,
-- and a table and indexes that bloated between autovacuum runs (8 MB of index for 566 live rows after a burst).
-- Without it the update is HOT (the new version on the same page, no index entry, pruned in place). Measured at
-- 500 updates/s, alternating on one stack (docs/benchmarks.md, results at this migration's commit): PostgreSQL
-- 0.98 -> 0.89 ms of CPU per update, e2e p99 64-68 -> 49-58 ms. The cost moves to GET /api/projects, which now
-- sorts the table for each page (top-N): about 40 ms a page at 100,000 projects, against 1.3 ms with the index.
DROP INDEX IF EXISTS initialization_recent_first;
