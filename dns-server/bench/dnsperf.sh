#!/usr/bin/env bash
# Load test of the packaged server with dnsperf (never run by the tests). Serves k8s/examples on
# 127.0.0.1 (a free port), warms the JVM up, then runs dnsperf for DURATION seconds over a mix of
# A, AAAA, SRV, PTR and NXDOMAIN questions about the example cluster (cluster-queries.txt, one
# dnsperf query a line), prints QPS, latency, the server's CPU time per query and the load average
# at the end, and stops the server it started (by its PID). The CPU time per query is the figure
# to compare on a shared machine: the QPS moves with whatever else runs. forward.sh measures the
# same mix through a kubeadm-like Corefile.
#
# Usage: dns-server/bench/dnsperf.sh
# Environment (defaults suit a 2-core machine, where dnsperf and the server share the CPUs):
#   DURATION=20   measured seconds          WARMUP=5      seconds of warm-up load first
#   CLIENTS=4     dnsperf -c (sockets)      OUTSTANDING=200  dnsperf -q
#   THREADS=1     dnsperf -T                QPS=          dnsperf -Q cap (empty = as fast as possible)
#   UDP_SOCKETS=0 server --udp-sockets (0 = one per CPU)   JAVA_OPTS=  extra JVM options
#   MVN           Maven command used when the jar must be built (default "mvn -B -q")
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="$root/dns-server/target/clusterdns-dns-server.jar"
DURATION="${DURATION:-20}" WARMUP="${WARMUP:-5}" CLIENTS="${CLIENTS:-4}" OUTSTANDING="${OUTSTANDING:-200}"
THREADS="${THREADS:-1}" QPS="${QPS:-}" UDP_SOCKETS="${UDP_SOCKETS:-0}" JAVA_OPTS="${JAVA_OPTS:-}"

# shellcheck source=server.sh
. "$root/dns-server/bench/server.sh"
bench_args "$root/dns-server/bench/dnsperf.sh" "$@"
dnsperf_bench

start_server "$work/server.log" --manifests "$root/k8s/examples" --listen 127.0.0.1:0 --udp-sockets "$UDP_SOCKETS" \
  --zone cluster.local --zone in-addr.arpa --zone ip6.arpa --health off --ready off --metrics off

server_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; } # utime + stime, clock ticks
common=(-s 127.0.0.1 -p "$port" -d "$root/dns-server/bench/cluster-queries.txt" -c "$CLIENTS" -q "$OUTSTANDING" -T "$THREADS")
[ -n "$QPS" ] && common+=(-Q "$QPS")
dnsperf "${common[@]}" -l "$WARMUP" >/dev/null
echo "dnsperf ${common[*]} -l $DURATION   ($(nproc) CPUs, $(java -version 2>&1 | head -1))"
ticks0="$(server_ticks)"
result="$(dnsperf "${common[@]}" -l "$DURATION")"
ticks1="$(server_ticks)"
printf '%s\n' "$result" | grep -E 'Queries (sent|completed|lost)|Response codes|Queries per second|Average Latency|Latency StdDev'
# CPU time (user + system) of the server process during the measured run.
completed="$(printf '%s\n' "$result" | sed -n 's/^ *Queries completed: *\([0-9]*\).*/\1/p')"
awk -v t="$((ticks1 - ticks0))" -v hz="$(getconf CLK_TCK)" -v n="$completed" -v d="$DURATION" \
  'BEGIN { printf "  Server CPU:           %.2f s (%.0f%% of one CPU), %.1f us per completed query\n", t / hz, 100 * t / hz / d, 1e6 * t / hz / n }'
echo "load average at the end (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg)"
