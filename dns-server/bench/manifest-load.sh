#!/usr/bin/env bash
# CPU time to read a manifest folder and build the first zone index (never run by the tests):
# ManifestLoadBenchmark in a cold JVM per size, as the server does it at start. A cost per service
# that grows with the size is a step worse than linear. Prints one Markdown row per size (the table
# in dns-server/README.md).
#
# Usage (from anywhere):
#   dns-server/bench/manifest-load.sh                 # 1k, 5k, 10k and 20k services
#   SIZES="5000" dns-server/bench/manifest-load.sh
# Environment:
#   SIZES       numbers of services (default "1000 5000 10000 20000")
#   ENDPOINTS   pods (derived endpoints) per service (default 5)
#   JAVA_OPTS   JVM flags (default none: java -jar's defaults)
#   CLASSES     classes to put first on the class path (e.g. another build's k8s/client/target/classes)
#   MVN         the Maven command (default "mvn -B -q -o")
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=server.sh
. "$root/dns-server/bench/server.sh"
bench_args "$root/dns-server/bench/manifest-load.sh" "$@"
MVN="${MVN:-mvn -B -q -o}"
SIZES="${SIZES:-1000 5000 10000 20000}"
ENDPOINTS="${ENDPOINTS:-5}"
JAVA_OPTS="${JAVA_OPTS:-}"
cd "$root"
# shellcheck disable=SC2086
$MVN -pl dns-server -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/scale-classpath.txt -Dmdep.includeScope=test
cp="${CLASSES:+$CLASSES:}dns-server/target/test-classes:dns-server/target/classes:$(cat dns-server/target/scale-classpath.txt)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "| services | slices | pods | load (thread / process CPU) | first index (thread / process CPU) | total (thread / process CPU) | process CPU per service |"
echo "|---|---|---|---|---|---|---|"
for size in $SIZES; do
  # shellcheck disable=SC2086
  java $JAVA_OPTS -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" io.clusterdns.server.bench.ManifestLoadBenchmark \
    --services "$size" --endpoints "$ENDPOINTS" --dir "$work/m$size"
done
echo "JVM: $(java -version 2>&1 | head -1); load average:$(uptime | sed 's/.*load average://')"
