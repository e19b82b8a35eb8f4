#!/usr/bin/env bash
# clusterdns versus Knot DNS on the same synthetic cluster, in one run (never run by the tests).
# SyntheticCluster.java writes SERVICES services (ClusterIP, headless StatefulSet, ExternalName and
# dual-stack) as manifests for clusterdns and, as zone files, the records clusterdns answers for
# them for Knot; both servers run on 127.0.0.1 pinned to CPU SERVER_CPU (taskset), dnsperf and dig
# pinned to CLIENT_CPU. The script
#   1. starts Knot, then clusterdns, each timed from exec to the first correct answer (dig polls
#      the last service's A record every 10 ms);
#   2. compares both servers' answers (rcode, answer and additional sections) to check.txt's
#      questions (every name and type of 400 services, PTR included) and lists those that differ;
#   3. warms both up (WARMUP s at full speed, then 3 s at LATENCY_QPS, per mix), then ROUNDS
#      times: for each load in turn, every server (Knot, then clusterdns, then the baseline:
#      alternating, so all see the same machine in each round): the hit mix (70% A, 10% SRV,
#      10% AAAA NODATA, 10% search-path NXDOMAIN) and the NXDOMAIN mix at full speed (QPS, and
#      QPS per server core = queries / server CPU seconds from /proc/PID/stat), then both mixes
#      at a fixed LATENCY_QPS (dnsperf -Q -v: the latency of every query, p50/p99/p99.9 of each
#      run; dnsperf's output is read after the run, so nothing of the script runs beside it);
#   4. prints one Markdown table: per server the MEDIAN of its ROUNDS runs of each figure (each
#      percentile on its own) and, in a second row, their min-max; clusterdns / Knot ratios of
#      the medians; the RSS of both at the end, and the load average; stops the servers it
#      started (by PID) and removes its folder.
# With BASELINE_JAR a second clusterdns (another build: "before") runs alongside, measured the same
# way after the first, with its own row and ratios: before/after in the same run.
# On a shared machine the absolute figures move with the load: compare within one run.
#
# One 10-second latency run per server is too noisy to rank two servers whose p50 is 0.06 ms: a
# p99 is the 2,000th slowest of 200,000 queries, and one scheduler hiccup on the shared CPU moves
# it several-fold (Knot's own hit p99 went 0.39 -> 2.61 ms between identical runs); hence rounds.
# Time: about 2 x (WARMUP + 3) s per server plus ROUNDS x 2 x (DURATION + LATENCY_DURATION) per
# server, plus start-up: 6 minutes with the defaults and two servers (ROUNDS=1: 3), 9 with a
# baseline.
#
# Usage: dns-server/bench/vs-knot.sh                 # 5,000 services
#        SERVICES=50000 dns-server/bench/vs-knot.sh
# Environment:
#   SERVICES=5000     services in the synthetic cluster (at most 80,000)
#   ROUNDS=3          times each full-speed and latency run is repeated (the table: medians)
#   DURATION=10       seconds per full-speed run      WARMUP=15   seconds of warm-up per server and mix
#   LATENCY_QPS=20000 dnsperf -Q of the latency runs  LATENCY_DURATION=10  seconds per latency run
#   CLIENTS=4         dnsperf -c                       OUTSTANDING=200      dnsperf -q
#   SERVER_CPU=0      CPU both servers are pinned to   CLIENT_CPU=1         CPU of dnsperf and dig
#   JAVA_OPTS=        JVM options of clusterdns (empty: `java -jar`, no flags)
#   BASELINE_JAR=     another clusterdns jar to measure in the same run (row "baseline")
#   ALLOC=            1: also record, with JFR, the bytes clusterdns allocated (all threads) per
#                     answered query and its GCs during each full-speed run (a line after the
#                     table, every round): unlike CPU time, allocation does not move with the
#                     machine's load
#   KEEP=             a folder to keep the generated cluster, logs and latencies in (default: a
#                     temporary folder, removed at the end)
#   MVN               Maven command used when the jar must be built (default "mvn -B -q")
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="$root/dns-server/target/clusterdns-dns-server.jar"
SERVICES="${SERVICES:-5000}" ROUNDS="${ROUNDS:-3}" DURATION="${DURATION:-10}" WARMUP="${WARMUP:-15}"
LATENCY_QPS="${LATENCY_QPS:-20000}" LATENCY_DURATION="${LATENCY_DURATION:-10}"
CLIENTS="${CLIENTS:-4}" OUTSTANDING="${OUTSTANDING:-200}" SERVER_CPU="${SERVER_CPU:-0}" CLIENT_CPU="${CLIENT_CPU:-1}"
JAVA_OPTS="${JAVA_OPTS:-}" KEEP="${KEEP:-}"
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "vs-knot.sh: ROUNDS must be a positive integer, not '$ROUNDS'" >&2; exit 1; }

# shellcheck source=server.sh
. "$root/dns-server/bench/server.sh"
bench_args "$root/dns-server/bench/vs-knot.sh" "$@"
for tool in dnsperf knotd dig taskset ss; do
  command -v "$tool" >/dev/null || { echo "vs-knot.sh: $tool is not installed (Debian: dnsperf, knot, bind9-dnsutils, util-linux, iproute2)" >&2; exit 1; }
done
require_jar
if [ -n "$KEEP" ]; then
  mkdir -p "$KEEP" && work="$(cd "$KEEP" && pwd)"
else
  work="$(mktemp -d)"
fi
server_pid="" knot_pid="" baseline_pid=""
trap 'stop_pid "$server_pid"; stop_pid "$baseline_pid"; stop_pid "$knot_pid"; [ -n "$KEEP" ] || rm -rf "$work"' EXIT
on_client() { taskset -c "$CLIENT_CPU" "$@"; }

echo "generating $SERVICES services in $work" >&2
java "$root/dns-server/bench/SyntheticCluster.java" --services "$SERVICES" --out "$work"
read -r ready_name ready_ip <"$work/ready.txt"
# shellcheck disable=SC2016 # a literal $TTL
records="$(cat "$work"/zones/*.zone | grep -cv '^\$TTL')"

# free_port: a port that neither a UDP nor a TCP socket uses on this machine now.
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 30000))
    if [ -z "$(ss -Hlnu "sport = :$p")$(ss -Hlnt "sport = :$p")" ]; then echo "$p"; return; fi
  done
}

# wait_ready NAME PID PORT T0: seconds from T0 (date +%s%N at exec) until PORT answers the
# ready name with the ready address; exits the script when PID stops or after 300 s.
wait_ready() {
  local name="$1" pid="$2" port="$3" t0="$4" deadline=$((SECONDS + 300))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if [ "$(on_client dig +short +norec +tries=1 +time=1 @127.0.0.1 -p "$port" "$ready_name" A 2>/dev/null)" = "$ready_ip" ]; then
      awk -v ns="$(($(date +%s%N) - t0))" 'BEGIN { printf "%.2f", ns / 1e9 }'
      return
    fi
    kill -0 "$pid" 2>/dev/null || { echo "$name stopped:" >&2; cat "$work/$name.log" >&2; exit 1; }
    sleep 0.01
  done
  echo "$name did not answer $ready_name within 300 s" >&2
  cat "$work/$name.log" >&2
  exit 1
}

# ---- Knot: the same records as zone files, one UDP worker (clusterdns gets one event loop on one CPU)
knot_port="$(free_port)"
mkdir -p "$work/knot/db"
cat >"$work/knot/knot.conf" <<EOF
server:
    rundir: "$work/knot"
    listen: 127.0.0.1@$knot_port
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
log:
  - target: stderr
    any: warning
database:
    storage: "$work/knot/db"
template:
  - id: default
    storage: "$work/zones"
    file: "%s.zone"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
    semantic-checks: off
zone:
  - domain: cluster.local
  - domain: in-addr.arpa
  - domain: ip6.arpa
EOF
t0="$(date +%s%N)"
taskset -c "$SERVER_CPU" knotd -c "$work/knot/knot.conf" >"$work/knot.log" 2>&1 &
knot_pid=$!
knot_ready="$(wait_ready knot "$knot_pid" "$knot_port" "$t0")"

# ---- clusterdns: java -jar, pinned, so the JVM sees one CPU (one event loop, one UDP socket)
# start_clusterdns NAME JAR: sets started_pid, started_port and started_ready (seconds to the first correct answer)
start_clusterdns() {
  local t0
  started_port="$(free_port)"
  t0="$(date +%s%N)"
  # shellcheck disable=SC2086
  taskset -c "$SERVER_CPU" java $JAVA_OPTS -jar "$2" --manifests "$work/manifests" --listen "127.0.0.1:$started_port" \
    --zone cluster.local --zone in-addr.arpa --zone ip6.arpa --health off --ready off --metrics off >"$work/$1.log" 2>&1 &
  started_pid=$!
  started_ready="$(wait_ready "$1" "$started_pid" "$started_port" "$t0")"
  for _ in $(seq 1 50); do grep -q 'listening on' "$work/$1.log" && break; sleep 0.1; done # the line may follow the first answer
  grep -o 'listening on.*event loops)' "$work/$1.log" | sed "s/^/$1 /" >&2 || true
}
start_clusterdns clusterdns "$jar"
server_pid="$started_pid"
declare -A pid port ready
servers=(knot clusterdns)
pid[knot]="$knot_pid" port[knot]="$knot_port" ready[knot]="$knot_ready"
pid[clusterdns]="$server_pid" port[clusterdns]="$started_port" ready[clusterdns]="$started_ready"
if [ -n "${BASELINE_JAR:-}" ]; then
  start_clusterdns baseline "$BASELINE_JAR"
  baseline_pid="$started_pid"
  servers+=(baseline)
  pid[baseline]="$baseline_pid" port[baseline]="$started_port" ready[baseline]="$started_ready"
fi

# ---- same answers? rcode, answer and additional sections (not authority: the SOA serials differ)
answers() { # one line per question: "NAME TYPE RCODE | RECORD..." with the records sorted
  on_client dig +norec +tries=1 +time=2 -p "$1" @127.0.0.1 +noall +comments +question +answer +additional -f "$work/check.txt" |
    awk -v OFS='\t' '/->>HEADER<<-/ { rc = $6; sub(",", "", rc); sect = ""; next }
         /^;; QUESTION SECTION/ { sect = "q"; next }
         /^;; (ANSWER|ADDITIONAL) SECTION/ { sect = "r"; next }
         /^;/ && sect == "q" { key = substr($1, 2) " " $3 " " rc; print key, ""; next }
         /^;/ || NF == 0 { next }
         sect == "r" { $1 = $1; gsub("\t", " "); print key, $0 }' |
    sort -u | awk -F'\t' '{ a[$1] = a[$1] ($2 == "" ? "" : " " $2) } END { for (k in a) print k " |" a[k] }' | sort
}
answers "$knot_port" >"$work/answers-knot.txt"
answers "${port[clusterdns]}" >"$work/answers-clusterdns.txt"
checked="$(wc -l <"$work/check.txt")"
differ="$(diff "$work/answers-knot.txt" "$work/answers-clusterdns.txt" | grep -c '^<' || true)"
echo "answers compared on $checked questions: $differ differ" >&2
diff "$work/answers-knot.txt" "$work/answers-clusterdns.txt" | grep '^[<>]' | head -10 | cut -c1-300 | sed 's/^</  knot:      /; s/^>/  clusterdns:/' >&2 || true

# ---- load
cat >"$work/alloc.jfc" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0">
  <event name="jdk.ThreadAllocationStatistics"><setting name="enabled">true</setting><setting name="period">everyChunk</setting></event>
  <event name="jdk.GarbageCollection"><setting name="enabled">true</setting><setting name="threshold">0 ms</setting></event>
</configuration>
EOF
hz="$(getconf CLK_TCK)"
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # utime + stime of all threads, clock ticks
common=(-s 127.0.0.1 -c "$CLIENTS" -q "$OUTSTANDING" -T 1)
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for s in "${servers[@]}"; do
  # ALLOC: JFR's first recording in a JVM costs it seconds of CPU (JFR's own start-up); a
  # throw-away one during the warm-up keeps that out of the first measured run
  [ -z "${ALLOC:-}" ] || [ "$s" = knot ] || jcmd "${pid[$s]}" JFR.start name=warm-up settings="$work/alloc.jfc" >/dev/null
  for mix in hit nxdomain; do
    on_client dnsperf "${common[@]}" -p "${port[$s]}" -d "$work/$mix.txt" -l "$WARMUP" >/dev/null
  done
  # and 3 s at the latency runs' rate: a low rate runs code full speed does not (a read batch of one
  # datagram, its reply sent alone): -Xlog:jit+compilation counted 18 compilations in clusterdns's
  # first two latency runs without this, 9 with it
  for mix in hit nxdomain; do
    on_client dnsperf "${common[@]}" -p "${port[$s]}" -d "$work/$mix.txt" -l 3 -Q "$LATENCY_QPS" >/dev/null
  done
  [ -z "${ALLOC:-}" ] || [ "$s" = knot ] || jcmd "${pid[$s]}" JFR.stop name=warm-up >/dev/null
done

# full_speed NAME PID PORT MIX ROUND: "QPS QPS-per-core ALLOC" of one run at full speed; ALLOC is
# "bytes-per-query/GCs/pause-ms" (ALLOC=1, clusterdns only) or "-"
full_speed() {
  local out t0 t1 completed alloc="-"
  if [ -n "${ALLOC:-}" ] && [ "$1" != knot ]; then
    jcmd "$2" JFR.start name=vs-knot settings="$work/alloc.jfc" >/dev/null
  fi
  t0="$(ticks "$2")"
  out="$(on_client dnsperf "${common[@]}" -p "$3" -d "$work/$4.txt" -l "$DURATION")"
  t1="$(ticks "$2")"
  printf '%s\n' "$out" >"$work/$1-$4-$5.dnsperf"
  completed="$(sed -n 's/^ *Queries completed: *\([0-9]*\).*/\1/p' <<<"$out")"
  if [ -n "${ALLOC:-}" ] && [ "$1" != knot ]; then
    jcmd "$2" JFR.stop name=vs-knot filename="$work/$1-$4-$5.jfr" >/dev/null
    alloc="$(jfr_alloc "$work/$1-$4-$5.jfr" "$completed")"
  fi
  awk -v n="$completed" -v q="$(sed -n 's/^ *Queries per second: *\([0-9.]*\).*/\1/p' <<<"$out")" -v t="$((t1 - t0))" -v hz="$hz" -v a="$alloc" \
    'BEGIN { printf "%.0f %.0f %s\n", q, (t > 0 ? n / (t / hz) : 0), a }'
}

# jfr_alloc FILE QUERIES: "bytes-per-query/GCs/pause-ms" from a recording of alloc.jfc: per thread,
# allocated at the recording's end minus at its start, summed; the GCs and their pauses meanwhile
jfr_alloc() {
  local bytes gcs
  bytes="$(jfr print --events jdk.ThreadAllocationStatistics "$1" | awk '
    /allocated = / { v = $3; u = $4; m = (u == "kB" ? 1e3 : u == "MB" ? 1e6 : u == "GB" ? 1e9 : 1); a = v * m }
    /thread = / { t = $0; if (!(t in lo) || a < lo[t]) lo[t] = a; if (!(t in hi) || a > hi[t]) hi[t] = a }
    END { for (t in hi) s += hi[t] - lo[t]; printf "%.0f", s }')"
  gcs="$(jfr print --events jdk.GarbageCollection "$1" | awk '/sumOfPauses = / { n++; v = $3; u = $4; s += (u == "s" ? v * 1000 : u == "us" ? v / 1000 : u == "ns" ? v / 1e6 : v) } END { printf "%d/%.0f", n, s }')"
  awk -v b="$bytes" -v n="$2" -v g="$gcs" 'BEGIN { printf "%.0f/%s", (n > 0 ? b / n : 0), g }'
}

# latency NAME PORT MIX ROUND: "p50 p99 p99.9" in ms of every answered query at LATENCY_QPS
latency() {
  # dnsperf's line per query goes to a file and is read after the run: piped into awk and sort,
  # unpinned, they took 16% of the server's CPU (perf sched on CPU 0: 813 ms of 5 s) during it
  on_client dnsperf "${common[@]}" -p "$2" -d "$work/$3.txt" -l "$LATENCY_DURATION" -Q "$LATENCY_QPS" -v >"$work/$1-$3-$4.verbose"
  awk '/^> / && $2 != "T" { print $NF }' "$work/$1-$3-$4.verbose" | sort -g >"$work/$1-$3-$4.latency"
  rm "$work/$1-$3-$4.verbose"
  awk '{ v[NR] = $1 } END {
         if (NR == 0) { print "- - -"; exit }
         split("0.5 0.99 0.999", p, " ")
         for (i = 1; i <= 3; i++) { k = int(p[i] * NR + 0.999999); if (k < 1) k = 1; printf "%.2f%s", v[k] * 1000, (i < 3 ? " " : "\n") } }' "$work/$1-$3-$4.latency"
}

# r[SERVER-MIX-FIGURE]: that figure of every round, space-separated, in round order
declare -A r m
for round in $(seq 1 "$ROUNDS"); do
  for mix in hit nxdomain; do
    for s in "${servers[@]}"; do
      read -r qps core alloc < <(full_speed "$s" "${pid[$s]}" "${port[$s]}" "$mix" "$round")
      r[$s-$mix-qps]+="$qps " r[$s-$mix-core]+="$core " r[$s-$mix-alloc]+="$alloc "
    done
  done
  for mix in hit nxdomain; do
    for s in "${servers[@]}"; do
      read -r p50 p99 p999 < <(latency "$s" "${port[$s]}" "$mix" "$round")
      r[$s-$mix-p50]+="$p50 " r[$s-$mix-p99]+="$p99 " r[$s-$mix-p999]+="$p999 "
    done
  done
  echo "round $round of $ROUNDS done (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
done
rss() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
for s in "${servers[@]}"; do
  r[$s-rss]="$(rss "${pid[$s]}")" r[$s-ready]="${ready[$s]}"
done

# ---- the table
size() { sed -n 's/^ *Average packet size: .*response \([0-9]*\).*/\1/p' "$work/$1-$2-1.dnsperf"; }
# med VALUES / spread VALUES: the median (of an even count: the mean of the middle two) and
# "min–max" of space-separated numbers, "-" when there are none
med() { tr ' ' '\n' | grep -v '^-*$' | sort -g | awk '{ v[NR] = $1 } END {
  if (NR == 0) { print "-"; exit }; m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
  print (m >= 100 ? sprintf("%.0f", m) : sprintf("%.2f", m)) }'; }
spread() { tr ' ' '\n' | grep -v '^-*$' | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else print v[1] "–" v[NR] }'; }
# lat SERVER MIX FN: "p50/p99/p99.9" of FN (med or spread) over the rounds
lat() { printf '%s/%s/%s' "$($3 <<<"${r[$1-$2-p50]}")" "$($3 <<<"${r[$1-$2-p99]}")" "$($3 <<<"${r[$1-$2-p999]}")"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0 && a != "-") printf "%.2f×", a / b; else printf "-" }'; }
lat_ratio() { # element-wise ratio of two "p50/p99/p99.9"
  awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, "/"); split(b, y, "/"); for (i = 1; i <= 3; i++) printf "%s%.2f", (i > 1 ? "/" : ""), (y[i] > 0 ? x[i] / y[i] : 0); printf "×" }'
}
echo
echo "$SERVICES services ($records records in Knot's zones), $(nproc) CPUs, servers on CPU $SERVER_CPU, dnsperf -c $CLIENTS -q $OUTSTANDING on CPU $CLIENT_CPU;" \
  "$(knotd -V | sed 's/^knotd (Knot DNS), version/Knot/'), clusterdns on $(java -version 2>&1 | head -1)${JAVA_OPTS:+ $JAVA_OPTS};" \
  "load average (1, 5, 15 min) before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg); answers compared on $checked questions, $differ differ;" \
  "average response size hit/NXDOMAIN mix (bytes):$(for s in "${servers[@]}"; do printf ' %s %s/%s' "$s" "$(size "$s" hit)" "$(size "$s" nxdomain)"; done);" \
  "$([ "$ROUNDS" -eq 1 ] && echo "one round" || echo "each figure the median of $ROUNDS rounds, min–max in the row below it") ($DURATION s full speed, $LATENCY_DURATION s latency each)"
echo
echo "| server | hit-mix QPS | hit QPS per server core | NXDOMAIN-mix QPS | NXDOMAIN QPS per core | hit p50/p99/p99.9 at ${LATENCY_QPS} QPS (ms) | NXDOMAIN p50/p99/p99.9 (ms) | RSS (MiB) | ready after exec (s) |"
echo "|---|---:|---:|---:|---:|---|---|---:|---:|"
for s in "${servers[@]}"; do
  for mix in hit nxdomain; do
    for f in qps core; do m[$s-$mix-$f]="$(med <<<"${r[$s-$mix-$f]}")"; done
    m[$s-$mix-lat]="$(lat "$s" "$mix" med)"
  done
  echo "| $s | ${m[$s-hit-qps]} | ${m[$s-hit-core]} | ${m[$s-nxdomain-qps]} | ${m[$s-nxdomain-core]} | ${m[$s-hit-lat]} | ${m[$s-nxdomain-lat]} | ${r[$s-rss]} | ${r[$s-ready]} |"
  [ "$ROUNDS" -eq 1 ] ||
    echo "| $s min–max | $(spread <<<"${r[$s-hit-qps]}") | $(spread <<<"${r[$s-hit-core]}") | $(spread <<<"${r[$s-nxdomain-qps]}") | $(spread <<<"${r[$s-nxdomain-core]}")" \
      "| $(lat "$s" hit spread) | $(lat "$s" nxdomain spread) | | |"
done
for s in "${servers[@]:1}"; do
  echo "| $s / Knot | $(ratio "${m[$s-hit-qps]}" "${m[knot-hit-qps]}") | $(ratio "${m[$s-hit-core]}" "${m[knot-hit-core]}")" \
    "| $(ratio "${m[$s-nxdomain-qps]}" "${m[knot-nxdomain-qps]}") | $(ratio "${m[$s-nxdomain-core]}" "${m[knot-nxdomain-core]}")" \
    "| $(lat_ratio "${m[$s-hit-lat]}" "${m[knot-hit-lat]}") | $(lat_ratio "${m[$s-nxdomain-lat]}" "${m[knot-nxdomain-lat]}")" \
    "| $(ratio "${r[$s-rss]}" "${r[knot-rss]}") | $(ratio "${r[$s-ready]}" "${r[knot-ready]}") |"
done
if [ -n "${ALLOC:-}" ]; then
  echo
  printf 'Allocated per answered query (bytes) / GCs / their pauses (ms) in the full-speed runs (JFR), round by round:'
  for s in "${servers[@]:1}"; do printf ' %s hit %s, NXDOMAIN %s;' "$s" "$(xargs <<<"${r[$s-hit-alloc]}" | sed 's/ /, /g')" "$(xargs <<<"${r[$s-nxdomain-alloc]}" | sed 's/ /, /g')"; done
  echo
fi
