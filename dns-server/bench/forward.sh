#!/usr/bin/env bash
# Load test of forwarding and caching with dnsperf (never run by the tests). Starts dnsmasq on a
# loopback address as the upstream (it answers A for every name under ext.test with 192.0.2.1,
# TTL 0, and REFUSED for anything else), then the packaged server with kubeadm's Corefile
# (src/test/resources/corefiles/kubeadm.Corefile) changed only where it must to run here:
#   .:53 -> .:0 (a free port)                      health, ready, prometheus -> 127.0.0.1:0
#   forward . /etc/resolv.conf -> forward . DNSMASQ_ADDR:PORT (the dnsmasq started here)
#   "manifests k8s/examples" added to the kubernetes block (this tree's example cluster)
# errors, loop, reload, loadbalance, cache 30 { disable ... cluster.local } stay as in kubeadm.
# Then for each scenario: WARMUP seconds of load, DURATION measured seconds (UDP: dnsmasq serves
# one TCP connection at a time), and QPS, latency, the CPU time the server and dnsmasq used per
# query (the figure to compare on a shared machine, where the QPS moves with whatever else runs),
# the load average at the end and what the server's cache and forward counters did during the
# measured run. Stops what it started, by PID; prints the server's [WARNING] and [ERROR] lines, if any.
#
# Scenarios (SCENARIOS, run in the order given, against one server and one dnsmasq):
#   dnsmasq  NAMES distinct names nNNNNNN.ext.test (A) asked of dnsmasq directly: the baseline of miss
#   miss     the same names through the server: each is new to the cache (10,000 entries; dnsmasq's
#            TTL 0 is kept 5 s), so every query is forwarded (see "cache" and "upstream answers")
#   hit      HIT_NAMES names hNNN.ext.test (A) over and over: answered from the cache (a name goes
#            upstream again when its entry expires, every 5 s)
#   cluster  the cluster names of dnsperf.sh (cluster-queries.txt) through the Corefile's chain
# The warm-up of dnsmasq and miss asks other names (wNNNNNN.ext.test), so the measured run starts cold.
#
# Usage: dns-server/bench/forward.sh
# Environment (defaults suit a 2-core machine, where dnsperf, the server and dnsmasq share the CPUs):
#   SCENARIOS="dnsmasq miss hit cluster"    NAMES=200000  distinct names (dnsmasq, miss)
#   HIT_NAMES=100  names of hit             DNSMASQ_ADDR=127.0.0.2  dnsmasq's address (port: a free one)
#   DURATION=20   measured seconds          WARMUP=5      seconds of warm-up load first
#   CLIENTS=4     dnsperf -c (sockets)      OUTSTANDING=200  dnsperf -q
#   THREADS=1     dnsperf -T                QPS=          dnsperf -Q cap (empty = as fast as possible)
#   UDP_SOCKETS=0 server --udp-sockets (0 = one per CPU)   JAVA_OPTS=  extra JVM options
#   MVN           Maven command used when the jar must be built (default "mvn -B -q")
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="$root/dns-server/target/clusterdns-dns-server.jar"
kubeadm="$root/dns-server/src/test/resources/corefiles/kubeadm.Corefile"
SCENARIOS="${SCENARIOS:-dnsmasq miss hit cluster}" NAMES="${NAMES:-200000}" HIT_NAMES="${HIT_NAMES:-100}"
DNSMASQ_ADDR="${DNSMASQ_ADDR:-127.0.0.2}"
DURATION="${DURATION:-20}" WARMUP="${WARMUP:-5}" CLIENTS="${CLIENTS:-4}" OUTSTANDING="${OUTSTANDING:-200}"
THREADS="${THREADS:-1}" QPS="${QPS:-}" UDP_SOCKETS="${UDP_SOCKETS:-0}" JAVA_OPTS="${JAVA_OPTS:-}"

for s in $SCENARIOS; do
  case "$s" in dnsmasq|miss|hit|cluster) ;; *) echo "SCENARIOS: unknown scenario '$s' (dnsmasq, miss, hit, cluster)" >&2; exit 2 ;; esac
done
# shellcheck source=server.sh
. "$root/dns-server/bench/server.sh"
bench_args "$root/dns-server/bench/forward.sh" "$@"
command -v dnsperf >/dev/null || { echo "dnsperf is not installed (Debian: apt-get install dnsperf)" >&2; exit 1; }
command -v dnsmasq >/dev/null || [ -x /usr/sbin/dnsmasq ] || { echo "dnsmasq is not installed (Debian: apt-get install dnsmasq-base)" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is not installed (it reads the server's /metrics)" >&2; exit 1; }
dnsmasq_bin="$(command -v dnsmasq || echo /usr/sbin/dnsmasq)"
if [ ! -f "$jar" ]; then
  echo "building $jar" >&2
  (cd "$root" && ${MVN:-mvn -B -q} -DskipTests package)
fi

work="$(mktemp -d)"
server_pid="" dnsmasq_pid=""
stop() { # PID: TERM, then wait for it
  if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
    kill "$1"
    wait "$1" 2>/dev/null || true
  fi
}
cleanup() {
  stop "$server_pid" # lameduck 5s: takes about 5 s
  stop "$dnsmasq_pid"
  rm -rf "$work"
}
trap cleanup EXIT

# The queries: distinct names for dnsmasq/miss, others for their warm-up, a few for hit.
seq -f 'n%06g.ext.test A' 0 $((NAMES - 1)) >"$work/miss.txt"
seq -f 'w%06g.ext.test A' 0 $((NAMES - 1)) >"$work/miss-warmup.txt"
seq -f 'h%03g.ext.test A' 0 $((HIT_NAMES - 1)) >"$work/hit.txt"

# dnsmasq on a free port: try random ones until one binds.
dnsmasq_port=""
for _ in $(seq 1 20); do
  p=$((20000 + RANDOM % 40000))
  : >"$work/dnsmasq.log"
  "$dnsmasq_bin" --keep-in-foreground --conf-file=/dev/null --pid-file= --no-resolv --no-hosts \
    --listen-address="$DNSMASQ_ADDR" --bind-interfaces --port="$p" --address=/ext.test/192.0.2.1 \
    --log-facility="$work/dnsmasq.log" >"$work/dnsmasq.out" 2>&1 &
  dnsmasq_pid=$!
  for _ in $(seq 1 50); do
    grep -q 'started, version' "$work/dnsmasq.log" && break
    kill -0 "$dnsmasq_pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$dnsmasq_pid" 2>/dev/null && grep -q 'started, version' "$work/dnsmasq.log"; then
    dnsmasq_port="$p"
    break
  fi
  stop "$dnsmasq_pid"
  dnsmasq_pid=""
  grep -q 'Address already in use' "$work/dnsmasq.out" || { echo "dnsmasq did not start:" >&2; cat "$work/dnsmasq.out" "$work/dnsmasq.log" >&2; exit 1; }
done
[ -n "$dnsmasq_port" ] || { echo "dnsmasq found no free port on $DNSMASQ_ADDR" >&2; exit 1; }
echo "dnsmasq $("$dnsmasq_bin" --version | head -1 | sed 's/^Dnsmasq version \([^ ]*\).*/\1/') on $DNSMASQ_ADDR:$dnsmasq_port (pid $dnsmasq_pid)"

# kubeadm's Corefile, adapted; every change must have happened.
sed -e 's/^\.:53 {$/.:0 {/' \
  -e 's/^\( *\)health {$/\1health 127.0.0.1:0 {/' \
  -e 's/^\( *\)ready$/\1ready 127.0.0.1:0/' \
  -e 's/^\( *\)prometheus :9153$/\1prometheus 127.0.0.1:0/' \
  -e "s|^\\( *\\)forward \\. /etc/resolv.conf {\$|\\1forward . $DNSMASQ_ADDR:$dnsmasq_port {|" \
  -e "s|^\\( *\\)kubernetes cluster.local in-addr.arpa ip6.arpa {\$|&\\n\\1   manifests $root/k8s/examples|" \
  "$kubeadm" >"$work/Corefile"
for want in '^\.:0 {$' 'health 127\.0\.0\.1:0 {$' 'ready 127\.0\.0\.1:0$' 'prometheus 127\.0\.0\.1:0$' \
  "forward \\. $DNSMASQ_ADDR:$dnsmasq_port {\$" "manifests $root/k8s/examples\$"; do
  grep -q -- "$want" "$work/Corefile" || { echo "cannot adapt $kubeadm: no line matches $want" >&2; exit 1; }
done
echo "Corefile: $kubeadm with these changes:"
diff "$kubeadm" "$work/Corefile" | grep '^[<>]' | sed 's/^/  /' || true

start_server "$work/server.log" -conf "$work/Corefile" --udp-sockets "$UDP_SOCKETS"
metrics="$(sed -n 's|.*/metrics \(127\.0\.0\.1:[0-9]*\).*|\1|p' "$work/server.log")"
echo "dnsperf -m udp -c $CLIENTS -q $OUTSTANDING -T $THREADS${QPS:+ -Q $QPS}, $WARMUP s warm-up, $DURATION s measured   ($(nproc) CPUs shared by dnsperf, the server and dnsmasq; $(java -version 2>&1 | head -1))"

# The sum of a counter's series in a /metrics text.
counter() { awk -v n="$1" '$1 == n || index($1, n "{") == 1 { s += $NF } END { printf "%d", s }' "$2"; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # CPU time (user + system) of a PID, clock ticks
# "NAME: S s (P% of one CPU), U us per completed query" for a tick count
cpu() { awk -v name="$1" -v t="$2" -v hz="$(getconf CLK_TCK)" -v n="$3" -v d="$DURATION" \
  'BEGIN { printf "%s %.2f s (%.0f%% of one CPU), %.1f us per completed query", name, t / hz, 100 * t / hz / d, 1e6 * t / hz / n }'; }

for s in $SCENARIOS; do
  case "$s" in
    dnsmasq) to=("$DNSMASQ_ADDR" "$dnsmasq_port") data="$work/miss.txt" warm="$work/miss-warmup.txt" ;;
    miss) to=(127.0.0.1 "$port") data="$work/miss.txt" warm="$work/miss-warmup.txt" ;;
    hit) to=(127.0.0.1 "$port") data="$work/hit.txt" warm="$work/hit.txt" ;;
    cluster) to=(127.0.0.1 "$port") data="$root/dns-server/bench/cluster-queries.txt" warm="$data" ;;
  esac
  common=(-m udp -s "${to[0]}" -p "${to[1]}" -c "$CLIENTS" -q "$OUTSTANDING" -T "$THREADS")
  [ -n "$QPS" ] && common+=(-Q "$QPS")
  echo "== $s: dnsperf ${common[*]} -d $(basename "$data") -l $DURATION"
  dnsperf "${common[@]}" -d "$warm" -l "$WARMUP" >/dev/null
  curl -fsS "http://$metrics/metrics" >"$work/before.prom"
  s0="$(ticks "$server_pid")" m0="$(ticks "$dnsmasq_pid")"
  result="$(dnsperf "${common[@]}" -d "$data" -l "$DURATION")"
  s1="$(ticks "$server_pid")" m1="$(ticks "$dnsmasq_pid")"
  curl -fsS "http://$metrics/metrics" >"$work/after.prom"
  printf '%s\n' "$result" | grep -E 'Queries (sent|completed|lost)|Response codes|Queries per second|Average Latency|Latency StdDev'
  completed="$(printf '%s\n' "$result" | sed -n 's/^ *Queries completed: *\([0-9]*\).*/\1/p')"
  echo "  $(cpu 'CPU: server' $((s1 - s0)) "$completed"); $(cpu 'dnsmasq' $((m1 - m0)) "$completed")"
  echo "  load average at the end (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ "$s" != dnsmasq ]; then
    d() { echo $(($(counter "$1" "$work/after.prom") - $(counter "$1" "$work/before.prom"))); }
    echo "  server during the run: cache hits $(d coredns_cache_hits_total), misses $(d coredns_cache_misses_total);" \
      "upstream answers $(d coredns_proxy_request_duration_seconds_count), max_concurrent rejects $(d coredns_forward_max_concurrent_rejects_total)," \
      "health check failures $(d coredns_proxy_healthcheck_failures_total)"
  fi
done

problems="$(grep -E '^\[(WARNING|ERROR)\]' "$work/server.log" || true)"
if [ -n "$problems" ]; then
  echo "server log: $(printf '%s\n' "$problems" | wc -l) [WARNING]/[ERROR] lines, the first 10:"
  printf '%s\n' "$problems" | head -10 | cut -c1-300
fi
