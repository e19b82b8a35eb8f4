#!/usr/bin/env bash
# Sync timings of the discovery agent (never run by the tests):
#   full sync of N services x 5 endpoints, and a one-service endpoint change at N services,
#   through the agent's own sync path into a real nft table in a temporary network namespace
#   (root needed; without root only rendering + scripting are timed).
#
# Usage (from anywhere):
#   discovery-agent/bench/sync-bench.sh            # 1000 and 10000 services
#   discovery-agent/bench/sync-bench.sh 500 20000
#   discovery-agent/bench/sync-bench.sh --load-balancing maglev --maglev-table-size 4093 200
# Environment:
#   MVN       the Maven command (default "mvn -B -q")
#   MVN_ARGS  what to build (default "-pl discovery-agent -am": the agent and the k8s modules it needs)
#   JAVA_OPTS extra JVM options, e.g. -Dchanges=100 (one-service changes per size; default 1000),
#             -Dtrace=true (a line per change: time, CPU, phases, GC pause, netlink batch),
#             -Dcpu.phases=true (sync times in the sync thread's CPU instead of wall time: a busy machine)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
MVN="${MVN:-mvn -B -q}"
MVN_ARGS="${MVN_ARGS:--pl discovery-agent -am}"
cd "$root"
# shellcheck disable=SC2086
$MVN $MVN_ARGS test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
cp="discovery-agent/target/test-classes:discovery-agent/target/classes:$(cat discovery-agent/target/bench-classpath.txt)"
# shellcheck disable=SC2086
exec java -Xmx2g ${JAVA_OPTS:-} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" io.clusterdns.agent.bench.SyncBenchmarkMain "$@"
