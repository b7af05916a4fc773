#!/usr/bin/env bash
# Run once by the official postgres image, on the first start with an empty data volume
# (/docker-entrypoint-initdb.d). Changing the passwords in .env later changes nothing here: alter the roles
# with psql, or start over with `docker-compose down -v` (which deletes every database).
#
# One database per service, no shared superuser. progress-service logs in as three roles, each allowed only
# what its part does (docs/security.md, "Database users"):
#   progress        LOGIN, owns database progress: Flyway runs the migrations as this role at startup (DDL, and
#                   CREATE PUBLICATION, which needs table ownership). The migrations grant the two below.
#   progress_app    LOGIN, the write path: SELECT/INSERT/UPDATE/DELETE on the step and outbox tables only.
#   progress_relay  LOGIN REPLICATION, the embedded Debezium relay: creates and streams its replication slot,
#                   reads the outbox, writes its heartbeat and offsets.
#   audit           LOGIN, owns database audit.
# None of them can connect to the other service's database.
set -euo pipefail

: "${PROGRESS_DB_PASSWORD:?PROGRESS_DB_PASSWORD is not set (see .env.example)}"
: "${PROGRESS_APP_DB_PASSWORD:?PROGRESS_APP_DB_PASSWORD is not set (see .env.example)}"
: "${PROGRESS_RELAY_DB_PASSWORD:?PROGRESS_RELAY_DB_PASSWORD is not set (see .env.example)}"
: "${AUDIT_DB_PASSWORD:?AUDIT_DB_PASSWORD is not set (see .env.example)}"

# Passwords go in as psql variables and are quoted by psql (:'var'), never spliced into the SQL text.
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     --set progress_password="$PROGRESS_DB_PASSWORD" \
     --set progress_app_password="$PROGRESS_APP_DB_PASSWORD" \
     --set progress_relay_password="$PROGRESS_RELAY_DB_PASSWORD" \
     --set audit_password="$AUDIT_DB_PASSWORD" <<'SQL'
CREATE ROLE progress LOGIN NOREPLICATION PASSWORD :'progress_password';
CREATE ROLE progress_app LOGIN NOREPLICATION PASSWORD :'progress_app_password';
CREATE ROLE progress_relay LOGIN REPLICATION PASSWORD :'progress_relay_password';
CREATE ROLE audit LOGIN PASSWORD :'audit_password';

CREATE DATABASE progress OWNER progress;
CREATE DATABASE audit OWNER audit;

-- PUBLIC may connect to any new database by default; keep each service in its own.
REVOKE CONNECT, TEMPORARY ON DATABASE progress FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE audit FROM PUBLIC;
GRANT CONNECT ON DATABASE progress TO progress_app, progress_relay;
SQL
