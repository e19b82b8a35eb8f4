# Sourced by the bench scripts (not run on its own). Needs $jar, $JAVA_OPTS and an EXIT trap that
# stops $server_pid.
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
