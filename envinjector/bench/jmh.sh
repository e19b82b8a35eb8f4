#!/usr/bin/env bash
# JMH benchmarks of the admission path (never run by the tests):
#   AdmissionBenchmark       AdmissionReview bytes -> Injector -> response bytes, in-process, for
#                            namespaces of 10, 1,000 and 5,000 services (p50/p99 from sampling)
#   HttpsAdmissionBenchmark  POST /mutate over HTTPS (keep-alive) to a running webhook
#
# Usage (from anywhere):
#   envinjector/bench/jmh.sh                              # everything (about 5 minutes)
#   envinjector/bench/jmh.sh Admission -p services=1000 -p selection=selected -wi 2 -i 3
# Arguments go to org.openjdk.jmh.Main (-h lists them). Environment:
#   MVN       the Maven command (default "mvn -B -q")
#   MVN_ARGS  what to build (default "-pl envinjector -am")
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
MVN="${MVN:-mvn -B -q}"
MVN_ARGS="${MVN_ARGS:--pl envinjector -am}"
cd "$root"
# shellcheck disable=SC2086
$MVN $MVN_ARGS test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/jmh-classpath.txt -Dmdep.includeScope=test
cp="envinjector/target/test-classes:envinjector/target/classes:$(cat envinjector/target/jmh-classpath.txt)"
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" org.openjdk.jmh.Main "$@"
