#!/usr/bin/env bash
# Webhook intake: wrk against /webhooks/ccs/hangup with a realistic form body (a new call_id per
# request) at 1, 8 and 32 connections after a warm-up, per JVM profile (lean as the image runs it
# first, then the default JVM with the file sink only): the shipped settings (CDR enrichment on) with
# the file sink and the JMS sink, and the file sink without CDR enrichment; the same requests against a bare JDK HTTP server
# (TCP_NODELAY) are the baseline. Call Center Studio is a standalone simulator that holds the CDR
# record of every call the requests name, so each hangup's enrichment finds its record, as on a
# real tenant. The connector acknowledges a hangup before it enriches and delivers it: each row starts
# once every hangup acknowledged before it is delivered, and gives how long the connector took after the
# row to deliver the rest of its hangups, and the CPU milliseconds the server process (connector or
# baseline) spent per request from the row's start until then, its peak RSS so far and the size of the connector's
# state store file (H2) then. Prints a markdown table and
# keeps the figures in bench/work/webhooks.rates (profile|server|connections|req/s|p99|CPU ms).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
mkdir -p bench/work
DURATION=${DURATION:-15s}
# both profiles compile the hot paths with C2, which needs a minute or more of load
WARMUP=${WARMUP:-60s}
CALLS=${WEBHOOK_CALLS:-800000}
need_wrk

# the calls of the requests: records in the simulator, their keys in a file for bench/hangup.lua
start_simulator webhooks-simulator --records 0
KEYS=bench/work/webhook-calls.txt
python3 - "$SIM_PORT" "$CALLS" "$KEYS" <<'PY'
import datetime, json, sys, urllib.request
port, calls, keys = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
to = datetime.datetime.now() - datetime.timedelta(hours=1)
url = f"http://127.0.0.1:{port}/sim/cdr/generate?count={calls}&from={to - datetime.timedelta(hours=8):%Y-%m-%dT%H:%M:%S}&to={to:%Y-%m-%dT%H:%M:%S}"
with open(keys, "w") as out:
    out.write("\n".join(json.load(urllib.request.urlopen(urllib.request.Request(url, method="POST")))["callKeys"]) + "\n")
PY

# wrk_hangups THREADS CONNECTIONS DURATION URL [--latency]: one wrk run on the next unused call keys,
# its output in bench/work/wrk.out; ACCEPTED counts the hangups answered 2xx
NEXT_KEY=0
ACCEPTED=0
wrk_hangups() {
  local threads=$1 connections=$2 duration=$3 url=$4
  # shellcheck disable=SC2086 # the optional --latency
  wrk -t"$threads" -c"$connections" -d"$duration" ${5:-} -s bench/hangup.lua "$url" -- "$KEYS" "$NEXT_KEY" "$threads" \
    > bench/work/wrk.out 2>&1
  # the threads share the requests about evenly: a quarter more keys is room enough
  NEXT_KEY=$(( NEXT_KEY + $(awk '/requests in/ {print $1}' bench/work/wrk.out) * 5 / 4 + 100 ))
  ACCEPTED=$(( ACCEPTED + $(awk '/requests in/ {n = $1} /Non-2xx/ {n -= $NF} END {print n}' bench/work/wrk.out) ))
}

# delivered_all PORT: waits until the connector at PORT has delivered (or refused or dead-lettered) as many
# events as hangups were ACCEPTED, at most 5 minutes; nothing to wait for without a PORT (the baseline)
delivered_all() {
  [ -n "$1" ] || return 0
  local deadline=$(( $(date +%s) + 300 ))
  until [ "$(curl -s "http://127.0.0.1:$1/observe/metrics" | awk '/^ccs_crm_deliveries_total\{/ {n += $2} END {printf "%d", n}')" -ge "$ACCEPTED" ]; do
    if [ "$(date +%s)" -ge "$deadline" ]; then echo "hangups still not delivered after 5 minutes" >&2; return 0; fi
    sleep 0.2
  done
}

# run_wrk PROFILE NAME URL WARMUP SERVER_PID [CONNECTOR_PORT CONNECTOR_DATA_DIR]: one row per connection count
run_wrk() {
  local profile=$1 name=$2 url=$3 warmup=$4 server=$5 port=${6:-} data=${7:-}
  NEXT_KEY=0
  ACCEPTED=0
  wrk_hangups 2 32 "$warmup" "$url"
  delivered_all "$port"
  for connections in 1 8 32; do
    local out before ended
    before=$(cpu_ticks "$server")
    wrk_hangups "$(( connections < 2 ? 1 : 2 ))" "$connections" "$DURATION" "$url" --latency
    ended=$(now_ms)
    delivered_all "$port"
    local rest_s
    rest_s=$(python3 -c "print(f'{($(now_ms) - $ended) / 1000:.1f}')")
    out=$(< bench/work/wrk.out)
    local cpu rps requests p50 p99 errors
    cpu=$(( $(cpu_ticks "$server") - before ))
    rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<< "$out")
    requests=$(awk '/requests in/ {print $1}' <<< "$out")
    p50=$(awk '$1 == "50%" {print $2}' <<< "$out")
    p99=$(awk '$1 == "99%" {print $2}' <<< "$out")
    errors=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {for (i = 4; i <= NF; i += 2) n += $i} END {print n + 0}' <<< "$out")
    local cpu_ms
    cpu_ms=$(cpu_ms_per "$cpu" "$requests")
    local store=-
    [ -n "$data" ] && store=$(( $(stat -c %s "$data/db/connector.mv.db") >> 20 ))
    echo "| $profile | $name | $connections | $rps | $p50 | $p99 | $rest_s | $cpu_ms | $(rss_mb "$server" peak) | $store | $errors |"
    echo "$profile|$name|$connections|$rps|$(to_ms "$p99")|$cpu_ms" >> bench/work/webhooks.rates
  done
}

# to_ms LATENCY: wrk's 473.00us, 15.40ms or 1.02s in milliseconds
to_ms() {
  python3 -c 'import sys; v = sys.argv[1]; print(float(v[:-2]) if v.endswith("ms") else float(v[:-2]) / 1000 if v.endswith("us") else float(v[:-1]) * 1000)' "$1"
}

rm -f bench/work/webhooks.rates
echo "| JVM | server | connections | requests/s | p50 | p99 | rest delivered in (s) | CPU ms per request | peak RSS (MB) | state store (MB) | errors |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"

for profile in $PROFILES; do
  jvm_options "$profile"
  # the shipped settings (connector.webhook.enrich-with-cdr=true) with each sink; then the file sink
  # without the CDR lookup, to show what it costs; the default JVM with the file sink only (run time)
  runs="file"
  [ "$profile" = lean ] && runs="file jms file:no-enrichment"
  for run in $runs; do
    sink=${run%%:*}
    enrich=true
    [ "$run" = file:no-enrichment ] && enrich=false
    data="bench/work/data-webhooks-$profile-$sink-$enrich"
    fresh_data_dir "$data"
    start_connector "webhooks-$profile-$sink-$enrich" "${JVM[@]}" -Dccs.api-url="http://127.0.0.1:$SIM_PORT/api/" \
      -Dccs.app-token="$SIM_APP_TOKEN" "-Dconnector.api-key=$API_KEY" -Dccs.cdr.enabled=false \
      "-Dconnector.webhook-token=$WEBHOOK_TOKEN" "-Dcrm.sink=$sink" \
      "-Dconnector.webhook.enrich-with-cdr=$enrich" "-Dconnector.data-dir=$data"
    name="connector, $sink sink"
    [ "$enrich" = false ] && name="$name, no CDR enrichment"
    run_wrk "$profile" "$name" "http://127.0.0.1:$PORT/webhooks/ccs/hangup?token=$WEBHOOK_TOKEN" "$WARMUP" "$PID" "$PORT" "$data"
    stop_connector
  done
done

BASELINE_PORT=$(free_port)
java -Dsun.net.httpserver.nodelay=true bench/BaselineServer.java "$BASELINE_PORT" > bench/work/baseline.log 2>&1 &
BASELINE_PID=$!
until curl -s -o /dev/null "http://127.0.0.1:$BASELINE_PORT/"; do sleep 0.1; done
run_wrk default "baseline (JDK HttpServer)" "http://127.0.0.1:$BASELINE_PORT/webhooks/ccs/hangup?token=$WEBHOOK_TOKEN" 10s "$BASELINE_PID"
kill "$BASELINE_PID"; wait "$BASELINE_PID" 2>/dev/null || true
