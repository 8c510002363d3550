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
start_simulator cdr-simulator --records "$RECORDS"

echo "| run | records | seconds | records/s | upstream requests | peak RSS (MB) |"
echo "|---|---|---|---|---|---|"

# the simulator spreads its records over the last hours of today, in its (and the tenant's) zone
WINDOW=$(python3 -c 'import datetime,zoneinfo; n=datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Istanbul")); print(n.strftime("%Y-%m-%d 00:00:00") + "|" + n.strftime("%Y-%m-%d %H:%M:%S"))')
before=$(sim_requests reportsCDRLogs)
baseline=$(java bench/CdrFetchBaseline.java "http://127.0.0.1:$SIM_PORT/api/" "$SIM_APP_TOKEN" "${WINDOW%%|*}" "${WINDOW##*|}")
after=$(sim_requests reportsCDRLogs)
read -r records pages seconds <<< "$(sed 's/[a-z]*=//g' <<< "$baseline")"
echo "| baseline: HttpClient fetch only | $records | $seconds | $(python3 -c "print(round($records / $seconds))") | $((after - before)) | - |"
echo "baseline $(python3 -c "print(round($records / $seconds))")" > bench/work/cdr.rates

for sink in file jms; do
  rm -rf "bench/work/data-cdr-$sink"
  before=$(sim_requests reportsCDRLogs)
  launched=$(now_ms)
  start_connector "cdr-$sink" -Dccs.api-url="http://127.0.0.1:$SIM_PORT/api/" -Dccs.app-token="$SIM_APP_TOKEN" \
    -Dconnector.webhook-token="$WEBHOOK_TOKEN" -Dccs.cdr.interval=1s -Dccs.cdr.lag=1s -Dccs.cdr.page-cap=5000 \
    "-Dcrm.sink=$sink" "-Dconnector.data-dir=bench/work/data-cdr-$sink"
  until [ "$(curl -s "http://127.0.0.1:$PORT/observe/metrics" | awk -F' ' '/^ccs_crm_deliveries_total\{.*outcome="delivered"/ {n += $2} END {printf "%d", n}')" -ge "$RECORDS" ]; do
    sleep 0.5
  done
  elapsed=$(( $(now_ms) - launched ))
  peak=$(rss_mb "$PID" peak)
  after=$(sim_requests reportsCDRLogs)
  stop_connector
  rate=$(python3 -c "print(round($RECORDS * 1000 / $elapsed))")
  echo "| connector, $sink sink | $RECORDS | $(python3 -c "print(round($elapsed / 1000, 1))") | $rate | $((after - before)) | $peak |"
  echo "$sink $rate" >> bench/work/cdr.rates
done
