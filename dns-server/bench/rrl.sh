#!/usr/bin/env bash
# Acceptance figures of the rrl plugin (never run by the tests): the packaged server serves
# k8s/examples on 127.0.0.1 (a free port) behind an rrl line with per-client limits, and two
# dnsperf clients run at the same time from two source addresses (dnsperf -a):
#
#   flood   127.0.0.2 sends cluster names at FLOOD_FACTOR x requests-per-second; 127.0.0.3 sends
#           the same names at NORMAL_QPS. The first is limited, the second must be all answered.
#   nxstorm 127.0.0.2 sends STORM_QPS queries of search-path junk (NAME.example.com.NS.svc.cluster.local,
#           every name different: the ndots:5 NXDOMAIN storm); 127.0.0.3 asks cluster names at
#           NORMAL_QPS. The storm's full NXDOMAIN answers stay within nxdomains-per-second (the rest
#           dropped or slipped as TC=1), memory and the rrl table stay flat, the other client is unaffected.
#
# Prints each dnsperf summary, the server's rrl counters, its table size and resident memory
# before and after, and stops the server it started (by its PID).
#
# Usage: dns-server/bench/rrl.sh [flood|nxstorm|both]   (default both)
# Environment:
#   DURATION=20     seconds per scenario           LIMIT=300     requests-per-second per client (/32)
#   FLOOD_FACTOR=10 the flooder's rate / LIMIT      NORMAL_QPS=100  the other client's rate
#   NX_LIMIT=100    nxdomains-per-second            STORM_QPS=900   the storm's rate (under LIMIT: only the NXDOMAIN limit acts)
#   JAVA_OPTS=      extra JVM options               MVN  Maven command used when the jar must be built
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="$root/dns-server/target/clusterdns-dns-server.jar"
DURATION="${DURATION:-20}" LIMIT="${LIMIT:-300}" FLOOD_FACTOR="${FLOOD_FACTOR:-10}" NORMAL_QPS="${NORMAL_QPS:-100}"
NX_LIMIT="${NX_LIMIT:-100}" STORM_QPS="${STORM_QPS:-900}" JAVA_OPTS="${JAVA_OPTS:-}"
what="${1:-both}"

# shellcheck source=server.sh
. "$root/dns-server/bench/server.sh"
case "$what" in
  flood | nxstorm | both) [ $# -le 1 ] || bench_args "$root/dns-server/bench/rrl.sh" "${@:2}" ;;
  -h | --help) bench_args "$root/dns-server/bench/rrl.sh" "$@" ;;
  *) echo "rrl.sh: unknown scenario '$what': flood, nxstorm or both (--help)" >&2; exit 2 ;;
esac
dnsperf_bench

cat >"$work/Corefile" <<COREFILE
.:0 {
    bind 127.0.0.1
    rrl . {
        ipv4-prefix-length 32
        requests-per-second $LIMIT
        nxdomains-per-second $NX_LIMIT
        slip-ratio 2
        window 5
    }
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        manifests $root/k8s/examples
        fallthrough in-addr.arpa ip6.arpa
    }
    prometheus 127.0.0.1:0
}
COREFILE
start_server "$work/server.log" -conf "$work/Corefile"
metrics="$(sed -n 's|.*/metrics \([0-9.:]*\).*|\1|p' "$work/server.log" | head -1)"

# cluster names that exist (the A, AAAA, SRV and PTR lines of the mix; its NXDOMAIN lines left out)
grep -v -i 'nope\|missing\|nx' "$root/dns-server/bench/cluster-queries.txt" >"$work/names.txt"
# search-path junk: an outside name under each search domain of a pod in namespace default, all different
for i in $(seq 1 50000); do
  for suffix in default.svc.cluster.local svc.cluster.local cluster.local; do
    echo "api-$i.example.com.$suffix A"
  done
done >"$work/junk.txt"

rss() { awk '/^VmRSS/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$server_pid/status"; }
rrl_series() {
  curl -s "http://$metrics/metrics" | grep -E '^(clusterdns_rrl_(limited_total|table_entries|top_clients)|coredns_rrl_)' \
    | grep -v ' 0$' | sed 's/^/    /'
}
summary() { grep -E 'Queries (sent|completed|lost)|Response codes|Queries per second|Average Latency' | sed 's/^/  /'; }

# two dnsperf clients at once; each summary printed under its name
run_pair() {
  local name1="$1" file1="$2" qps1="$3" name2="$4" file2="$5" qps2="$6"
  local common=(-s 127.0.0.1 -p "$port" -l "$DURATION" -t 1 -q 20000)
  echo "  $name1: dnsperf -a 127.0.0.2 -d $(basename "$file1") -Q $qps1 ${common[*]}"
  echo "  $name2: dnsperf -a 127.0.0.3 -d $(basename "$file2") -Q $qps2 ${common[*]}"
  dnsperf -a 127.0.0.2 -d "$file1" -Q "$qps1" "${common[@]}" >"$work/one.txt" 2>&1 &
  local p1=$!
  dnsperf -a 127.0.0.3 -d "$file2" -Q "$qps2" "${common[@]}" >"$work/two.txt" 2>&1 &
  local p2=$!
  wait "$p1" "$p2"
  echo "$name1 (127.0.0.2):"; summary <"$work/one.txt"
  echo "$name2 (127.0.0.3):"; summary <"$work/two.txt"
}

echo "rrl: requests-per-second $LIMIT, nxdomains-per-second $NX_LIMIT per /32, slip-ratio 2, window 5   ($(nproc) CPUs, $(java -version 2>&1 | head -1))"
# warm-up, from another address, below any limit
dnsperf -a 127.0.0.4 -s 127.0.0.1 -p "$port" -d "$work/names.txt" -Q 500 -l 5 >/dev/null
echo "before: resident memory $(rss)"

if [ "$what" = flood ] || [ "$what" = both ]; then
  echo
  echo "== flood: one client at ${FLOOD_FACTOR}x its limit, another at $NORMAL_QPS q/s, for $DURATION s =="
  run_pair flooder "$work/names.txt" "$((LIMIT * FLOOD_FACTOR))" normal "$work/names.txt" "$NORMAL_QPS"
  echo "server: resident memory $(rss); rrl series:"; rrl_series
  sleep 6 # the flooder's debt is at most the window (5 s): the next scenario starts from a clean account
fi
if [ "$what" = nxstorm ] || [ "$what" = both ]; then
  [ "$STORM_QPS" -lt "$LIMIT" ] || echo "note: STORM_QPS $STORM_QPS >= LIMIT $LIMIT: the request limit acts before the NXDOMAIN limit" >&2
  echo
  echo "== NXDOMAIN storm: one client sends $STORM_QPS q/s of search-path junk (all different names), another cluster names at $NORMAL_QPS q/s, for $DURATION s =="
  run_pair storm "$work/junk.txt" "$STORM_QPS" normal "$work/names.txt" "$NORMAL_QPS"
  echo "server: resident memory $(rss); rrl series:"; rrl_series
fi
echo "load average at the end (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg)"
