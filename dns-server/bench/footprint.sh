#!/usr/bin/env bash
# RSS of the packaged server holding a cluster (never run by the tests): the issue's footprint
# figures. The server restarts from a persisted snapshot of the cluster with the API server
# unreachable (--master http://127.0.0.1:1 --snapshot-file F), which is the state a live server
# holds once synced, without an API server or the sync's own garbage (bench/live-memory.sh measures
# that). Clusters: the synthetic ones of vs-knot.sh (SyntheticCluster.java: 3 endpoints per service,
# one in ten headless, ExternalName and dual-stack ones) with `pods disabled`, and
# ManifestLoadBenchmark's (services selecting 3 Running and Ready Pods each; every tenth with its
# own EndpointSlice instead, naming Pods of its own: 150,000 Pods) with `--pods verified`. Per row: the time from exec to the first
# correct answer, VmRSS then, VmRSS SETTLE seconds later (after the server's own collection and
# trim, see "Memory" in dns-server/README.md), and the peak (VmHWM). One Markdown row per cluster,
# JVM flag set and jar, so that a build before a change and one after are measured in one run.
#
# Usage (from anywhere; builds the jar and the test classes when missing):
#   dns-server/bench/footprint.sh
#   BASELINE_JAR=/tmp/before.jar BASELINE_FLAGS="..." dns-server/bench/footprint.sh
# Environment:
#   CLUSTERS       any of 5k, 50k, 50k-pods (default all three)
#   FLAGS          any of image (the Dockerfile's JAVA_TOOL_OPTIONS and MALLOC_ARENA_MAX plus
#                  -XX:MaxRAM=$LIMIT, as in a container with that memory limit) and plain
#                  (java -jar, no flags) (default both)
#   LIMIT          the container memory limit the image's flags are sized for (default 768m)
#   BASELINE_JAR   another build, measured first in every pair of rows
#   BASELINE_FLAGS the image flags for BASELINE_JAR (default: the Dockerfile's)
#   SETTLE         seconds between the first answer and the second RSS (default 20)
#   KEEP           1 = keep the generated clusters in $CACHE (default /tmp/clusterdns-footprint)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
CLUSTERS="${CLUSTERS:-5k 50k 50k-pods}"
FLAGS="${FLAGS:-image plain}"
LIMIT="${LIMIT:-768m}"
SETTLE="${SETTLE:-20}"
CACHE="${CACHE:-/tmp/clusterdns-footprint}"
jar="$root/dns-server/target/clusterdns-dns-server.jar"
image_opts="$(sed -n 's/^ENV JAVA_TOOL_OPTIONS="\(.*\)"$/\1/p' "$root/dns-server/Dockerfile")"
image_env="$(sed -n 's/^ENV MALLOC_ARENA_MAX=\([0-9]*\)$/\1/p' "$root/dns-server/Dockerfile")"
BASELINE_FLAGS="${BASELINE_FLAGS:-$image_opts}"
# shellcheck source=server.sh
. "$root/dns-server/bench/server.sh"
bench_args "$root/dns-server/bench/footprint.sh" "$@"
command -v dig >/dev/null || { echo "dig is not installed (Debian: apt-get install bind9-dnsutils)" >&2; exit 1; }
cd "$root"
if [ ! -f "$jar" ] || [ ! -f dns-server/target/scale-classpath.txt ]; then
  ${MVN:-mvn -B -q -o} -pl dns-server -am -DskipTests package dependency:build-classpath \
    -Dmdep.outputFile=target/scale-classpath.txt -Dmdep.includeScope=test
fi
server_pid=""
work="$(mktemp -d)"
trap 'stop_pid "$server_pid"; rm -rf "$work"; [ -n "${KEEP:-}" ] || rm -rf "$CACHE"' EXIT
mkdir -p "$CACHE"

# cluster NAME: writes $CACHE/NAME.snapshot (once) and prints the probe name
cluster() {
  local services="${1%%k*}000" snapshot="$CACHE/$1.snapshot"
  if [ "$1" = 50k-pods ]; then
    if [ ! -f "$snapshot" ]; then
      java -Xmx3g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
        -cp "dns-server/target/test-classes:dns-server/target/classes:$(cat dns-server/target/scale-classpath.txt)" \
        io.clusterdns.server.bench.ManifestLoadBenchmark --services 50000 --endpoints 3 --dir "$CACHE/m$1" >/dev/null
      java -Xmx3g -cp "$jar" dns-server/bench/SnapshotFromManifests.java "$CACHE/m$1" "$snapshot" >&2
    fi
    echo "svc-49999.ns-99.svc.cluster.local."
    return
  fi
  if [ ! -f "$snapshot" ]; then
    java dns-server/bench/SyntheticCluster.java --services "$services" --out "$CACHE/s$1" >/dev/null
    java -Xmx3g -cp "$jar" dns-server/bench/SnapshotFromManifests.java "$CACHE/s$1/manifests" "$snapshot" >&2
  fi
  cut -d' ' -f1 "$CACHE/s$1/ready.txt"
}

rss_mib() { awk -v k="$2:" '$1 == k { printf "%d", $2 / 1024 }' "/proc/$1/status"; }

# measure LABEL JAR CLUSTER FLAGSET IMAGE_OPTS: prints one row
measure() {
  local label="$1" jar="$2" name="$3" flagset="$4" opts="$5" probe port t0 t1 rss1 rss2 hwm out pods=""
  probe="$(cluster "$name")"
  [ "$name" = 50k-pods ] && pods="--pods verified"
  cp "$CACHE/$name.snapshot" "$work/snapshot"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  local args=(--master http://127.0.0.1:1 --snapshot-file "$work/snapshot" --listen "127.0.0.1:$port"
              --health 127.0.0.1:0 --ready 127.0.0.1:0 --metrics 127.0.0.1:0)
  t0="$(date +%s%N)"
  if [ "$flagset" = image ]; then
    # shellcheck disable=SC2086
    MALLOC_ARENA_MAX="$image_env" JAVA_TOOL_OPTIONS="$opts -XX:MaxRAM=$LIMIT" java -jar "$jar" "${args[@]}" $pods >"$work/server.log" 2>&1 &
  else
    # shellcheck disable=SC2086
    java -jar "$jar" "${args[@]}" $pods >"$work/server.log" 2>&1 &
  fi
  server_pid=$!
  while :; do
    out="$(dig +short +tries=1 +time=1 -p "$port" @127.0.0.1 "$probe" A 2>/dev/null || true)"
    echo "$out" | grep -qE '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$' && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.05
  done
  t1="$(date +%s%N)"
  rss1="$(rss_mib "$server_pid" VmRSS)"
  sleep "$SETTLE"
  rss2="$(rss_mib "$server_pid" VmRSS)"
  hwm="$(rss_mib "$server_pid" VmHWM)"
  stop_pid "$server_pid"
  server_pid=""
  printf "| %s | %s | %s | %.2f | %s | %s | %s | %s |\n" "$label" "$name" "$flagset" \
    "$(echo "($t1 - $t0) / 1000000000" | bc -l)" "$rss1" "$rss2" "$hwm" "$(cut -d' ' -f1-3 /proc/loadavg)"
}

echo "| build | cluster | JVM flags | first answer after exec (s) | RSS at first answer (MiB) | RSS ${SETTLE} s later (MiB) | peak RSS (MiB) | load average |"
echo "|---|---|---|---:|---:|---:|---:|---|"
for name in $CLUSTERS; do
  for flagset in $FLAGS; do
    [ -n "${BASELINE_JAR:-}" ] && measure baseline "$BASELINE_JAR" "$name" "$flagset" "$BASELINE_FLAGS"
    measure this "$jar" "$name" "$flagset" "$image_opts"
  done
done
echo "JVM: $(java -version 2>&1 | head -1)"
