#!/usr/bin/env bash
# Several replicas: webhook intake of two replicas sharing a PostgreSQL state store and a standalone
# Artemis outbox next to one replica on the embedded defaults (H2 file, vm://0), the CPU each request
# costs in every process (connectors, PostgreSQL, Artemis), and the failover time after a kill -9 of
# the leader (connector.cluster=file): until the other replica leads, and until its first CDR poll.
# Prints markdown tables and keeps them in bench/cluster-results.md. Needs Debian's postgresql package;
# the Artemis distribution comes from Maven. Not a test: CI does not run it. About 4 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
mkdir -p bench/work
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-60s}
ARTEMIS_VERSION=2.44.0
need_wrk
WORK=$(mktemp -d /tmp/ccs-bench-cluster.XXXX)
# the unprivileged user that runs PostgreSQL must reach its directory
chmod 755 "$WORK"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  # runuser does not pass the signal on: PostgreSQL by its own pid file
  [ -f "$WORK/pg/data/postmaster.pid" ] && kill "$(head -1 "$WORK/pg/data/postmaster.pid")" 2>/dev/null
  sleep 1
  rm -rf "$WORK"
}
trap cleanup EXIT

## the engines: a private PostgreSQL cluster (as the user postgres when run as root) and a standalone Artemis
as_postgres() { if [ "$(id -u)" -eq 0 ]; then chown -R postgres "$WORK/pg"; runuser -u postgres -- "$@"; else "$@"; fi; }
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PG_PORT=$(free_port)
mkdir -p "$WORK/pg" && echo bench-password > "$WORK/pg/password"
as_postgres "$PG_BIN/initdb" -D "$WORK/pg/data" -U ccs --pwfile="$WORK/pg/password" --auth=scram-sha-256 -E UTF8 > "$WORK/pg/initdb.log"
as_postgres "$PG_BIN/postgres" -D "$WORK/pg/data" -p "$PG_PORT" -c listen_addresses=127.0.0.1 -c "unix_socket_directories=$WORK/pg" \
  > bench/work/cluster-postgres.log 2>&1 &
PIDS+=($!)
mvn -B -q dependency:get -Dartifact=org.apache.activemq:apache-artemis:$ARTEMIS_VERSION:tar.gz:bin -Dtransitive=false
tar xzf ~/.m2/repository/org/apache/activemq/apache-artemis/$ARTEMIS_VERSION/apache-artemis-$ARTEMIS_VERSION-bin.tar.gz -C "$WORK"
ARTEMIS_PORT=$(free_port)
"$WORK/apache-artemis-$ARTEMIS_VERSION/bin/artemis" create "$WORK/broker" --silent --user ccs --password bench-password \
  --require-login --host 127.0.0.1 --default-port "$ARTEMIS_PORT" --no-web --no-amqp-acceptor --no-mqtt-acceptor \
  --no-stomp-acceptor --no-hornetq-acceptor --nio > "$WORK/artemis-create.log"
"$WORK/broker/bin/artemis" run > bench/work/cluster-artemis.log 2>&1 &
PIDS+=($!)
ARTEMIS_PID=$!
until (echo > "/dev/tcp/127.0.0.1/$ARTEMIS_PORT") 2> /dev/null; do sleep 0.2; done
until (echo > "/dev/tcp/127.0.0.1/$PG_PORT") 2> /dev/null; do sleep 0.2; done
PG_PID=$(head -1 "$WORK/pg/data/postmaster.pid")

start_simulator cluster-simulator --records 0
# start_simulator's own trap stops only the simulator: stop everything
PIDS+=("$SIM_PID")
trap cleanup EXIT
SHARED=(-Dconnector.database.url="jdbc:postgresql://127.0.0.1:$PG_PORT/postgres" -Dconnector.database.username=ccs
  -Dconnector.database.password=bench-password -Dconnector.outbox.broker-url="tcp://127.0.0.1:$ARTEMIS_PORT"
  -Dconnector.outbox.username=ccs -Dconnector.outbox.password=bench-password -Dcrm.jms.broker-url="tcp://127.0.0.1:$ARTEMIS_PORT"
  -Dcrm.jms.username=ccs -Dcrm.jms.password=bench-password -Dconnector.cluster=file -Dconnector.cluster.root="$WORK/cluster")
COMMON=(-Dccs.api-url="http://127.0.0.1:$SIM_PORT/api/" -Dccs.app-token="$SIM_APP_TOKEN" -Dconnector.api-key="$API_KEY"
  "-Dconnector.webhook-token=$WEBHOOK_TOKEN" -Dconnector.webhook.enrich-with-cdr=false -Dcrm.sink=file)

# postgres forks a process per connection: all of them
pg_pids() { pgrep -f "$PG_BIN/postgres" | tr '\n' ' '; echo "$(pgrep -P "$PG_PID" | tr '\n' ' ')"; }

# intake NAME URL...: wrk on every URL at once (32 connections in all), one table row with requests/s and
# the CPU milliseconds per request in the connectors and in the shared engines
intake() {
  local name=$1; shift
  local per=$(( 32 / $# ))
  local loads=()
  for url in "$@"; do wrk -t1 -c"$per" -d"$WARMUP" -s bench/hangup.lua "$url" > /dev/null 2>&1 & loads+=($!); done
  wait "${loads[@]}"
  local engines connectors before_c before_e
  engines=$([ "$name" = "1 replica, embedded" ] && echo "" || echo "$(pg_pids) $ARTEMIS_PID")
  before_c=$(cpu_ticks "${CONNECTORS[@]}"); before_e=$(cpu_ticks $engines)
  local total=0
  loads=()
  for url in "$@"; do wrk -t1 -c"$per" -d"$DURATION" -s bench/hangup.lua "$url" > "$WORK/wrk-${#loads[@]}" 2>&1 & loads+=($!); done
  wait "${loads[@]}"
  for out in "$WORK"/wrk-*; do total=$(( total + $(awk '/^Requests:|requests in/ {gsub(",", "", $1); print $1; exit}' "$out") )); done
  local seconds=${DURATION%s}
  local c_ms e_ms
  c_ms=$(cpu_ms_per "$(( $(cpu_ticks "${CONNECTORS[@]}") - before_c ))" "$total")
  e_ms=$(cpu_ms_per "$(( $(cpu_ticks $engines) - before_e ))" "$total")
  rm -f "$WORK"/wrk-*
  out "| $name | $(( total / seconds )) | $c_ms | $e_ms |"
}

TABLES=bench/work/cluster.tables
: > "$TABLES"
# out LINE: a line of the tables, printed and kept
out() { echo "$*" | tee -a "$TABLES"; }
out "| setup | webhooks/s (32 connections) | CPU ms per request, connectors | CPU ms per request, PostgreSQL + Artemis |"
out "|---|---|---|---|"
start_connector cluster-embedded "${COMMON[@]}" -Dccs.cdr.enabled=false -Dconnector.data-dir="$WORK/embedded"
PIDS+=("$PID")
CONNECTORS=("$PID")
intake "1 replica, embedded" "http://127.0.0.1:$PORT/webhooks/ccs/hangup?token=$WEBHOOK_TOKEN"
stop_connector

start_connector cluster-a "${COMMON[@]}" "${SHARED[@]}" -Dccs.cdr.interval=1s -Dconnector.data-dir="$WORK/a"
A_PID=$PID A_PORT=$PORT
start_connector cluster-b "${COMMON[@]}" "${SHARED[@]}" -Dccs.cdr.interval=1s -Dconnector.data-dir="$WORK/b"
B_PID=$PID B_PORT=$PORT
PIDS+=("$A_PID" "$B_PID")
CONNECTORS=("$A_PID" "$B_PID")
intake "2 replicas, PostgreSQL + Artemis" "http://127.0.0.1:$A_PORT/webhooks/ccs/hangup?token=$WEBHOOK_TOKEN" \
  "http://127.0.0.1:$B_PORT/webhooks/ccs/hangup?token=$WEBHOOK_TOKEN"

## failover: kill -9 the leader, then time until the other leads and until its first CDR poll
leads() { curl -s "http://127.0.0.1:$1/observe/metrics" | grep -q '^ccs_cluster_leader.* 1\.0$'; }
if leads "$A_PORT"; then LEADER=$A_PID OTHER=$B_PORT; else LEADER=$B_PID OTHER=$A_PORT; fi
killed=$(now_ms)
kill -9 "$LEADER"
polls=$(sim_requests reportsCDRLogs)
until leads "$OTHER"; do sleep 0.05; done
led=$(now_ms)
until [ "$(sim_requests reportsCDRLogs)" -gt "$polls" ]; do sleep 0.05; done
polled=$(now_ms)
out
out "| failover (connector.cluster=file, kill -9 of the leader) | ms |"
out "|---|---|"
out "| until the other replica leads | $(( led - killed )) |"
out "| until its first CDR poll | $(( polled - killed )) |"
{
  echo "# Several replicas: benchmark results"
  echo
  echo "Measured by \`bash bench/cluster.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD), $(nproc) cores"
  echo "shared by the load generator, the simulator, the connectors, PostgreSQL and Artemis. wrk, $DURATION after a $WARMUP"
  echo "warm-up, \`POST /webhooks/ccs/hangup\` (bench/hangup.lua), file sink, no CDR enrichment; CPU is user + system time"
  echo "of the processes over the measured run divided by the requests."
  echo
  cat "$TABLES"
} > bench/cluster-results.md
