#!/usr/bin/env bash
# JMH micro-benchmarks of the query path (never run by the tests):
#   ResolverBenchmark   Resolver.resolve() on a 10,000-service cluster (A, headless A, SRV, NXDOMAIN)
#   QueryPathBenchmark  query bytes -> wire stage -> plugin chain -> response bytes, plus dnsjava's parse alone
#   CacheBenchmark      a cache hit through the whole path and in the cache link alone, vs no cache
#   FastPathBenchmark   query bytes -> response bytes through the fast path vs the chain (A, EDNS, case, NODATA, SRV, NXDOMAIN)
#   ExternalNameBenchmark  an ExternalName A question (the chain) against a fast-path A hit, as the flags' server runs them
#   AnswerTableBenchmark   the fast path's answer look-up: its own table against a ConcurrentHashMap (1,000 and 300,000 answers)
#
# Usage (from anywhere):
#   dns-server/bench/jmh.sh                          # everything, settings from the annotations
#   dns-server/bench/jmh.sh QueryPath -p services=1000 -f 1 -wi 2 -i 3
# Arguments go to org.openjdk.jmh.Main (-h lists them; --help prints this). Environment:
#   MVN       the Maven command (default "mvn -B -q")
#   MVN_ARGS  what to build (default "-pl dns-server -am")
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
MVN="${MVN:-mvn -B -q}"
MVN_ARGS="${MVN_ARGS:--pl dns-server -am}"
if [ "${1:-}" = --help ]; then
  # this description; JMH's own options: -h (after the build)
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$root/dns-server/bench/jmh.sh"
  exit 0
fi
cd "$root"
# shellcheck disable=SC2086
$MVN $MVN_ARGS test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/jmh-classpath.txt -Dmdep.includeScope=test
cp="dns-server/target/test-classes:dns-server/target/classes:$(cat dns-server/target/jmh-classpath.txt)"
# -foe: a benchmark that throws fails the script instead of leaving an empty row
exec java -cp "$cp" org.openjdk.jmh.Main -foe true "$@"
