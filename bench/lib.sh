# Shared helpers of the benchmark scripts (sourced, not run).

# The tokens of the benchmark runs: the standalone simulator's default app token, a webhook token and
# the API key (a connector pointed at a standalone simulator is not in demo mode and needs one).
SIM_APP_TOKEN=sim-app-token-0123456789
WEBHOOK_TOKEN=bench-webhook-token-0123456789
API_KEY=bench-api-key-0123456789
# the embedded broker's login, asked of the CRM consumer on its acceptor (connector.broker.password)
BROKER_PASSWORD=bench-broker-password-0123456789

# The JVM profiles every area runs the connector with: lean is the connector as the container image runs
# it (deploy/jvm-lean.options and the class data archive the Dockerfile makes), the headline row of
# each table; default is the JVM's own defaults (on this machine a heap of up to a quarter of its memory).
PROFILES=${PROFILES:-lean default}
LEAN_ARCHIVE=bench/work/ccs-connector.jsa

# lean_archive: makes the class data archive the way the Dockerfile does (a run bounded by
# camel.main.duration-max-seconds on the embedded simulator), unless one newer than the jar exists.
lean_archive() {
  [ "$LEAN_ARCHIVE" -nt target/ccs-connector.jar ] && return
  rm -rf "$LEAN_ARCHIVE" bench/work/data-cds-training
  java @deploy/jvm-lean.options -XX:ArchiveClassesAtExit="$LEAN_ARCHIVE" -Dcamel.main.duration-max-seconds=10 \
    -Dconnector.data-dir=bench/work/data-cds-training -jar target/ccs-connector.jar > bench/work/cds-training.log 2>&1
}

# jvm_options PROFILE: sets JVM to the JVM options of that profile (an array), followed by those of
# JVM_EXTRA (e.g. JVM_EXTRA=-Xlog:gc:file=bench/work/gc.log to look closer; empty in a measured run), and LAUNCHER
# to what runs the JVM: for lean, as root, setpriv without CAP_SYS_NICE, which the image's user lacks (a thread that a
# lowered one starts then keeps nice 19, as in the image)
LAUNCHER=()
jvm_options() {
  LAUNCHER=()
  case $1 in
    lean) lean_archive; JVM=(@deploy/jvm-lean.options -XX:SharedArchiveFile="$LEAN_ARCHIVE")
      [ "$(id -u)" = 0 ] && LAUNCHER=(setpriv --inh-caps=-sys_nice --bounding-set=-sys_nice) ;;
    default) JVM=() ;;
    *) echo "unknown profile $1" >&2; return 1 ;;
  esac
  # shellcheck disable=SC2206 # options separated by spaces
  JVM+=(${JVM_EXTRA:-})
}

# Installs wrk (the HTTP load generator) when it is missing.
need_wrk() {
  if ! command -v wrk > /dev/null; then
    local as_root
    as_root=$([ "$(id -u)" -eq 0 ] || echo sudo)
    # on stderr: the scripts print their tables on stdout
    $as_root apt-get update -q >&2
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >&2
  fi
}

# A free TCP port on loopback.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Milliseconds since the epoch.
now_ms() {
  date +%s%3N
}

# fresh_data_dir DIR: DIR deleted, and the kernel's caches dropped, so that every measured
# configuration starts from the same state. ext4 without a journal does not reuse an inode freed in the
# last minutes: it scans past each one when it creates a file, as long as its inode table block is
# cached. After a run's 100,000 event files were deleted, creating the next run's files took the file
# sink's thread as much kernel CPU as all its own work (CPU per record doubled, records/s halved).
# Where they cannot be dropped (not root, or a read-only /proc/sys in a container) they stay, and
# results.md says so.
fresh_data_dir() {
  rm -rf "$1"
  can_drop_caches || return 0
  sync
  echo 3 > /proc/sys/vm/drop_caches
  # what a launch reads comes back into the cache, as it was for every launch before
  cat target/ccs-connector.jar target/lib/*.jar "$LEAN_ARCHIVE" > /dev/null 2>&1 || true
}

can_drop_caches() { [ -w /proc/sys/vm/drop_caches ]; }

# start_connector NAME [JAVA OPTIONS...]: starts target/ccs-connector.jar from the project root in
# the background with its log in bench/work/NAME.log; sets PID, PORT and STARTUP_MS (launch to ready).
start_connector() {
  local name=$1; shift
  PORT=$(free_port)
  local started
  started=$(now_ms)
  "${LAUNCHER[@]}" java "$@" -Dcamel.server.port="$PORT" -jar target/ccs-connector.jar > "bench/work/$name.log" 2>&1 &
  PID=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/observe/health/ready"; do
    if ! kill -0 "$PID" 2>/dev/null; then echo "connector $name died, see bench/work/$name.log" >&2; return 1; fi
    sleep 0.02
  done
  STARTUP_MS=$(( $(now_ms) - started ))
}

stop_connector() {
  kill "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
}

# cpu_ticks PID...: user + system clock ticks the processes (all their threads) have used so far
cpu_ticks() { local t=0; for p in "$@"; do t=$(( t + $(awk '{print $14 + $15}' "/proc/$p/stat") )); done; echo "$t"; }
TICK=$(getconf CLK_TCK)

# cpu_ms_per TICKS UNITS: CPU milliseconds per unit of work, two decimals
cpu_ms_per() { python3 -c "print(f'{$1 * 1000 / $TICK / $2:.2f}')"; }

# Resident set size of a process in MB (current, or the peak with "peak").
rss_mb() {
  local field=VmRSS
  [ "${2:-}" = peak ] && field=VmHWM
  awk -v f="$field:" '$1 == f { printf "%.0f", $2 / 1024 }' "/proc/$1/status"
}

# start_simulator NAME [SIMULATOR OPTIONS...]: starts the standalone simulator in the background,
# stopped when the script exits, with its log in bench/work/NAME.log; sets SIM_PORT.
start_simulator() {
  local name=$1; shift
  SIM_PORT=$(free_port)
  java -cp target/ccs-connector.jar ccs.connector.simulator.SimulatorMain --port "$SIM_PORT" "$@" > "bench/work/$name.log" 2>&1 &
  SIM_PID=$!
  trap 'kill $SIM_PID 2>/dev/null || true' EXIT
  until curl -sf -o /dev/null "http://127.0.0.1:$SIM_PORT/sim/status"; do sleep 0.2; done
}

# sim_requests FUNCTION: how many API requests of that function the simulator has received.
sim_requests() {
  curl -s "http://127.0.0.1:$SIM_PORT/sim/status" | python3 -c "import json,sys; print(json.load(sys.stdin)['requestsByFunction'].get('$1', 0))"
}
