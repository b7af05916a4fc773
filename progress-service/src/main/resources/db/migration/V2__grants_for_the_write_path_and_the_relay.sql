-- The write path and the relay log in as roles of their own (README, "Database users"), not as the owner
-- that runs these migrations: each gets what it uses and nothing more. Nothing is granted by default, so a
-- migration that adds a table grants on it as well. ${app_role} and ${relay_role}: quarkus.flyway.placeholders.

-- PostgreSQL 14 and older let PUBLIC create tables in schema public (15 and later do not). Run by a role that
-- does not own the schema, this only warns.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- The write path: step state, and the outbox row it inserts and deletes in the same transaction.
GRANT SELECT, INSERT, UPDATE, DELETE ON initialization, initialization_step, outbox_event TO "${app_role}";

-- The relay (it also has REPLICATION, a role attribute): reads the published outbox, writes the heartbeat
-- that keeps its slot moving and the offsets it resumes from.
GRANT SELECT ON outbox_event TO "${relay_role}";
GRANT SELECT, INSERT, UPDATE ON relay_heartbeat, relay_offset TO "${relay_role}";
