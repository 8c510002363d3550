#!/usr/bin/env bash
# Webhook intake: wrk against /webhooks/ccs/hangup with a realistic form body (a new call_id per
# request), with the file sink, with the JMS sink (persistent) and with the file sink without CDR
# enrichment, at 1, 8 and 32 connections, after a warm-up; and the same requests against a bare JDK HTTP server (TCP_NODELAY) as the
# baseline. Prints a markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
mkdir -p bench/work
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-90s}

# run_wrk NAME URL: one row per connection count
run_wrk() {
  local name=$1 url=$2
  wrk -t2 -c32 -d"$WARMUP" -s bench/hangup.lua "$url" > /dev/null 2>&1
  for connections in 1 8 32; do
    local out
    out=$(wrk -t"$(( connections < 2 ? 1 : 2 ))" -c"$connections" -d"$DURATION" --latency -s bench/hangup.lua "$url" 2>&1)
    local rps p50 p99 errors
    rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<< "$out")
    p50=$(awk '$1 == "50%" {print $2}' <<< "$out")
    p99=$(awk '$1 == "99%" {print $2}' <<< "$out")
    errors=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {for (i = 4; i <= NF; i += 2) n += $i} END {print n + 0}' <<< "$out")
    echo "| $name | $connections | $rps | $p50 | $p99 | $errors |"
    echo "$name $connections $rps" >> bench/work/webhooks.rates
  done
}

rm -f bench/work/webhooks.rates
echo "| server | connections | requests/s | p50 | p99 | errors |"
echo "|---|---|---|---|---|---|"

BASELINE_PORT=$(free_port)
java -Dsun.net.httpserver.nodelay=true bench/BaselineServer.java "$BASELINE_PORT" > bench/work/baseline.log 2>&1 &
BASELINE_PID=$!
until curl -s -o /dev/null "http://127.0.0.1:$BASELINE_PORT/"; do sleep 0.1; done
run_wrk "baseline (JDK HttpServer)" "http://127.0.0.1:$BASELINE_PORT/webhooks/ccs/hangup?token=$WEBHOOK_TOKEN"
kill "$BASELINE_PID"; wait "$BASELINE_PID" 2>/dev/null || true

# the shipped settings (the hangup waits for its CDR record, connector.webhook.enrich-with-cdr), with
# each sink; then the file sink without that lookup, to show what it costs
for run in file jms file:no-enrichment; do
  sink=${run%%:*}
  enrich=true
  [ "$run" = file:no-enrichment ] && enrich=false
  rm -rf "bench/work/data-webhooks-$sink-$enrich"
  start_connector "webhooks-$sink-$enrich" -Dccs.simulator.demo=false -Dccs.cdr.enabled=false -Dccs.simulator.records=0 \
    "-Dconnector.webhook-token=$WEBHOOK_TOKEN" "-Dcrm.sink=$sink" "-Dconnector.webhook.enrich-with-cdr=$enrich" \
    "-Dconnector.data-dir=bench/work/data-webhooks-$sink-$enrich"
  name="connector, $sink sink"
  [ "$enrich" = false ] && name="$name, no CDR enrichment"
  run_wrk "$name" "http://127.0.0.1:$PORT/webhooks/ccs/hangup?token=$WEBHOOK_TOKEN"
  stop_connector
done
