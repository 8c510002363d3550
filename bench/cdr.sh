#!/usr/bin/env bash
# CDR sync: a standalone simulator holds 100,000 records in one window; the connector polls it
# with cursor paging and delivers every record, to the file sink and to the JMS sink. Measures the
# time from launch until the last record is delivered, records/s, the upstream requests made and
# the peak RSS; the baseline is a plain Java HttpClient loop that only fetches the same pages.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
mkdir -p bench/work
RECORDS=${RECORDS:-100000}
TOKEN=bench-webhook-token-0123456789
APP_TOKEN=sim-app-token-0123456789

SIM_PORT=$(free_port)
java -cp target/ccs-connector.jar ccs.connector.simulator.SimulatorMain --port "$SIM_PORT" --records "$RECORDS" \
  > bench/work/cdr-simulator.log 2>&1 &
SIM_PID=$!
trap 'kill $SIM_PID 2>/dev/null || true' EXIT
until curl -sf -o /dev/null "http://127.0.0.1:$SIM_PORT/sim/status"; do sleep 0.2; done
sim_requests() {
  curl -s "http://127.0.0.1:$SIM_PORT/sim/status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["requestsByFunction"].get("reportsCDRLogs", 0))'
}

echo "| run | records | seconds | records/s | upstream requests | peak RSS (MB) |"
echo "|---|---|---|---|---|---|"

# the simulator spreads its records over the last hours of today, in its (and the tenant's) zone
WINDOW=$(python3 -c 'import datetime,zoneinfo; n=datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Istanbul")); print(n.strftime("%Y-%m-%d 00:00:00") + "|" + n.strftime("%Y-%m-%d %H:%M:%S"))')
before=$(sim_requests)
baseline=$(java bench/CdrFetchBaseline.java "http://127.0.0.1:$SIM_PORT/api/" "$APP_TOKEN" "${WINDOW%%|*}" "${WINDOW##*|}")
after=$(sim_requests)
read -r records pages seconds <<< "$(sed 's/[a-z]*=//g' <<< "$baseline")"
echo "| baseline: HttpClient fetch only | $records | $seconds | $(python3 -c "print(round($records / $seconds))") | $((after - before)) | - |"
echo "baseline $(python3 -c "print(round($records / $seconds))")" > bench/work/cdr.rates

for sink in file jms; do
  rm -rf "bench/work/data-cdr-$sink"
  before=$(sim_requests)
  launched=$(now_ms)
  start_connector "cdr-$sink" -Dccs.api-url="http://127.0.0.1:$SIM_PORT/api/" -Dccs.app-token="$APP_TOKEN" \
    -Dconnector.webhook-token="$TOKEN" -Dccs.cdr.interval=1s -Dccs.cdr.lag=1s -Dccs.cdr.page-cap=5000 \
    "-Dcrm.sink=$sink" "-Dconnector.data-dir=bench/work/data-cdr-$sink"
  until [ "$(curl -s "http://127.0.0.1:$PORT/observe/metrics" | awk -F' ' '/^ccs_crm_deliveries_total\{.*outcome="delivered"/ {n += $2} END {printf "%d", n}')" -ge "$RECORDS" ]; do
    sleep 0.5
  done
  elapsed=$(( $(now_ms) - launched ))
  peak=$(rss_mb "$PID" peak)
  after=$(sim_requests)
  stop_connector
  rate=$(python3 -c "print(round($RECORDS * 1000 / $elapsed))")
  echo "| connector, $sink sink | $RECORDS | $(python3 -c "print(round($elapsed / 1000, 1))") | $rate | $((after - before)) | $peak |"
  echo "$sink $rate" >> bench/work/cdr.rates
done
