#!/usr/bin/env bash
# The whole story on one machine: a "cluster in network namespaces" built from k8s/examples.
#
#   sudo k8s/examples/demo.sh          (after: mvn -B -q -DskipTests package)
#
#   client ns                      node ns ("node-1")                       pod namespaces (one per pod)
#   eth0 192.0.2.10/24 ── veth ──  ext0 192.0.2.1/24                  ┌─ pN ── eth0 10.244.x.y/32 (web-*, mongo-*:
#   resolv.conf: nameserver        discovery-agent: nftables DNAT of  │         HTTP echo servers answering their pod name)
#     10.96.0.10, cluster search   every ClusterIP and NodePort       ├─ pN ── coredns-*: clusterdns dns-server with
#     path, ndots:5                routes 10.244.x.y/32 dev pN ───────┘         kubeadm's Corefile (the coredns ConfigMap)
#                                  (node side of each pN: 10.244.0.1/32, every pod's default gateway)
#   default via 192.0.2.1          route 198.51.100.53/32 dev p0 ──────── upstream ns: dnsmasq 198.51.100.53, the
#                                                                            "internet" the Corefile forwards to
#
# The client reaches DNS the way a pod does: 10.96.0.10 (the kube-dns ClusterIP) is DNATed by the
# agent's rules in the node namespace to the dns-server pod. Both components read a copy of
# k8s/examples; this script plays kubelet and CNI: it starts a namespace and a server for each
# web, mongo and DNS pod the manifests hold (the other example pods stay on paper), and edits the
# copy to scale and delete. Pods "on node-2" hang off the same node namespace: only their nodeName
# makes them remote, which is all the agent looks at.
#
# Safety: everything happens in namespaces named cdns-demo-<random>-*; nothing is added to the
# root namespace (no link, address, route or rule); only the processes started here are stopped,
# by PID. On exit (success, failure or Ctrl-C) it stops them, deletes its namespaces and
# /etc/netns entries, and checks that nothing it created is left.
#
# Needs root, iproute2, nftables, curl, dig (bind9-dnsutils), dnsmasq (dnsmasq-base), python3 and
# a JDK 17+ (java, javac). CLUSTERDNS_DEMO_DEADLINE (seconds, default 120) bounds every wait.
set -Eeuo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
DNS_JAR=$REPO/dns-server/target/clusterdns-dns-server.jar
AGENT_JAR=$REPO/discovery-agent/target/clusterdns-discovery-agent.jar
DEADLINE=${CLUSTERDNS_DEMO_DEADLINE:-120}
ID=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
PREFIX=cdns-demo-$ID-
NODE_IP=192.0.2.1 POD_GATEWAY=10.244.0.1 CLIENT_IP=192.0.2.10 UPSTREAM_IP=198.51.100.53 DNS_VIP=10.96.0.10
EXTERNAL_NAME=www.example.org EXTERNAL_IP=203.0.113.80

WORK= M= PIDS=() NAMESPACES=() ETC_DIRS=() CREATED_ETC_NETNS= LINKS=0 ROOT_BEFORE= FAILED=1
declare -A POD_NS=() POD_PID=()   # pod name -> its namespace, its server's PID

say() { printf '%s\n' "$*"; }
words() {   # words [WORD...]: the arguments (or stdin's words), sorted, on one line
  if [ $# -gt 0 ]; then printf '%s\n' "$@"; else cat; fi | sort -V | paste -sd' ' -
}
step() { printf '  %-58s %s\n' "$1" "$2"; }   # one line per step: the command, then what it showed
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

# --- preconditions ----------------------------------------------------------------------------
[ "$(id -u)" = 0 ] || { echo "demo.sh: needs root (network namespaces, nftables): sudo $0" >&2; exit 2; }
for tool in ip:iproute2 nft:nftables curl:curl dig:bind9-dnsutils getent:libc-bin dnsmasq:dnsmasq-base \
            python3:python3 java:openjdk-17-jdk-headless javac:openjdk-17-jdk-headless; do
  command -v "${tool%%:*}" >/dev/null || { echo "demo.sh: ${tool%%:*} is missing (Debian: apt-get install ${tool#*:})" >&2; exit 2; }
done
for jar in "$DNS_JAR" "$AGENT_JAR"; do
  [ -f "$jar" ] || { echo "demo.sh: $jar is missing: run 'mvn -B -q -DskipTests package' first" >&2; exit 2; }
done
ip netns list >/dev/null 2>&1 || { echo "demo.sh: ip netns does not work here" >&2; exit 2; }

# What the root namespace looks like, to prove at the end that the demo changed nothing in it.
root_state() {
  ip -o link show | sed 's/ state .*//'
  ip -o addr show | sed 's/ valid_lft.*//'
  ip route show table all | sed 's/ expires [0-9]*sec//'
  nft list ruleset 2>/dev/null
}

# --- processes and namespaces, all recorded for the clean-up ----------------------------------
netns_add() {   # netns_add NAME -> creates $PREFIX$NAME with its loopback up
  ip netns add "$PREFIX$1"
  NAMESPACES+=("$PREFIX$1")
  ip -n "$PREFIX$1" link set lo up
}

resolv_conf() {   # resolv_conf NS TEXT: what `ip netns exec NS` shows its processes as /etc/resolv.conf
  [ -d /etc/netns ] || { mkdir /etc/netns; CREATED_ETC_NETNS=1; }
  mkdir -p "/etc/netns/$1"
  ETC_DIRS+=("/etc/netns/$1")
  printf '%s\n' "$2" > "/etc/netns/$1/resolv.conf"
}

spawn() {   # spawn NS LOG COMMAND...: runs COMMAND in NS in the background; its PID is in $SPAWNED
  ip netns exec "$1" "${@:3}" < /dev/null > "$2" 2>&1 &
  SPAWNED=$!
  PIDS+=("$SPAWNED")
}

stop_pid() {   # SIGTERM, then SIGKILL if it has not exited within the deadline
  local pid=$1 i
  kill "$pid" 2>/dev/null || return 0
  for ((i = 0; i < DEADLINE * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

await() {   # await DESCRIPTION COMMAND...: until COMMAND succeeds, or fail after the deadline
  local what=$1 end=$((SECONDS + DEADLINE))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$end" ] || fail "$what: not within ${DEADLINE}s"
    sleep 0.2
  done
}

cleanup() {
  local rc=$? pid ns dir left=0 report=()
  trap - EXIT INT TERM ERR
  set +e
  if [ "$FAILED" != 0 ] && [ -n "$WORK" ]; then
    say
    for log in agent dns-server; do
      [ ! -s "$WORK/$log.log" ] || { say "last lines of the $log log:"; tail -n 5 "$WORK/$log.log" | sed 's/^/    /'; }
    done
    say "logs of this run: $WORK (kept because it failed)"
  fi
  say "clean-up:"
  # the agent leaves its rules when stopped (as kube-proxy does); --cleanup removes exactly its tables
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[$i]}"; done
  if [ -n "${NODE_NS:-}" ] && [ -e "/run/netns/$NODE_NS" ]; then
    ip netns exec "$NODE_NS" java -jar "$AGENT_JAR" --cleanup > "$WORK/agent-cleanup.log" 2>&1
    if ip netns exec "$NODE_NS" nft list tables | grep clusterdns >/dev/null; then
      report+=("agent tables still in the node namespace"); left=1
    fi
  fi
  for ns in "${NAMESPACES[@]}"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do   # anything a server forked, still in our namespace
      report+=("process $pid still in $ns, killed"); kill -9 "$pid" 2>/dev/null; left=1
    done
    ip netns del "$ns" 2>/dev/null
  done
  for dir in "${ETC_DIRS[@]}"; do rm -f "$dir/resolv.conf"; rmdir "$dir" 2>/dev/null; done
  [ -z "$CREATED_ETC_NETNS" ] || rmdir /etc/netns 2>/dev/null
  # the check: nothing this run created is left
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then report+=("process $pid still running"); left=1; fi
  done
  if ip netns list | grep "^$PREFIX" >/dev/null; then report+=("namespaces left: $(ip netns list | grep "^$PREFIX" | tr '\n' ' ')"); left=1; fi
  if ls -d /etc/netns/"$PREFIX"* >/dev/null 2>&1; then report+=("/etc/netns entries left"); left=1; fi
  if [ -n "$ROOT_BEFORE" ] && [ "$(root_state)" != "$ROOT_BEFORE" ]; then
    report+=("the root namespace's links, addresses, routes or nftables ruleset changed during the run:")
    report+=("$(diff <(printf '%s\n' "$ROOT_BEFORE") <(root_state) | head -20)"); left=1
  fi
  if [ "$left" = 0 ]; then
    step "check: processes, namespaces, /etc/netns, rules" "none left: ${#PIDS[@]} processes stopped, ${#NAMESPACES[@]} namespaces deleted, root namespace unchanged"
  else
    printf 'FAILED clean-up check: %s\n' "${report[@]}" >&2
    rc=1
  fi
  [ "$FAILED" != 0 ] || [ -z "$WORK" ] || rm -rf "$WORK"
  [ "$rc" = 0 ] && say "demo finished: all steps passed" || say "demo FAILED (exit $rc)"
  exit "$rc"
}
trap cleanup EXIT
trap 'echo "FAILED: line $LINENO: $BASH_COMMAND" >&2' ERR
trap 'exit 130' INT
trap 'exit 143' TERM

WORK=$(mktemp -d /tmp/clusterdns-demo.XXXXXX)
M=$WORK/manifests
ROOT_BEFORE=$(root_state)

# --- the manifests: a copy of k8s/examples, edited as a user would ------------------------------
mkdir -p "$M" "$WORK/stage" "$WORK/classes"
cp "$REPO"/k8s/examples/*.yaml "$M/"
javac -nowarn -cp "$DNS_JAR" -d "$WORK/classes" "$REPO/k8s/examples/demo/PodList.java"

pods() {   # pods DIR: "namespace name ip app ready ports" for every running pod of the manifests in DIR
  java -cp "$DNS_JAR:$WORK/classes" -Dorg.slf4j.simpleLogger.defaultLogLevel=error PodList "$1"
}

# Edits go to a staged copy of the file first: the script starts the new pods (the kubelet's part)
# before the file is renamed into the folder the components watch (the endpoints controller's
# part), as in a cluster, where a pod runs before it is Ready.
stage() { rm -rf "$WORK/stage"; cp -r "$M" "$WORK/stage"; }
publish() { for f in "$@"; do cp "$WORK/stage/$f" "$M/.$f.tmp" && mv "$M/.$f.tmp" "$M/$f"; done; }

set_replicas() {   # set_replicas FILE KIND NAME N: sets spec.replicas of that workload (kubectl scale)
  awk -v kind="$2" -v name="$3" -v n="$4" '
    /^---$/ { k = ""; nm = "" }
    /^kind: / { k = $2 }
    /^  name: / && nm == "" { nm = $2 }
    /^  replicas: [0-9]+$/ && k == kind && nm == name { print "  replicas: " n; done = 1; next }
    { print }
    END { exit !done }' "$1" > "$1.new" && mv "$1.new" "$1"
}

replicas_of() {   # replicas_of FILE KIND NAME
  awk -v kind="$2" -v name="$3" '
    /^---$/ { k = ""; nm = "" }
    /^kind: / { k = $2 }
    /^  name: / && nm == "" { nm = $2 }
    /^  replicas: [0-9]+$/ && k == kind && nm == name { print $2; exit }' "$1"
}

# The steps that change workloads, as a user would change them: the replicas of a Deployment in
# its file (the manifest source runs the controllers: pods, addresses, endpoints follow). Each
# prints the files it changed, for publish.
one_dns_replica() {   # one dns-server process is enough for a demo
  set_replicas "$WORK/stage/control-plane.yaml" Deployment coredns 1
  echo control-plane.yaml
}
scale_web() {   # scale_web N: Deployment web to N replicas, all Ready (the annotation marks the newest as starting)
  set_replicas "$WORK/stage/web.yaml" Deployment web "$1"
  sed -i 's/^\(    clusterdns.io\/unready-replicas:\) .*/\1 "0"/' "$WORK/stage/web.yaml"
  echo web.yaml
}

# --- the network --------------------------------------------------------------------------------
attach() {   # attach NS IP GATEWAY: a routed veth from the node namespace to NS (IP/32 there, GATEWAY/32 on the node side)
  local ns=$1 ip=$2 gw=$3 link="p$((LINKS++))"
  ip -n "$NODE_NS" link add "$link" type veth peer name eth0 netns "$ns"
  ip -n "$NODE_NS" addr add "$gw/32" dev "$link"
  ip -n "$NODE_NS" link set "$link" up
  ip -n "$NODE_NS" route add "$ip/32" dev "$link"
  ip -n "$ns" addr add "$ip/32" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route add "$gw" dev eth0 scope link
  ip -n "$ns" route add default via "$gw" dev eth0
}

cat > "$WORK/echo.py" <<'PY'
# A pod's HTTP server: answers every GET with the pod's name, on each port given.
import socketserver, sys, threading
from http.server import BaseHTTPRequestHandler
name = sys.argv[1]
class Echo(BaseHTTPRequestHandler):
    def do_GET(self):
        body = (name + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
servers = [Server(("0.0.0.0", int(port)), Echo) for port in sys.argv[2:]]
for s in servers[1:]:
    threading.Thread(target=s.serve_forever, daemon=True).start()
servers[0].serve_forever()
PY

answers() {   # answers NS URL EXPECTED: the body of URL fetched in NS is EXPECTED
  [ "$(ip netns exec "$1" curl -s --max-time 2 "$2")" = "$3" ]
}

start_pod() {   # start_pod NAME IP APP PORTS: the pod's namespace, routed from the node, and its server
  local name=$1 ip=$2 app=$3 ports=$4 ns=$PREFIX$1
  netns_add "$name"
  attach "$ns" "$ip" "$POD_GATEWAY"
  POD_NS[$name]=$ns
  if [ "$app" = kube-dns ]; then
    # the dns-server pod: its upstream (dnsPolicy: Default, the node's resolver) is the upstream namespace
    resolv_conf "$ns" "nameserver $UPSTREAM_IP"
    spawn "$ns" "$WORK/dns-server.log" java -Xmx256m -jar "$DNS_JAR" -conf "$WORK/Corefile"
    POD_PID[$name]=$SPAWNED
  else
    spawn "$ns" "$WORK/pod-$name.log" python3 "$WORK/echo.py" "$name" ${ports//,/ }
    POD_PID[$name]=$SPAWNED
  fi
}

await_pod() {   # await_pod NAME IP APP PORTS: its server answers (the kubelet's readiness probe)
  if [ "$3" = kube-dns ]; then
    await "dns-server in $1 ready (/ready on :8181)" answers "$NODE_NS" "http://$2:8181/ready" OK
  else
    await "echo server of $1 answering on $2:${4%%,*}" answers "$NODE_NS" "http://$2:${4%%,*}/" "$1"
  fi
}

stop_pod() {   # stop_pod NAME: after its endpoints are gone, the kubelet stops it and its network goes
  stop_pid "${POD_PID[$1]}"
  ip netns del "${POD_NS[$1]}"
  unset "POD_NS[$1]" "POD_PID[$1]"
}

# The pods this demo runs: web and mongo (echo servers) and the DNS server; the rest stay on paper.
demo_pods() { pods "$1" | awk '$4 == "web" || $4 == "mongo" || $4 == "kube-dns"'; }

say "clusterdns demo: a cluster in network namespaces ${PREFIX}* (manifests: a copy of k8s/examples in $M)"
stage
publish "$(one_dns_replica)"

NODE_NS=${PREFIX}node CLIENT_NS=${PREFIX}client UPSTREAM_NS=${PREFIX}upstream
netns_add node
ip netns exec "$NODE_NS" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
netns_add client
ip -n "$NODE_NS" link add ext0 type veth peer name eth0 netns "$CLIENT_NS"
ip -n "$NODE_NS" addr add "$NODE_IP/24" dev ext0
ip -n "$NODE_NS" link set ext0 up
ip -n "$CLIENT_NS" addr add "$CLIENT_IP/24" dev eth0
ip -n "$CLIENT_NS" link set eth0 up
ip -n "$CLIENT_NS" route add default via "$NODE_IP"
resolv_conf "$CLIENT_NS" "nameserver $DNS_VIP
search default.svc.cluster.local svc.cluster.local cluster.local
options ndots:5"
netns_add upstream
attach "$UPSTREAM_NS" "$UPSTREAM_IP" 198.51.100.1
spawn "$UPSTREAM_NS" "$WORK/dnsmasq.log" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
  --listen-address="$UPSTREAM_IP" --bind-interfaces --pid-file= --log-queries --log-facility=- \
  --host-record="$EXTERNAL_NAME,$EXTERNAL_IP" --bogus-priv

# kubeadm's Corefile, read from the coredns ConfigMap of the manifests; the one line added points
# the kubernetes plugin at the manifests instead of an API server.
awk '/^  Corefile: \|/ { on = 1; next } on && /^    / { print substr($0, 5); next } on { exit }' "$M/control-plane.yaml" \
  | sed "s|^\(    kubernetes cluster.local .*{\)$|\1\n       manifests $M|" > "$WORK/Corefile"
grep -q "manifests $M" "$WORK/Corefile" || fail "no kubernetes block in the coredns ConfigMap's Corefile"

POD_LINES=$(demo_pods "$M")
while read -r _ name ip app _ ports; do start_pod "$name" "$ip" "$app" "$ports"; done <<< "$POD_LINES"
spawn "$NODE_NS" "$WORK/agent.log" java -Xmx256m -jar "$AGENT_JAR" --manifests "$M" --node-name node-1 \
  --node-ip "$NODE_IP" --cluster-cidr 10.244.0.0/16
AGENT_PID=$SPAWNED
while read -r _ name ip app _ ports; do await_pod "$name" "$ip" "$app" "$ports"; done <<< "$POD_LINES"
DNS_PID=${POD_PID[$(awk '$4 == "kube-dns" { print $2 }' <<< "$POD_LINES")]}

rules() { ip netns exec "$NODE_NS" nft list table ip clusterdns; }
rules_have() { rules | grep "$1" >/dev/null; }
web_targets() {   # the endpoints web's service chain DNATs to
  # A small service picks its endpoint from its slots in a dnat-slots data map (keys offset ..
  # offset+mod-1); a service whose slots collide with another's DNATs inline ("dnat to ip:port").
  local chain line mod off map
  chain=$(rules | awk '/chain service-[A-Z0-9]*-default\/web\/tcp\/http \{/ { on = 1 } on { print } on && /^\t}/ { exit }')
  if grep -q 'dnat to [0-9]' <<< "$chain"; then
    sed -n 's/.*dnat to \([0-9.:]*\).*/\1/p' <<< "$chain" | sort -V | words
    return 0
  fi
  line=$(grep -m1 ' map @dnat-slots' <<< "$chain")
  [[ $line =~ mod\ ([0-9]+)\ offset\ ([0-9]+)\ map\ @([a-z0-9-]+) ]] || return 0
  mod=${BASH_REMATCH[1]}; off=${BASH_REMATCH[2]}; map=${BASH_REMATCH[3]}
  ip netns exec "$NODE_NS" nft list map ip clusterdns "$map" | tr -d '\n\t' | grep -o '[0-9]* : [0-9.]* \. [0-9]*' \
    | awk -v lo="$off" -v hi="$((off + mod))" '$1 >= lo && $1 < hi { print $3 ":" $5 }' | sort -V | words
}
await "discovery-agent programs kube-dns's ClusterIP" rules_have "$DNS_VIP . udp . 53"
await "dnsmasq answering on $UPSTREAM_IP" ip netns exec "$UPSTREAM_NS" dig +short +time=1 +tries=1 "@$UPSTREAM_IP" "$EXTERNAL_NAME"

step "node      $NODE_NS" "$NODE_IP, discovery-agent: $(rules | grep -c '^\schain service-' || true) service chains"
step "client    $CLIENT_NS" "$CLIENT_IP, resolv.conf: nameserver $DNS_VIP, cluster search path, ndots:5"
step "upstream  $UPSTREAM_NS" "$UPSTREAM_IP, dnsmasq: $EXTERNAL_NAME is $EXTERNAL_IP"
while read -r _ name ip app _ ports; do
  if [ "$app" = kube-dns ]; then what="dns-server, kubeadm's Corefile (from the coredns ConfigMap, + manifests)"; else what="HTTP echo on :${ports//,/,:}"; fi
  step "pod       $name" "$ip, $what"
done <<< "$POD_LINES"

# --- from the client, as a pod would -------------------------------------------------------------
say "from the client:"
client() { ip netns exec "$CLIENT_NS" "$@"; }
out=$(client getent hosts web) || fail "getent hosts web: no answer"
[[ "$out" == "10.96.45.100 "*"web.default.svc.cluster.local" ]] || fail "getent hosts web: $out"
step "getent hosts web" "$(tr -s ' ' <<< "$out")"
out=$(client dig +short web.default.svc.cluster.local)
[ "$out" = 10.96.45.100 ] || fail "dig web.default.svc.cluster.local: $out"
step "dig +short web.default.svc.cluster.local" "$out (from $DNS_VIP, DNATed to the dns-server pod)"

ready_web() { awk '$4 == "web" && $5 == "true" { print $2 }' <<< "$POD_LINES" | sort; }
# curl_until_all URL NAMES...: requests URL until every name has answered; prints what answered
curl_until_all() {
  local url=$1 end=$((SECONDS + DEADLINE)) body missing
  shift
  declare -A seen=()
  while :; do
    body=$(client curl -s --max-time 2 "$url") && seen[$body]=1
    missing=0
    for n in "$@"; do [ -n "${seen[$n]:-}" ] || missing=1; done
    [ "$missing" = 1 ] || break
    [ "$SECONDS" -lt "$end" ] || fail "curl $url: not every backend answered within ${DEADLINE}s (wanted: $*; got: ${!seen[*]})"
  done
  words "${!seen[@]}"
}

WEB=$(ready_web)
got=$(curl_until_all http://web/ $WEB)
[ "$got" = "$(words $WEB)" ] || fail "curl http://web/ reached $got; the Ready web pods are $WEB"
step "curl http://web/   (until every Ready pod answered)" "$got"
notready=$(awk '$4 == "web" && $5 == "false" { print $2 }' <<< "$POD_LINES" | words)
[ -z "$notready" ] || step "" "(never $notready: Running but not Ready, so not an endpoint)"
got=$(curl_until_all "http://$NODE_IP:30080/" $WEB)
step "curl http://$NODE_IP:30080/   (NodePort of web-nodeport)" "$got"

out=$(client getent hosts mongo-0.mongo-headless) || fail "getent hosts mongo-0.mongo-headless: no answer"
mongo0=$(awk '$2 == "mongo-0" { print $3 }' <<< "$POD_LINES")
[[ "$out" == "$mongo0 "* ]] || fail "mongo-0.mongo-headless resolved to $out, mongo-0 is $mongo0"
step "getent hosts mongo-0.mongo-headless" "$(tr -s ' ' <<< "$out")"
out=$(client curl -s --max-time 5 http://mongo-0.mongo-headless:27017/)
[ "$out" = mongo-0 ] || fail "curl http://mongo-0.mongo-headless:27017/ answered '$out'"
step "curl http://mongo-0.mongo-headless:27017/" "$out"

out=$(client getent hosts "$EXTERNAL_NAME") || fail "getent hosts $EXTERNAL_NAME: no answer"
[[ "$out" == "$EXTERNAL_IP "* ]] || fail "getent hosts $EXTERNAL_NAME: $out"
grep -q "query\[A\] $EXTERNAL_NAME from 10.244." "$WORK/dnsmasq.log" || fail "dnsmasq did not see the forwarded query"
step "getent hosts $EXTERNAL_NAME" "$(tr -s ' ' <<< "$out") (forwarded: dnsmasq saw the query from the dns-server pod)"

# --- scale up, then delete a pod: the components follow the files, no restart ----------------------
pods_only_in() {   # pods_only_in A B: the lines of A whose pod (namespace/name) B does not hold
  awk 'NR == FNR { had[$1 "/" $2] = 1; next } !($1 "/" $2 in had)' <(printf '%s\n' "$2") <(printf '%s\n' "$1") | sed '/^$/d'
}
became_ready() {   # became_ready BEFORE AFTER: names of pods Ready in AFTER and not in BEFORE
  awk 'NR == FNR { r[$1 "/" $2] = $5; next } $5 == "true" && ($1 "/" $2 in r) && r[$1 "/" $2] != "true" { print $2 }' \
    <(printf '%s\n' "$1") <(printf '%s\n' "$2") | words
}
same_processes() {
  kill -0 "$AGENT_PID" && kill -0 "$DNS_PID" || fail "the agent or the dns-server is not running any more"
}

ptr() { client dig +short -x "$1" | words; }
ptr_present() { [ -n "$(ptr "$1")" ]; }
ptr_gone() { client dig -x "$1" | grep "status: NXDOMAIN" >/dev/null; }
web_has() { [[ " $(web_targets) " == *" $1 "* ]]; }
web_lacks() { local t; t=$(web_targets); [ -n "$t" ] && [[ " $t " != *" $1 "* ]]; }
rules_lack() { rules >/dev/null && ! rules | grep "$1" >/dev/null; }

REPLICAS=$(replicas_of "$M/web.yaml" Deployment web)
say "scale web from $REPLICAS to $((REPLICAS + 1)) replicas: edit web.yaml, no restart"
stage
files=$(scale_web $((REPLICAS + 1)))
NEW_LINES=$(demo_pods "$WORK/stage")
added=$(pods_only_in "$NEW_LINES" "$POD_LINES")
[ "$(wc -l <<< "$added")" = 1 ] && [ -n "$added" ] || fail "scaling web up should add one pod, added: ${added:-none}"
read -r _ new_pod new_ip new_app _ new_ports <<< "$added"
start_pod "$new_pod" "$new_ip" "$new_app" "$new_ports"
await_pod "$new_pod" "$new_ip" "$new_app" "$new_ports"
readied=$(became_ready "$POD_LINES" "$NEW_LINES")
publish $files
POD_LINES=$NEW_LINES
step "web.yaml: replicas: $((REPLICAS + 1)), unready-replicas: \"0\"" "new pod $new_pod $new_ip${readied:+; Ready now: $readied}"
await "the agent's rules DNAT to $new_ip" web_has "$new_ip:8080"
step "nft list table ip clusterdns   (node)" "web's DNAT targets: $(web_targets)"
WEB=$(ready_web)
got=$(curl_until_all http://web/ $WEB)
[[ " $got " == *" $new_pod "* ]] || fail "curl http://web/ never reached $new_pod"
step "curl http://web/" "$got"
await "PTR of $new_ip" ptr_present "$new_ip"
step "dig +short -x $new_ip" "$(ptr "$new_ip")"
same_processes
step "" "(agent and dns-server: the same processes, never restarted)"

say "scale web back to $REPLICAS: the controller deletes a pod, which leaves the rules and DNS"
stage
files=$(scale_web "$REPLICAS")
NEW_LINES=$(demo_pods "$WORK/stage")
removed=$(pods_only_in "$POD_LINES" "$NEW_LINES")
[ "$(wc -l <<< "$removed")" = 1 ] && [ -n "$removed" ] || fail "scaling web down should delete one pod, deleted: ${removed:-none}"
[ -z "$(pods_only_in "$NEW_LINES" "$POD_LINES")" ] || fail "scaling web down started a pod"
read -r _ gone gone_ip _ <<< "$removed"
step "dig +short -x $gone_ip   (before)" "$(ptr "$gone_ip")"
publish $files
POD_LINES=$NEW_LINES
step "web.yaml: replicas: $REPLICAS" "pod $gone $gone_ip deleted"
await "the agent's rules drop $gone_ip" web_lacks "$gone_ip:8080"
step "nft list table ip clusterdns   (node)" "web's DNAT targets: $(web_targets)"
WEB=$(ready_web)
got=$(curl_until_all http://web/ $WEB)
[[ " $got " != *" $gone "* ]] || fail "curl http://web/ still reached $gone after its rules went"
step "curl http://web/" "$got"
await "$gone_ip leaving DNS" ptr_gone "$gone_ip"
step "dig -x $gone_ip" "NXDOMAIN: gone from DNS (kubeadm's 'cache 30' may keep an answer 30 s)"
stop_pod "$gone"
step "" "(then its server stopped and its namespace deleted, as the kubelet does)"
same_processes

FAILED=0
