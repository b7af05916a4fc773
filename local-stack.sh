#!/usr/bin/env sh
# Builds what is needed (once; Maven skips what is up to date) and starts the whole system on this machine:
# PostgreSQL, Kafka, the four services and a demo worker. Ctrl-C stops everything.
set -e
cd "$(dirname "$0")"
./mvnw -q install -DskipTests
exec java -Dstack.root="$(pwd)" -jar local-stack/target/local-stack.jar "$@"
