#!/usr/bin/env bash
# CDR backfill at volume: a standalone simulator holds 1,000,000 records spread over yesterday; the
# connector, on the lean profile as the image runs it and the shipped file sink, backfills that day
# (POST /api/v1/cdr/backfill, windows of ccs.cdr.backfill.window) until every record is delivered.
# Samples the delivered count and the RSS every 5 s, so the table shows whether memory stays flat
# over the run; the summary row gives records/s and the CPU milliseconds of the connector per record
# from the request to the last delivery, and the peak RSS. Only the lean profile: the default JVM's
# heap is sized by the machine, not by the container. Prints markdown tables; keeps the figures in
# bench/work/backfill.rates.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
mkdir -p bench/work
RECORDS=${BACKFILL_RECORDS:-1000000}
start_simulator backfill-simulator --records 0

# yesterday in the tenant's zone, generated in chunks (the answer names every call key)
DAY=$(python3 -c 'import datetime,zoneinfo; print((datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Istanbul")) - datetime.timedelta(days=1)).strftime("%Y-%m-%d"))')
python3 - "$SIM_PORT" "$DAY" "$RECORDS" <<'PY'
import datetime, sys, urllib.request
port, day, records = int(sys.argv[1]), datetime.date.fromisoformat(sys.argv[2]), int(sys.argv[3])
chunks = 10
start = datetime.datetime.combine(day, datetime.time())
for i in range(chunks):
    frm = start + datetime.timedelta(days=i / chunks)
    to = start + datetime.timedelta(days=(i + 1) / chunks) - datetime.timedelta(seconds=1)
    count = records // chunks + (1 if i < records % chunks else 0)
    url = f"http://127.0.0.1:{port}/sim/cdr/generate?count={count}&from={frm:%Y-%m-%dT%H:%M:%S}&to={to:%Y-%m-%dT%H:%M:%S}"
    urllib.request.urlopen(urllib.request.Request(url, method="POST")).read()
PY

jvm_options lean
data=bench/work/data-backfill
fresh_data_dir "$data"
start_connector backfill "${JVM[@]}" -Dccs.api-url="http://127.0.0.1:$SIM_PORT/api/" -Dccs.app-token="$SIM_APP_TOKEN" \
  "-Dconnector.webhook-token=$WEBHOOK_TOKEN" "-Dconnector.api-key=$API_KEY" "-Dconnector.data-dir=$data"
delivered() {
  curl -s "http://127.0.0.1:$PORT/observe/metrics" | awk '/^ccs_crm_deliveries_total\{.*outcome="delivered"/ {n += $2} END {printf "%d", n}'
}
base=$(delivered)
started=$(now_ms)
cpu=$(cpu_ticks "$PID")
curl -sf -o /dev/null -X POST "http://127.0.0.1:$PORT/api/v1/cdr/backfill" -H "X-Api-Key: $API_KEY" \
  -H 'Content-Type: application/json' -d "{\"from\": \"${DAY}T00:00:00\", \"to\": \"${DAY}T23:59:59\"}"
SERIES=bench/work/backfill.series
: > "$SERIES"
while :; do
  done_now=$(( $(delivered) - base ))
  echo "$(( $(now_ms) - started )) $done_now $(rss_mb "$PID")" >> "$SERIES"
  [ "$done_now" -ge "$RECORDS" ] && break
  sleep 5
done
elapsed=$(( $(now_ms) - started ))
cpu=$(( $(cpu_ticks "$PID") - cpu ))
peak=$(rss_mb "$PID" peak)
stop_connector
rate=$(python3 -c "print(round($RECORDS * 1000 / $elapsed))")
cpu_ms=$(cpu_ms_per "$cpu" "$RECORDS")
echo "| JVM | records | seconds | records/s | CPU ms per record | peak RSS (MB) |"
echo "|---|---|---|---|---|---|"
echo "| lean | $RECORDS | $(python3 -c "print(round($elapsed / 1000, 1))") | $rate | $cpu_ms | $peak |"
echo "lean $rate $cpu_ms $peak" > bench/work/backfill.rates
echo
# the series: about ten rows over the run, each with the rate since the row before
python3 - "$SERIES" <<'PY'
import sys
rows = [tuple(map(int, line.split())) for line in open(sys.argv[1])]
step = max(1, len(rows) // 10)
picked = rows[::step] + ([rows[-1]] if (len(rows) - 1) % step else [])
print("| seconds | delivered | records/s since the row before | RSS (MB) |")
print("|---|---|---|---|")
previous = (0, 0)
for ms, done, rss in picked:
    rate = (done - previous[1]) * 1000 / (ms - previous[0]) if ms > previous[0] else 0
    print(f"| {ms / 1000:.0f} | {done:,} | {rate:,.0f} | {rss} |")
    previous = (ms, done)
PY
# a million files: not kept
rm -rf "$data"
