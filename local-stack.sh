#!/usr/bin/env sh
# Builds what is needed and starts the whole system on this machine: PostgreSQL, Kafka, the four services
# and a demo worker. Ctrl-C stops everything. The build is skipped when nothing changed since the last one.
# `./local-stack.sh keys generate|rotate|token ...` manages signing keys and tokens (see KeysMain).
set -e
cd "$(dirname "$0")"
stamp=target/.local-stack-built

needs_build() {
  [ -f "$stamp" ] || return 0
  for jar in progress-service/target/quarkus-app/quarkus-run.jar notifier-service/target/quarkus-app/quarkus-run.jar \
             audit-consumer/target/quarkus-app/quarkus-run.jar alert-consumer/target/quarkus-app/quarkus-run.jar \
             tooling/demo-worker/target/demo-worker-0.1.0-SNAPSHOT.jar tooling/local-stack/target/local-stack.jar; do
    [ -f "$jar" ] || return 0
  done
  changed=$(find . -path '*/target' -prune -o -path ./.git -prune -o -path '*/src/*' -newer "$stamp" -print \
            -o -name pom.xml -newer "$stamp" -print | head -n 1)
  [ -n "$changed" ]
}

if needs_build; then
  ./mvnw -q install -DskipTests
  mkdir -p target && touch "$stamp"
fi
if [ "$1" = keys ]; then
  shift
  exec java -cp tooling/local-stack/target/local-stack.jar io.stepprogress.stack.KeysMain "$@"
fi
exec java -Dstack.root="$(pwd)" -jar tooling/local-stack/target/local-stack.jar "$@"
