#!/usr/bin/env bash
# Start-up time of the packaged server (never run by the tests): from exec of `java` to the first
# correct `dig` answer, RUNS times per mode and JVM variant, interleaved so that every variant sees
# the same load; prints one Markdown row per (mode, variant): wall time min / median / max and the
# median CPU time (user + system, all threads) the process had used when it answered. On a shared
# machine the CPU time is the steadier figure; the wall time is what a restart costs.
#
# Modes (MODES):
#   snapshot       --master http://127.0.0.1:1 --snapshot-file F: the API server unreachable, F holding
#                  the persisted snapshot of the 5k-service cluster below (issue 13's restart case)
#   manifests-5k   --manifests DIR: the synthetic 5,000-service cluster as YAML
#   manifests-50k  the same with 50,000 services
# The synthetic cluster: N services in 50 namespaces, 80% ClusterIP with one EndpointSlice of 3
# ready endpoints, 10% headless with 3 named endpoints (StatefulSet style), 10% ExternalName.
# Every start has the HTTP endpoints on (on free ports), as in a pod.
#
# JVM variants (VARIANTS):
#   plain   java -jar JAR (no JVM flags)
#   cds     java -XX:SharedArchiveFile=JAR's .jsa -jar JAR: the AppCDS archive the Maven build writes
#           next to the jar (StartupTraining); trained here when it is missing or older than the jar
#   java25  $JAVA25 -jar JAR
#   aot25   $JAVA25 -XX:AOTCache=JAR's .aot -jar JAR: Java 25's AOT cache (JEP 483/514/515), trained
#           here by the same StartupTraining run
#   base    java -jar $BASELINE_JAR (a jar of an earlier commit, to compare in the same run)
#
# Usage: dns-server/bench/first-answer.sh
#   RUNS=5 MODES="snapshot manifests-5k" VARIANTS="plain cds" dns-server/bench/first-answer.sh
# Environment: RUNS (default 5), MODES (default "snapshot manifests-5k manifests-50k"),
#   VARIANTS (default "plain cds", plus "java25 aot25" when $JAVA25 exists), JAVA (default java),
#   JAVA25 (default /usr/lib/jvm/temurin-25-jdk-amd64/bin/java), BASELINE_JAR, JAVA_OPTS (added to
#   every variant), TIMEOUT (seconds to wait for one answer, default 600), MVN (used when the jar
#   must be built; default "mvn -B -q").
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="$root/dns-server/target/clusterdns-dns-server.jar"
RUNS="${RUNS:-5}"
MODES="${MODES:-snapshot manifests-5k manifests-50k}"
JAVA="${JAVA:-java}"
JAVA25="${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
default_variants="plain cds"
[ -x "$JAVA25" ] && default_variants="$default_variants java25 aot25"
VARIANTS="${VARIANTS:-$default_variants}"
JAVA_OPTS="${JAVA_OPTS:-}"
TIMEOUT="${TIMEOUT:-600}"
command -v dig >/dev/null || { echo "dig is not installed (Debian: apt-get install bind9-dnsutils)" >&2; exit 1; }

# shellcheck source=server.sh
. "$root/dns-server/bench/server.sh"
bench_args "$root/dns-server/bench/first-answer.sh" "$@"
for v in $VARIANTS; do
  case "$v" in plain | cds | java25 | aot25 | base) ;; *) echo "first-answer.sh: unknown variant '$v' in VARIANTS (plain, cds, java25, aot25, base)" >&2; exit 2 ;; esac
done
for m in $MODES; do
  case "$m" in snapshot | manifests-5k | manifests-50k) ;; *) echo "first-answer.sh: unknown mode '$m' in MODES (snapshot, manifests-5k, manifests-50k)" >&2; exit 2 ;; esac
done
require_jar
work="$(mktemp -d)"
server_pid=""
trap 'stop_pid "$server_pid"; rm -rf "$work"' EXIT

# gen_cluster N FILE: the synthetic cluster described above, as one YAML file
gen_cluster() {
  awk -v n="$1" 'BEGIN {
    for (i = 0; i < n; i++) {
      ns = "ns" (i % 50); name = "svc" i; kind = i % 10
      print "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: " name "\n  namespace: " ns
      if (kind == 9) { print "spec:\n  type: ExternalName\n  externalName: ext" i ".example.org"; continue }
      print "spec:"
      if (kind == 8) print "  clusterIP: None"
      else printf "  clusterIP: 10.%d.%d.%d\n", 96 + int(i / 62500), int(i / 250) % 256, i % 250 + 1
      print "  ports:\n  - name: http\n    port: 80\n    protocol: TCP"
      print "---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: " name "-abcde\n  namespace: " ns
      print "  labels:\n    kubernetes.io/service-name: " name "\naddressType: IPv4\nendpoints:"
      for (e = 0; e < 3; e++) {
        printf "- addresses:\n  - 10.%d.%d.%d\n  conditions:\n    ready: true\n", 128 + int(i / 16384) % 64, int(i / 64) % 256, (i % 64) * 3 + e + 1
        if (kind == 8) print "  hostname: " name "-" e
      }
      print "ports:\n- name: http\n  port: 8080\n  protocol: TCP"
    }
  }' > "$2"
}

# the archive files next to the jar, (re)trained when missing or older than the jar
jsa="${jar%.jar}.jsa"
aot="${jar%.jar}.aot"
train() { # train JAVA FLAG FILE
  if [ ! -s "$3" ] || [ "$3" -ot "$jar" ]; then
    echo "training $3" >&2
    rm -f "$3"
    "$1" "$2=$3" -Xlog:cds=error -Xlog:cds+dynamic=error -cp "$jar" io.clusterdns.server.StartupTraining >"$work/train.log" 2>&1 \
      || { cat "$work/train.log" >&2; exit 1; }
  fi
}
case " $VARIANTS " in *" cds "*) train "$JAVA" -XX:ArchiveClassesAtExit "$jsa" ;; esac
case " $VARIANTS " in *" aot25 "*) train "$JAVA25" -XX:AOTCacheOutput "$aot" ;; esac

mkdir -p "$work/m5k" "$work/m50k"
gen_cluster 5000 "$work/m5k/cluster.yaml"
case " $MODES " in *" manifests-50k "*) gen_cluster 50000 "$work/m50k/cluster.yaml" ;; esac
"$JAVA" -cp "$jar" "$root/dns-server/bench/SnapshotFromManifests.java" "$work/m5k" "$work/snapshot" >&2

free_port() {
  local p
  while :; do
    p=$(( 20000 + RANDOM % 30000 ))
    if ! ss -Hlun "sport = :$p" | grep -q . && ! ss -Hltn "sport = :$p" | grep -q .; then echo "$p"; return; fi
  done
}

# java_cmd VARIANT: the JVM and its flags
java_cmd() {
  case "$1" in
    plain) echo "$JAVA $JAVA_OPTS -jar $jar" ;;
    cds) echo "$JAVA -XX:SharedArchiveFile=$jsa $JAVA_OPTS -jar $jar" ;;
    java25) echo "$JAVA25 $JAVA_OPTS -jar $jar" ;;
    aot25) echo "$JAVA25 -XX:AOTCache=$aot $JAVA_OPTS -jar $jar" ;;
    base) echo "$JAVA $JAVA_OPTS -jar ${BASELINE_JAR:?BASELINE_JAR is not set}" ;;
    *) echo "unknown variant $1" >&2; exit 2 ;;
  esac
}

mode_args() {
  case "$1" in
    snapshot) echo "--master http://127.0.0.1:1 --snapshot-file $work/snapshot" ;;
    manifests-5k) echo "--manifests $work/m5k" ;;
    manifests-50k) echo "--manifests $work/m50k" ;;
    *) echo "unknown mode $1" >&2; exit 2 ;;
  esac
}

ticks="$(getconf CLK_TCK)"
# measure MODE VARIANT: appends "WALL CPU" (seconds) to $work/MODE.VARIANT
measure() {
  local port t0 t1 out cpu
  port="$(free_port)"
  t0="$(date +%s%N)"
  # shellcheck disable=SC2046
  $(java_cmd "$2") $(mode_args "$1") --listen "127.0.0.1:$port" \
    --health 127.0.0.1:0 --ready 127.0.0.1:0 --metrics 127.0.0.1:0 >"$work/server.log" 2>&1 &
  server_pid=$!
  while :; do
    # svc1.ns1 is 10.96.0.2 in every mode; a refused query (nothing listening yet) returns at once
    out="$(dig +short +tries=1 +time=1 -p "$port" @127.0.0.1 svc1.ns1.svc.cluster.local A 2>/dev/null || true)"
    if [ "$out" = "10.96.0.2" ]; then
      t1="$(date +%s%N)"
      cpu="$(awk '{ print $14 + $15 }' "/proc/$server_pid/stat")"
      break
    fi
    kill -0 "$server_pid" 2>/dev/null || { echo "server ($1, $2) stopped:" >&2; cat "$work/server.log" >&2; exit 1; }
    if [ $(( ($(date +%s%N) - t0) / 1000000000 )) -gt "$TIMEOUT" ]; then
      echo "no answer within $TIMEOUT s ($1, $2); server log:" >&2; tail -5 "$work/server.log" >&2; exit 1
    fi
    sleep 0.01
  done
  stop_pid "$server_pid"
  server_pid=""
  echo "$(( (t1 - t0) / 1000000 )) $(( cpu * 1000 / ticks ))" >>"$work/$1.$2"
}

echo "uptime before: $(uptime)" >&2
for run in $(seq 1 "$RUNS"); do
  for mode in $MODES; do
    for variant in $VARIANTS; do
      measure "$mode" "$variant"
    done
  done
  echo "run $run of $RUNS done" >&2
done
load="$(uptime | sed 's/.*load average: //')"

echo "| mode | variant | runs | wall min / median / max (s) | CPU median (s) |"
echo "|---|---|---:|---|---:|"
for mode in $MODES; do
  for variant in $VARIANTS; do
    wall="$(cut -d' ' -f1 "$work/$mode.$variant" | sort -n | tr '\n' ' ')"
    cpu="$(cut -d' ' -f2 "$work/$mode.$variant" | sort -n | tr '\n' ' ')"
    awk -v m="$mode" -v v="$variant" -v w="$wall" -v c="$cpu" 'function median(a, n) { return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
      BEGIN {
        n = split(w, wa, " "); split(c, ca, " ")
        printf "| %s | %s | %d | %.2f / %.2f / %.2f | %.2f |\n", m, v, n, wa[1] / 1000, median(wa, n) / 1000, wa[n] / 1000, median(ca, n) / 1000
      }'
  done
done
echo "load average at the end: $load; $(nproc) CPUs; $("$JAVA" -version 2>&1 | head -1)" 
