-- Runs of a project are numbered: a new run starts only when a request names the next number, so a retried
-- or late start can never reset a run (see Initialization.startRun). Existing projects are on their first.
ALTER TABLE initialization ADD COLUMN run int NOT NULL DEFAULT 1 CHECK (run >= 1);
