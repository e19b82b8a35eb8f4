# Sourced by the bench scripts (not run on its own). Needs $jar, $JAVA_OPTS and an EXIT trap that
# stops $server_pid (stop_pid "$server_pid").
#
# bench_args SCRIPT ARGS...: the benches take their settings from the environment, not from
# arguments: -h or --help prints SCRIPT's header comment and exits 0; any other argument is an
# error (one line, exit 2), so that a mistyped option never starts a run of minutes.
bench_args() {
  local script="$1"
  shift
  [ $# -eq 0 ] && return 0
  case "$1" in
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$script"; exit 0 ;;
    *) echo "$(basename "$script"): unexpected argument '$1': settings are environment variables (--help lists them)" >&2; exit 2 ;;
  esac
}

# require_jar: builds $jar with Maven ($MVN, default "mvn -B -q", from $root) when it is missing.
require_jar() {
  if [ ! -f "$jar" ]; then
    echo "building $jar" >&2
    (cd "$root" && ${MVN:-mvn -B -q} -DskipTests package)
  fi
}

# dnsperf_bench: what a dnsperf bench needs first: dnsperf, the jar (require_jar), a folder $work
# and an EXIT trap that stops $server_pid and removes $work.
dnsperf_bench() {
  command -v dnsperf >/dev/null || { echo "dnsperf is not installed (Debian: apt-get install dnsperf)" >&2; exit 1; }
  require_jar
  work="$(mktemp -d)"
  server_pid=""
  trap 'stop_pid "$server_pid"; rm -rf "$work"' EXIT
}

# stop_pid PID: TERM to a process this script started, then wait for it (nothing when it is gone).
stop_pid() {
  if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
    kill "$1"
    wait "$1" 2>/dev/null || true
  fi
}
#
# start_server LOG ARGS...: starts `java -jar $jar ARGS...` in the background, logging to LOG;
# sets server_pid, waits (at most 30 s) for its "listening on udp ADDR:PORT" line, sets port to
# the bound port and prints that line. Exits the script, showing the log, when the server stops
# or does not start in time.
start_server() {
  local log="$1"
  shift
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$jar" "$@" >"$log" 2>&1 &
  server_pid=$!
  port=""
  for _ in $(seq 1 300); do
    port="$(sed -n 's/.*listening on udp [^ ]*:\([0-9]*\) .*/\1/p' "$log")"
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$port" ] || { echo "server did not start within 30 s" >&2; cat "$log" >&2; exit 1; }
  grep 'listening on' "$log" | sed 's/^.*\(dns-server listening\)/\1/'
}
