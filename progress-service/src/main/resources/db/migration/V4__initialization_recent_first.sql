-- Keyset pages of GET /api/projects walk the projects most recently updated first: this index makes each page
-- one index range scan, however many projects there are.
CREATE INDEX initialization_recent_first ON initialization (updated_at DESC, project_id DESC);
