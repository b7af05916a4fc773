-- What each step took in the last finished runs that had it, most recent first (at most progress.eta.window):
-- the statistics estimates (the views' eta) are learned from. One row per step name, updated by the transaction
-- that completes a run, so it holds exactly the completed runs and every instance shares it.
CREATE TABLE step_duration_history (
    step_name  varchar(64)        PRIMARY KEY,
    seconds    double precision[] NOT NULL CHECK (cardinality(seconds) >= 1),
    learned_at timestamptz        NOT NULL
);

GRANT SELECT, INSERT, UPDATE ON step_duration_history TO "${app_role}";
