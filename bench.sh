#!/usr/bin/env sh
# Benchmarks a running stack (start it with ./local-stack.sh --no-demo first):
#   ./bench.sh idle|floor|get|steady|ramp|overload|fanout|recovery|all [options]      (./bench.sh --help lists them)
# Results: target/bench/SCENARIO.{json,md,svg} and target/bench/summary.md. Loopback targets only.
# Builds the bench module when its jar is missing or older than its sources.
set -e
cd "$(dirname "$0")"
jar=tooling/bench/target/bench.jar
if [ ! -f "$jar" ] || [ -n "$(find tooling/bench/src tooling/bench/pom.xml -newer "$jar" 2>/dev/null | head -n 1)" ]; then
  ./mvnw -q -pl tooling/bench -am package -DskipTests
fi
# The fan-out scenario holds thousands of sockets: raise this process's own open-file limit to its hard limit
# (nothing beyond it, nothing for other processes).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
# A fixed 1 GiB heap: the overload holds ~270 MB for its whole run, and with a heap that grew from 256 MiB the
# collector's resizing Full GCs paused this tool for 97-151 ms inside the measured window (a latency spike of the
# stack's that was the tool's own); MetaspaceSize as the stack's JVMs (JvmOptions). BENCH_JAVA_OPTS replaces these flags.
exec java ${BENCH_JAVA_OPTS:--Xms1g -Xmx1g -XX:MetaspaceSize=128m -XX:+UseParallelGC} -jar "$jar" "$@"
