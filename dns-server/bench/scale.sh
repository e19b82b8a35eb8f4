#!/usr/bin/env bash
# Memory and update latency at cluster scale (never run by the tests): ScaleBenchmark in its own
# JVM per cluster size, so that the RSS it reports is that cluster's. Prints one Markdown table row
# per run (the table in dns-server/README.md).
#
# Usage (from anywhere):
#   dns-server/bench/scale.sh                       # 10k and 50k services, 5 endpoints each, pods disabled and verified
#   SIZES="1000 10000" PODS="disabled" dns-server/bench/scale.sh
# Environment:
#   SIZES       numbers of services (default "10000 50000")
#   ENDPOINTS   ready endpoints per service (default 5)
#   PODS        pod modes to measure: "disabled" (no Pod watch, the default) and/or "verified" (default both)
#   REPS        incremental changes timed per run (default 2000; the first quarter is JIT warm-up)
#   XMX         heap limit per size, "SIZE:LIMIT ..." (default "10000:128m 50000:400m"; others 1g;
#               doubled for pods verified)
#   JAVA_OPTS   more JVM flags (default "-XX:+UseSerialGC": what the JVM picks by itself in a pod
#               limited to less than 2 CPUs or 1792 MiB, such as CoreDNS's 170Mi)
#   MVN         the Maven command (default "mvn -B -q")
#   MVN_ARGS    what to build (default "-pl dns-server -am")
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=server.sh
. "$root/dns-server/bench/server.sh"
bench_args "$root/dns-server/bench/scale.sh" "$@"
MVN="${MVN:-mvn -B -q}"
MVN_ARGS="${MVN_ARGS:--pl dns-server -am}"
SIZES="${SIZES:-10000 50000}"
for n in $SIZES; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "scale.sh: SIZES must be numbers of services, not '$n'" >&2; exit 2; }
done
ENDPOINTS="${ENDPOINTS:-5}"
PODS="${PODS:-disabled verified}"
REPS="${REPS:-2000}"
XMX="${XMX:-10000:128m 50000:400m}"
JAVA_OPTS="${JAVA_OPTS--XX:+UseSerialGC}"
cd "$root"
# shellcheck disable=SC2086
$MVN $MVN_ARGS test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/scale-classpath.txt -Dmdep.includeScope=test
cp="dns-server/target/test-classes:dns-server/target/classes:$(cat dns-server/target/scale-classpath.txt)"

xmx_for() {
  for pair in $XMX; do
    if [ "${pair%%:*}" = "$1" ]; then echo "${pair#*:}"; return; fi
  done
  echo 1g
}

echo "| services | endpoints | pods | heap after GC (snapshot + index) | RSS | CoreDNS formula | first snapshot | first index | service change p50 / p99 (apply + index p50) | slice change p50 / p99 (apply + index p50) |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for size in $SIZES; do
  for pods in $PODS; do
    heap="$(xmx_for "$size")"
    # pods verified keeps 5 records more per service: give it twice the heap
    [ "$pods" = verified ] && heap="$(( ${heap%[mg]} * 2 ))${heap: -1}"
    # shellcheck disable=SC2086
    java -Xms64m -Xmx"$heap" $JAVA_OPTS -cp "$cp" io.clusterdns.server.bench.ScaleBenchmark \
      --services "$size" --endpoints "$ENDPOINTS" --pods "$pods" --repetitions "$REPS" | sed -n '2p'
  done
done
