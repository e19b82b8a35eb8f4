#!/usr/bin/env bash
# Live mode under CoreDNS's memory limit (never run by the tests): the packaged server follows an
# API server holding SERVICES Services and as many EndpointSlices (k8s/client's
# BenchApiServerMain in a child JVM: generated objects as the API server returns them, managed
# fields included, served in the pages the informers ask for), with the JVM sized as in a pod
# limited to 170Mi (-XX:MaxRAM=170m). Through the first sync and then LOAD seconds of dnsperf it
# records the process's RSS (peak = VmHWM), the heap before and after each collection (GC log),
# whether an OutOfMemoryError happened, and how long after the API server sent the last page of
# its lists the first correct answer came. One Markdown row per jar (JARS), so a build before a
# change and one after are measured in the same run.
#
# Usage (from anywhere; builds the jar and k8s/client's test classes when missing):
#   dns-server/bench/live-memory.sh
#   JARS="/tmp/before.jar dns-server/target/clusterdns-dns-server.jar" dns-server/bench/live-memory.sh
#   SERVICES=50000 LIMIT=768m dns-server/bench/live-memory.sh
#   HISTOGRAMS=1 dns-server/bench/live-memory.sh    # also: class histogram at the largest heap seen during sync
# Environment:
#   SERVICES    services, each with one EndpointSlice (default 5000; one in five headless)
#   ENDPOINTS   ready endpoints per slice (default 5)
#   PODS        1 = the API server also serves a Running and Ready Pod per endpoint (the
#               endpoint's targetRef) and the server runs with --pods verified (default 0)
#   JARS        server jars to measure, one row each (default dns-server/target/clusterdns-dns-server.jar)
#   LIMIT       the container memory limit the JVM is sized for, -XX:MaxRAM (default 170m, the
#               Deployment's 170Mi; 5,000 services fit it, 50,000 need 768m)
#   JVM_FLAGS   the JVM's flags (default: the image's JAVA_TOOL_OPTIONS and MALLOC_ARENA_MAX,
#               dns-server/Dockerfile, plus -XX:MaxRAM=$LIMIT).
#               Several sets separated by ";" give one row each (per jar); words such as
#               MALLOC_ARENA_MAX=2 are set in the server's environment instead, and JAVA=PATH runs
#               that java (e.g. JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java)
#   LOAD        seconds of dnsperf after the first answer (default 10; 0 = none)
#   QPS         dnsperf -Q cap (default empty: as fast as it goes)
#   SETTLE      seconds after the load before the settled RSS is read (default 25: the server
#               collects and trims a second after its first complete snapshot; 0 = not read)
#   HISTOGRAMS  1 = take GC.class_histogram every 0.5 s until the first answer and print the
#               largest one's top classes (each forces a full GC: the timings are then not comparable)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
SERVICES="${SERVICES:-5000}"
ENDPOINTS="${ENDPOINTS:-5}"
JARS="${JARS:-$root/dns-server/target/clusterdns-dns-server.jar}"
image_opts="$(sed -n 's/^ENV JAVA_TOOL_OPTIONS="\(.*\)"$/\1/p' "$root/dns-server/Dockerfile")"
image_env="$(sed -n 's/^ENV \(MALLOC_ARENA_MAX=[0-9]*\)$/\1/p' "$root/dns-server/Dockerfile")"
LIMIT="${LIMIT:-170m}"
JVM_FLAGS="${JVM_FLAGS:-$image_env $image_opts -XX:MaxRAM=$LIMIT}"
LOAD="${LOAD:-10}"
QPS="${QPS:-}"
HISTOGRAMS="${HISTOGRAMS:-0}"
SETTLE="${SETTLE:-25}"
PODS="${PODS:-0}"
case "$PODS" in 0) api_pods="" server_pods=() ;; 1) api_pods=pods server_pods=(--pods verified) ;;
  *) echo "live-memory.sh: PODS must be 0 or 1, not '$PODS'" >&2; exit 2 ;; esac
# shellcheck source=server.sh
. "$root/dns-server/bench/server.sh"
bench_args "$root/dns-server/bench/live-memory.sh" "$@"
command -v dnsperf >/dev/null || { echo "dnsperf is not installed (Debian: apt-get install dnsperf)" >&2; exit 1; }
command -v dig >/dev/null || { echo "dig is not installed (Debian: apt-get install bind9-dnsutils)" >&2; exit 1; }
k8s_target="$root/k8s/client/target"
if [ ! -f "$root/dns-server/target/clusterdns-dns-server.jar" ] || [ ! -f "$k8s_target/mock-apiserver.classpath" ]; then
  (cd "$root" && ${MVN:-mvn -B -q -o} -pl dns-server -am -DskipTests package)
fi
work="$(mktemp -d)"
# a copy of the API server's classes, so that a build during the run does not change them
mkdir -p "$work/api" && cp -r "$k8s_target/test-classes" "$k8s_target/classes" "$work/api/"
api_cp="$work/api/test-classes:$work/api/classes:$(cat "$k8s_target/mock-apiserver.classpath")"
api_pid="" server_pid="" sampler_pid=""
[ -n "${KEEP:-}" ] && echo "work folder: $work" >&2
trap 'stop_pid "$sampler_pid"; stop_pid "$server_pid"; exec 3>&- 2>/dev/null; stop_pid "$api_pid"; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }

# the queries of the load: every service's A record, one in ten also SRV, and a search-path miss
for ((i = 0; i < SERVICES; i++)); do
  echo "svc-$i.ns-$((i % 100)).svc.cluster.local A"
  if ((i % 10 == 0)); then
    echo "_http._tcp.svc-$i.ns-$((i % 100)).svc.cluster.local SRV"
    echo "svc-$i.ns-$((i % 100)).svc.cluster.local.ns-0.svc.cluster.local A"
  fi
done > "$work/queries.txt"
probe="svc-$((SERVICES - 1)).ns-$(((SERVICES - 1) % 100)).svc.cluster.local"

# an API server process per row: each server starts against a fresh, unlisted cluster
start_api() {
  mkfifo "$work/api.in"
  java -Xmx1g -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$api_cp" \
    io.clusterdns.k8s.bench.BenchApiServerMain "$SERVICES" "$ENDPOINTS" $api_pods <"$work/api.in" >"$work/api.out" 2>"$work/api.log" &
  api_pid=$!
  exec 3>"$work/api.in"
  for _ in $(seq 1 600); do
    api_url="$(sed -n 's/^READY //p' "$work/api.out")"
    [ -n "$api_url" ] && return
    kill -0 "$api_pid" 2>/dev/null || { cat "$work/api.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "the API server did not start within 60 s" >&2; exit 1
}
stop_api() {
  echo quit >&3
  exec 3>&-
  wait "$api_pid" 2>/dev/null || true
  api_pid=""
  rm -f "$work/api.in" "$work/api.out"
}
# the epoch ms at which the API server sent the last page of all its lists
api_listed() {
  local before line
  before="$(wc -l <"$work/api.out")"
  echo listed >&3
  for _ in $(seq 1 100); do
    line="$(sed -n "$((before + 1)),\$p" "$work/api.out" | grep '^LISTED' || true)"
    [ -n "$line" ] && break
    sleep 0.05
  done
  echo "$line" | awk -F'[= ]' '{ m = $3 > $5 ? $3 : $5; print (m > $7 ? m : $7) }'
}
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null || true; }
# largest "before" and last "after" heap of the unified GC log's pause lines, in MB
gc_figures() {
  grep -o '[0-9]*M->[0-9]*M([0-9]*M)' "$1" | sed 's/M->/ /; s/M(/ /; s/M)//' | awk '
    { if ($1 > peak) peak = $1; after = $2 }
    END { printf "%d %d %d", peak, after, NR }'
}

echo "| jar | JVM flags | OOM | peak heap used (before GC) | heap after last GC | peak RSS through sync | peak RSS through sync + load | RSS ${SETTLE} s after the load | synced after start | first answer after the last list page | load QPS |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
IFS=';' read -r -a flag_sets <<<"$JVM_FLAGS"
for jar in $JARS; do
for flags in "${flag_sets[@]}"; do
  env_words=() jvm_words=() java_bin=java
  for w in $flags; do
    if [[ "$w" =~ ^JAVA= ]]; then java_bin="${w#JAVA=}"
    elif [[ "$w" =~ ^[A-Z_]+= ]]; then env_words+=("$w")
    else jvm_words+=("$w"); fi
  done
  start_api
  port="$(free_port)"
  # no snapshot persisted by the row before: each server starts from nothing
  rm -rf "$work/gc.log" "$work/rss.txt" "$work/snapshot"
  : >"$work/server.log"
  env "${env_words[@]}" "$java_bin" "${jvm_words[@]}" -Xlog:gc:file="$work/gc.log" -jar "$jar" --master "$api_url" --listen "127.0.0.1:$port" \
    --health "127.0.0.1:$(free_port)" --ready "127.0.0.1:$(free_port)" --metrics "127.0.0.1:$(free_port)" \
    --snapshot-file "$work/snapshot" --startup-timeout 60s "${server_pods[@]}" >"$work/server.log" 2>&1 &
  server_pid=$!
  (while kill -0 "$server_pid" 2>/dev/null; do status_kb "$server_pid" VmRSS >>"$work/rss.txt"; sleep 0.05; done) &
  sampler_pid=$!
  answered="" biggest=0
  for _ in $(seq 1 1200); do
    kill -0 "$server_pid" 2>/dev/null || break
    if grep -q OutOfMemoryError "$work/server.log"; then break; fi
    if [ "$HISTOGRAMS" = 1 ]; then
      jcmd "$server_pid" GC.class_histogram >"$work/histo.now" 2>/dev/null || true
      total="$(awk '$1 == "Total" { print $3 }' "$work/histo.now")"
      if [ -n "$total" ] && [ "$total" -gt "$biggest" ]; then biggest="$total"; cp "$work/histo.now" "$work/histo.peak"; fi
    fi
    if dig +short +tries=1 +time=1 -p "$port" @127.0.0.1 "$probe" A 2>/dev/null | grep -q '^10\.'; then
      answered="$(now_ms)"
      break
    fi
    sleep 0.05
  done
  sync_hwm="$(status_kb "$server_pid" VmHWM)"
  qps="-"
  if [ -n "$answered" ] && [ "$LOAD" -gt 0 ]; then
    qps="$(dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries.txt" -l "$LOAD" -c 4 -q 200 ${QPS:+-Q "$QPS"} 2>&1 \
      | awk '/Queries per second/ { printf "%d", $4 }')"
  fi
  total_hwm="$(status_kb "$server_pid" VmHWM)"
  settled="-"
  if [ -n "$answered" ] && [ "$SETTLE" -gt 0 ]; then
    sleep "$SETTLE"
    settled="$(status_kb "$server_pid" VmRSS)"
    [ -n "$settled" ] && settled="$((settled / 1024)) MiB"
  fi
  oom=no
  grep -q OutOfMemoryError "$work/server.log" && oom=YES
  listed="$(api_listed)"
  synced="$(sed -n 's/.*Kubernetes API synced in \([0-9]*\) ms.*/\1 ms/p' "$work/server.log" | head -1)"
  read -r peak after pauses <<<"$(gc_figures "$work/gc.log")"
  reaction="never"
  if [ -n "$answered" ] && [ "${listed:-0}" -gt 0 ]; then reaction="$((answered - listed)) ms"; fi
  stop_pid "$server_pid"; server_pid=""
  stop_pid "$sampler_pid"; sampler_pid=""
  [ -z "$sync_hwm" ] && sync_hwm="$(sort -n "$work/rss.txt" | tail -1)"
  [ -z "$total_hwm" ] && total_hwm="$sync_hwm"
  echo "| $(basename "$jar") | $(echo "$flags" | sed 's|JAVA=/usr/lib/jvm/\([^/ ]*\)/bin/java|\1|') | $oom | ${peak} MB ($pauses collections) | ${after} MB | $((sync_hwm / 1024)) MiB | $((total_hwm / 1024)) MiB | $settled | ${synced:-never} | $reaction | $qps |"
  if [ "$oom" = YES ]; then grep -m1 -B2 -A12 OutOfMemoryError "$work/server.log" | sed 's/^/    /' >&2; fi
  if [ "$HISTOGRAMS" = 1 ] && [ -f "$work/histo.peak" ]; then
    echo "largest live heap during sync: $((biggest / 1024 / 1024)) MB; top classes:" >&2
    sed -n '3,17p' "$work/histo.peak" >&2
    rm -f "$work/histo.peak"
  fi
  stop_api
done
done
echo "JVM: $(java -version 2>&1 | head -1); $SERVICES services x $ENDPOINTS endpoints$([ "$PODS" = 1 ] && echo ", a Pod each (pods verified)"); load average:$(uptime | sed 's/.*load average://')"
