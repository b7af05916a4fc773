#!/usr/bin/env bash
# Run once by the official postgres image, on the first start with an empty data volume
# (/docker-entrypoint-initdb.d). Changing the passwords in .env later changes nothing here: alter the roles
# with psql, or start over with `docker-compose down -v` (which deletes every database).
#
# One role and one database per service, no shared superuser:
#   progress  LOGIN REPLICATION, owns database progress. Flyway creates the tables and the publication as
#             this role (CREATE PUBLICATION ... FOR TABLE needs table ownership); REPLICATION lets the
#             embedded Debezium relay create and stream its logical replication slot.
#   audit     LOGIN, owns database audit.
# Neither role can connect to the other's database.
set -euo pipefail

: "${PROGRESS_DB_PASSWORD:?PROGRESS_DB_PASSWORD is not set (see .env.example)}"
: "${AUDIT_DB_PASSWORD:?AUDIT_DB_PASSWORD is not set (see .env.example)}"

# Passwords go in as psql variables and are quoted by psql (:'var'), never spliced into the SQL text.
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     --set progress_password="$PROGRESS_DB_PASSWORD" \
     --set audit_password="$AUDIT_DB_PASSWORD" <<'SQL'
CREATE ROLE progress LOGIN REPLICATION PASSWORD :'progress_password';
CREATE ROLE audit LOGIN PASSWORD :'audit_password';

CREATE DATABASE progress OWNER progress;
CREATE DATABASE audit OWNER audit;

-- PUBLIC may connect to any new database by default; keep each service in its own.
REVOKE CONNECT, TEMPORARY ON DATABASE progress FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE audit FROM PUBLIC;
SQL
