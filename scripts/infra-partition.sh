# shellcheck shell=bash
# Sourced by scripts/infra for `scripts/infra partition ...`: a 3-node RabbitMQ cluster whose nodes each live in a
# network namespace of their own, for the partition tests (issue 32). Needs root (network namespaces, nftables).
#
# The test hosts and their addresses, on a bridge of their own (${PARTITION_BRIDGE}, ${PARTITION_NET}.0/24, a
# private range no machine here uses; nothing is routed beyond the bridge):
#   node1..node3   namespaces bus-node1..3, ${PARTITION_NET}.1-3, RabbitMQ node rabbit@${PARTITION_NET}.N with
#                  AMQP on port 5672, its own epmd and Erlang distribution on 25672
#   consul         namespace bus-consul, ${PARTITION_NET}.10: a Consul agent of its own (HTTP on 8500), for
#                  the test that cuts a sidecar off from Consul
#   app            the host's own namespace, ${PARTITION_NET}.254 on the bridge: the test JVM (app and sidecar),
#                  which holds no node of this cluster
# A fault is a set of nftables rules in the namespaces at both ends of a link (`cut`), or a slow, lossy link
# (`degrade`); `heal` removes them all. Rules drop packets silently, as a failed switch does: nothing is refused,
# peers only notice when their heartbeats time out.
#
#   scripts/infra partition up|down|status
#   scripts/infra partition cut HOST HOST [HOST HOST...]   hosts: node1 node2 node3 consul app
#   scripts/infra partition degrade HOST RATE LOSS%         e.g. degrade node3 2mbit 5
#   scripts/infra partition heal
#   scripts/infra partition ctl N RABBITMQCTL-ARGS...      rabbitmqctl run on node N's own host
#   scripts/infra partition consul-up|consul-down
PARTITION_DIR="${HOME_DIR}/rabbitmq-partition"
PARTITION_NET="10.77.0"
PARTITION_BRIDGE="busnet0"
PARTITION_SIZE=3
PARTITION_APP_ADDRESS="${PARTITION_NET}.254"
PARTITION_CONSUL_ADDRESS="${PARTITION_NET}.10"
# Erlang's distribution notices a silent peer after 0.75 to 1.25 net ticks. The default tick of 60 s leaves a node
# that lost its peers serving clients for up to 75 s; 10 s makes partitions visible in 8 to 13 s (docs/reliability.md
# says what to set in production and why).
PARTITION_NET_TICKTIME=10
# How long `up` waits for a node whose Erlang VM runs but which does not serve (paused, or starting again after a
# heal) before it kills the VM and starts it afresh.
PARTITION_STUCK_SECONDS=30

partition_netns() { echo "bus-$1"; }
partition_address() {
  case "$1" in
    node[1-3]) echo "${PARTITION_NET}.${1#node}" ;;
    consul) echo "${PARTITION_CONSUL_ADDRESS}" ;;
    app) echo "${PARTITION_APP_ADDRESS}" ;;
    *) die "unknown test host '$1' (node1, node2, node3, consul, app)" ;;
  esac
}
partition_node_name() { echo "rabbit@${PARTITION_NET}.$1"; }

# partition_host_setup NAME: a namespace with loopback up and a veth to the bridge carrying the host's address.
partition_host_setup() {
  local host="$1" ns address
  ns="$(partition_netns "${host}")"
  address="$(partition_address "${host}")"
  ip netns list | grep -qw "${ns}" && return 0
  ip netns add "${ns}"
  ip -n "${ns}" link set lo up
  ip link add "bv-${host}" type veth peer name eth0 netns "${ns}"
  ip link set "bv-${host}" master "${PARTITION_BRIDGE}" up
  ip -n "${ns}" addr add "${address}/24" dev eth0
  ip -n "${ns}" link set eth0 up
  # The table faults are written into; empty until a fault.
  ip netns exec "${ns}" nft -f - <<EOF
table inet bus_faults {
  chain input { type filter hook input priority 0; policy accept; }
  chain output { type filter hook output priority 0; policy accept; }
}
EOF
}

# nftables, whose rules make the faults (installed with the other test tools by `up` and `tools`).
partition_tools_up() {
  command -v nft >/dev/null && return 0
  log "installing nftables from Debian's packages (the partition tests' faults are nftables rules)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nftables >/dev/null
}

partition_network_up() {
  partition_tools_up
  [[ ${EUID} -eq 0 ]] || die "the partition cluster needs root (network namespaces)"
  if ! ip link show "${PARTITION_BRIDGE}" >/dev/null 2>&1; then
    ip link add "${PARTITION_BRIDGE}" type bridge
    ip addr add "${PARTITION_APP_ADDRESS}/24" dev "${PARTITION_BRIDGE}"
    ip link set "${PARTITION_BRIDGE}" up
  fi
  local n
  for ((n = 1; n <= PARTITION_SIZE; n++)); do partition_host_setup "node${n}"; done
  partition_host_setup consul
}

partition_network_down() {
  local host ns
  for host in node1 node2 node3 consul; do
    ns="$(partition_netns "${host}")"
    if ip netns list | grep -qw "${ns}"; then
      # Whatever still runs in the namespace (epmd, a node that did not stop) goes with it.
      ip netns pids "${ns}" | xargs -r kill -9 2>/dev/null || true
      ip netns del "${ns}"
    fi
    ip link del "bv-${host}" 2>/dev/null || true
  done
  ip link del "${PARTITION_BRIDGE}" 2>/dev/null || true
}

# partition_env N COMMAND...: COMMAND in node N's namespace and environment.
partition_env() {
  local n="$1"; shift
  ip netns exec "$(partition_netns "node${n}")" env HOME="${PARTITION_DIR}" RABBITMQ_USE_LONGNAME=true \
    RABBITMQ_NODENAME="$(partition_node_name "${n}")" RABBITMQ_NODE_IP_ADDRESS="${PARTITION_NET}.${n}" \
    RABBITMQ_NODE_PORT=5672 RABBITMQ_DIST_PORT=25672 RABBITMQ_MNESIA_BASE="${PARTITION_DIR}/node${n}/mnesia" \
    RABBITMQ_LOG_BASE="${PARTITION_DIR}/node${n}/log" RABBITMQ_CONFIG_FILE="${PARTITION_DIR}/rabbitmq.conf" \
    RABBITMQ_CONF_ENV_FILE="${PARTITION_DIR}/rabbitmq-env.conf" \
    RABBITMQ_ENABLED_PLUGINS_FILE="${PARTITION_DIR}/enabled_plugins" RABBITMQ_PID_FILE="${PARTITION_DIR}/node${n}/pid" \
    ERL_CRASH_DUMP="${PARTITION_DIR}/node${n}/erl_crash.dump" \
    "$@"
}

partition_ctl() {
  local n="$1"; shift
  partition_env "${n}" /usr/lib/rabbitmq/bin/rabbitmqctl -n "$(partition_node_name "${n}")" "$@"
}

partition_node_up_check() { partition_ctl "$1" -q await_startup --timeout 1 >/dev/null 2>&1; }

partition_running() { partition_ctl "$1" -q eval 'length(rabbit_nodes:all_running()).' 2>/dev/null || echo 0; }

partition_formed() { [[ "$(partition_running "$1")" == "${PARTITION_SIZE}" ]]; }

partition_config() {
  mkdir -p "${PARTITION_DIR}"
  if [[ ! -s "${PARTITION_DIR}/.erlang.cookie" ]]; then
    (umask 077; openssl rand -hex 20 | tr -d '\n' > "${PARTITION_DIR}/.erlang.cookie")
  fi
  chmod 400 "${PARTITION_DIR}/.erlang.cookie"
  printf '%s\n' 'SERVER_ADDITIONAL_ERL_ARGS="+sbwt none +sbwtdcpu none +sbwtdio none"' \
    > "${PARTITION_DIR}/rabbitmq-env.conf"
  echo '[].' > "${PARTITION_DIR}/enabled_plugins"
  local n
  {
    echo 'cluster_formation.peer_discovery_backend = classic_config'
    for ((n = 1; n <= PARTITION_SIZE; n++)); do
      echo "cluster_formation.classic_config.nodes.${n} = $(partition_node_name "${n}")"
    done
    # A node that sees fewer than half of the cluster stops serving (closes its listeners) until it sees a
    # majority again: clients move to the majority instead of writing to a side that will be thrown away.
    echo 'cluster_partition_handling = pause_minority'
    echo "net_ticktime = ${PARTITION_NET_TICKTIME}"
    # guest may only log in over loopback by default; here the app is another host on the test bridge.
    echo 'loopback_users = none'
  } > "${PARTITION_DIR}/rabbitmq.conf"
}

# The pid of node N's Erlang VM, if one runs in its namespace (its pid file is not to be trusted: a second start
# that failed removes it).
partition_vm_pid() {
  local pid
  for pid in $(ip netns pids "$(partition_netns "node$1")" 2>/dev/null); do
    if [[ "$(cat "/proc/${pid}/comm" 2>/dev/null)" == beam.smp ]]; then echo "${pid}"; return 0; fi
  done
  return 1
}

# Waits for a node whose VM runs to serve again; one that does not within ${PARTITION_STUCK_SECONDS} s is killed and
# started afresh. Seen here: RabbitMQ 3.10.8 on Erlang 25.2, a node paused by pause_minority starts again after the
# heal and hangs for ever in its boot step `database` (rabbit_node_monitor:global_sync, waiting on Erlang's global:
# rabbitmq-server#6034, fixed in later RabbitMQ releases). Its peers serve meanwhile; an operator (or a liveness
# probe) restarts it, as this does.
partition_await_node() {
  local n="$1" deadline=$((SECONDS + PARTITION_STUCK_SECONDS)) pid
  until partition_node_up_check "${n}"; do
    if ((SECONDS >= deadline)); then
      pid="$(partition_vm_pid "${n}")" || return 0
      log "partition cluster: $(partition_node_name "${n}") does not serve after ${PARTITION_STUCK_SECONDS} s (boot" \
        "state: $(partition_ctl "${n}" -q eval 'rabbit_boot_state:get().' 2>/dev/null || echo unknown)): killing its VM" \
        "and starting it again (a node hung in global:sync after a partition: rabbitmq-server#6034)"
      kill -9 "${pid}"
      while kill -0 "${pid}" 2>/dev/null; do sleep 0.2; done
      partition_start_node "${n}"
      return 0
    fi
    sleep 0.5
  done
}

partition_start_node() {
  local n="$1"
  mkdir -p "${PARTITION_DIR}/node${n}"
  log "partition cluster: starting $(partition_node_name "${n}") in namespace $(partition_netns "node${n}")"
  partition_env "${n}" nohup /usr/lib/rabbitmq/bin/rabbitmq-server >>"${LOG_DIR}/rabbitmq-partition-${n}.log" 2>&1 &
  record "rabbitmq-partition-${n}" $!
}

partition_up() {
  [[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] || install_rabbitmq
  partition_network_up
  partition_config
  local n started=0 begin=${SECONDS} fresh=1
  [[ -d "${PARTITION_DIR}/node1/mnesia" ]] && fresh=0
  for ((n = 1; n <= PARTITION_SIZE; n++)); do
    partition_node_up_check "${n}" && continue
    started=1
    if partition_vm_pid "${n}" >/dev/null; then partition_await_node "${n}"; continue; fi
    partition_start_node "${n}"
    if ((n == 1 && fresh)); then wait_for "rabbitmq-partition-1" partition_node_up_check 1; fi
  done
  for ((n = 1; n <= PARTITION_SIZE; n++)); do wait_for "rabbitmq-partition-${n}" partition_node_up_check "${n}"; done
  wait_for rabbitmq-partition-1 partition_formed 1
  if ((started)); then
    log "partition cluster: ${PARTITION_SIZE} nodes in their own namespaces, one cluster after $((SECONDS - begin)) s"
  else
    log "partition cluster: already running on ${PARTITION_NET}.1-${PARTITION_SIZE}:5672"
  fi
}

partition_down() {
  partition_heal
  local n
  for ((n = 1; n <= PARTITION_SIZE; n++)); do
    (partition_ctl "${n}" -q stop "${PARTITION_DIR}/node${n}/pid" >/dev/null 2>&1 || true) &
  done
  wait
  partition_consul_down
  for ((n = 1; n <= PARTITION_SIZE; n++)); do rm -f "${PID_DIR}/rabbitmq-partition-${n}"; done
  partition_network_down
  rm -rf "${PARTITION_DIR}"/node* "${PARTITION_DIR}/consul"
  log "partition cluster: stopped, namespaces and data deleted"
}

partition_status() {
  local n failed=0
  for ((n = 1; n <= PARTITION_SIZE; n++)); do
    if partition_node_up_check "${n}"; then
      printf '%-22s up    amqp://%s:5672 (cluster members running: %s)\n' "$(partition_node_name "${n}")" \
        "${PARTITION_NET}.${n}" "$(partition_running "${n}")"
    else printf '%-22s DOWN  amqp://%s:5672\n' "$(partition_node_name "${n}")" "${PARTITION_NET}.${n}"; failed=1; fi
  done
  return "${failed}"
}

# partition_drop HOST PEER: HOST's namespace drops everything to and from PEER.
partition_drop() {
  local host="$1" peer
  peer="$(partition_address "$2")"
  [[ "${host}" == app ]] && return 0
  ip netns exec "$(partition_netns "${host}")" nft -f - <<EOF
add rule inet bus_faults input ip saddr ${peer} drop
add rule inet bus_faults output ip daddr ${peer} drop
EOF
}

# Cuts each pair of hosts given: both ends drop the other's packets (for the app, the other end alone: the host's
# own namespace is never touched).
partition_cut() {
  (($# >= 2 && $# % 2 == 0)) || die "usage: partition cut HOST HOST [HOST HOST...]"
  while (($# >= 2)); do
    [[ "$1" != "$2" ]] || die "cannot cut $1 off from itself"
    [[ "$1" != app || "$2" != app ]] || die "cannot cut app off from itself"
    partition_address "$1" >/dev/null; partition_address "$2" >/dev/null
    partition_drop "$1" "$2"
    partition_drop "$2" "$1"
    log "partition: $1 and $2 cut off from each other"
    shift 2
  done
}

# A slow, lossy link: HOST's packets leave through a token bucket of RATE (so they queue, up to 400 ms, as on a
# saturated link) and LOSS percent of them, both ways, are dropped at random. (tc's netem, which would add a fixed
# delay, is not in every kernel; this machine's has none.)
partition_degrade() {
  local host="$1" rate="$2" loss="$3" ns
  [[ "${host}" != app && -n "${rate}" && "${loss}" =~ ^[0-9]+$ ]] || die "usage: partition degrade HOST RATE LOSS%"
  ns="$(partition_netns "${host}")"
  ip -n "${ns}" link show eth0 >/dev/null 2>&1 || die "no test host ${host}: run partition up first"
  tc -n "${ns}" qdisc replace dev eth0 root tbf rate "${rate}" burst 16kbit latency 400ms
  ip netns exec "${ns}" nft -f - <<EOF
add rule inet bus_faults input meta l4proto tcp numgen random mod 100 < ${loss} drop
add rule inet bus_faults output meta l4proto tcp numgen random mod 100 < ${loss} drop
EOF
  log "partition: ${host}'s link limited to ${rate} with ${loss}% loss"
}

partition_heal() {
  local host ns
  for host in node1 node2 node3 consul; do
    ns="$(partition_netns "${host}")"
    ip netns list | grep -qw "${ns}" || continue
    ip netns exec "${ns}" nft flush table inet bus_faults 2>/dev/null || true
    tc -n "${ns}" qdisc del dev eth0 root 2>/dev/null || true
  done
  log "partition: every link healed"
}

# A Consul agent of its own on the consul test host (dev mode, in memory), for the test that cuts a sidecar off
# from Consul; the cluster's nodes are registered in it as ${CLUSTER_SERVICE} with TCP checks.
partition_consul_url() { echo "http://${PARTITION_CONSUL_ADDRESS}:8500"; }
partition_consul_up_check() {
  [[ -n "$(curl -sf --max-time 1 "$(partition_consul_url)/v1/status/leader" 2>/dev/null | tr -d '"')" ]]
}

partition_consul_nodes_passing() {
  [[ "$(curl -sf --max-time 1 "$(partition_consul_url)/v1/health/checks/${CLUSTER_SERVICE}" 2>/dev/null \
    | grep -o '"Status": *"passing"' | wc -l)" == "${PARTITION_SIZE}" ]]
}

partition_consul_up() {
  partition_network_up
  [[ -x "${CONSUL_BIN}" ]] || install_consul
  if ! partition_consul_up_check; then
    mkdir -p "${PARTITION_DIR}/consul"
    ip netns exec "$(partition_netns consul)" nohup "${CONSUL_BIN}" agent -dev -node bus-partition-consul \
      -bind "${PARTITION_CONSUL_ADDRESS}" -client "${PARTITION_CONSUL_ADDRESS}" \
      >>"${LOG_DIR}/consul-partition.log" 2>&1 &
    record consul-partition $!
    wait_for consul-partition partition_consul_up_check
  fi
  local n
  for ((n = 1; n <= PARTITION_SIZE; n++)); do
    curl -sf -X PUT "$(partition_consul_url)/v1/agent/service/register" -d "{\"ID\": \"${CLUSTER_SERVICE}-${n}\",
      \"Name\": \"${CLUSTER_SERVICE}\", \"Address\": \"${PARTITION_NET}.${n}\", \"Port\": 5672,
      \"Check\": {\"TCP\": \"${PARTITION_NET}.${n}:5672\", \"Interval\": \"1s\", \"Timeout\": \"1s\"}}" \
      || die "could not register node ${n} in the partition cluster's Consul"
  done
  # A sidecar started before the checks first pass would be handed no broker node.
  wait_for consul-partition partition_consul_nodes_passing
  log "partition cluster: Consul on $(partition_consul_url), the nodes registered as ${CLUSTER_SERVICE}, passing"
}

partition_consul_down() {
  if [[ -f "${PID_DIR}/consul-partition" ]]; then
    stop_pid consul-partition
    rm -f "${PID_DIR}/consul-partition"
  fi
}

partition() {
  case "${1:-}" in
    up) partition_up ;;
    down) partition_down ;;
    status) partition_status ;;
    cut) shift; partition_cut "$@" ;;
    degrade) shift; partition_degrade "$@" ;;
    heal) partition_heal ;;
    consul-up) partition_consul_up ;;
    consul-down) partition_consul_down ;;
    ctl)
      [[ "${2:-}" =~ ^[1-${PARTITION_SIZE}]$ ]] || die "usage: $0 partition ctl NODE (1-${PARTITION_SIZE}) ARGS..."
      local node="$2"; shift 2; partition_ctl "${node}" "$@" ;;
    *) echo "usage: $0 partition up|down|status|cut HOST HOST...|degrade HOST RATE LOSS%|heal|ctl N ARGS..." \
         "|consul-up|consul-down" >&2
      exit 2 ;;
  esac
}
