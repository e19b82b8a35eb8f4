#!/usr/bin/env bash
# The full DNS fuzz (never run by the tests; DnsFuzzTest runs a smaller count in CI): starts a
# server in-process from a kubeadm-like Corefile (kubernetes plugin on the test cluster, forward to
# a dnsmasq on 127.0.0.1 started and stopped by PID, cache, loadbalance) on a free port of
# 127.0.0.1, sends UDP_PACKETS fuzz packets and TCP_SESSIONS fuzz sessions at it while valid probe
# queries keep being asked, and prints the figures and every problem found. Exit status 1 when a
# response is malformed, a probe is unanswered or wrong, or the server logged an ERROR line or an
# exception (or counted a plugin panic). A failure names the seed and the packet's index: rerun
# with that SEED to replay the same packets.
#
# Usage: dns-server/bench/fuzz.sh
# Environment: UDP_PACKETS=1000000  TCP_SESSIONS=10000  SEED= (random, printed)  JAVA_OPTS=
#              MVN (default "mvn -B -o -q") builds the test classes and their class path.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=server.sh
. "$root/dns-server/bench/server.sh"
bench_args "$root/dns-server/bench/fuzz.sh" "$@"
UDP_PACKETS="${UDP_PACKETS:-1000000}" TCP_SESSIONS="${TCP_SESSIONS:-10000}" SEED="${SEED:-}" JAVA_OPTS="${JAVA_OPTS:-}"
command -v dnsmasq >/dev/null || { echo "dnsmasq is not installed (Debian: apt-get install dnsmasq-base)" >&2; exit 1; }

cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
(cd "$root" && ${MVN:-mvn -B -o -q} test-compile dependency:build-classpath -pl dns-server -am \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >&2)
cp="$root/dns-server/target/test-classes:$root/dns-server/target/classes:$(cat "$cp_file")"
rm -f "$cp_file"
echo "java $JAVA_OPTS io.clusterdns.server.fuzz.DnsFuzzMain $UDP_PACKETS $TCP_SESSIONS ${SEED}   ($(nproc) CPUs, $(java -version 2>&1 | head -1))"
# shellcheck disable=SC2086
exec java $JAVA_OPTS -Dorg.slf4j.simpleLogger.defaultLogLevel=info -cp "$cp" io.clusterdns.server.fuzz.DnsFuzzMain \
  "$UDP_PACKETS" "$TCP_SESSIONS" $SEED
