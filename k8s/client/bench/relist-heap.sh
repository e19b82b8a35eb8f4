#!/usr/bin/env bash
# Live heap of the informer source through its first list and through a relist after an API outage
# (never run by the tests): RelistHeapBenchmark in its own JVM per page size, against
# BenchApiServerMain (a generated cluster of N Services and N EndpointSlices) in a child JVM.
# Prints a Markdown table row per run (the table in k8s/client/README.md) and, per run, where the
# memory is at each peak (class histogram grouped by owner, top classes).
#
# Usage (from anywhere):
#   k8s/client/bench/relist-heap.sh                      # 50k services, unpaged (before) and pages of 500 (after)
#   SERVICES=10000 PAGE_SIZES=500 k8s/client/bench/relist-heap.sh
# Environment:
#   SERVICES    services (each with one EndpointSlice), default 50000
#   ENDPOINTS   ready endpoints per slice (default 5)
#   PAGE_SIZES  list page sizes to measure, 0 = one unpaged list (default "0 500")
#   CHURN       services deleted and created, and slices changed, during the outage (default 500)
#   XMX         source JVM heap limit (default 1g: room for the unpaged run; the figures are live heap)
#   JAVA_OPTS   more JVM flags (default "-XX:+UseSerialGC", what the JVM picks in a small pod)
#   MVN         the Maven command (default "mvn -B -q -o")
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
MVN="${MVN:-mvn -B -q -o}"
SERVICES="${SERVICES:-50000}"
ENDPOINTS="${ENDPOINTS:-5}"
PAGE_SIZES="${PAGE_SIZES:-0 500}"
CHURN="${CHURN:-500}"
XMX="${XMX:-1g}"
JAVA_OPTS="${JAVA_OPTS--XX:+UseSerialGC}"
cd "$root"
# shellcheck disable=SC2086
$MVN -pl k8s/client -am test-compile
target="$root/k8s/client/target"
cp="$target/test-classes:$target/classes:$(cat "$target/mock-apiserver.classpath")"
cd "$root/k8s/client"   # the API server's log: k8s/client/target/bench-apiserver.log
for size in $PAGE_SIZES; do
  # shellcheck disable=SC2086
  java -Xmx"$XMX" $JAVA_OPTS -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" \
    io.clusterdns.k8s.bench.RelistHeapBenchmark --services "$SERVICES" --endpoints "$ENDPOINTS" --page-size "$size" --churn "$CHURN"
  echo
done
