#!/usr/bin/env bash
# CDR sync: a standalone simulator holds 100,000 records in one window; the connector polls it with
# cursor paging (the shipped interval: the first poll a second after the start reads the whole window;
# a page cap above its 1,001 pages) and delivers every record, to the file sink and to the JMS sink,
# per JVM profile (lean as the image runs it first, then the default JVM with the file sink). The JMS sink's queue is drained by a CRM consumer
# (bench/CrmQueueConsumer.java) over the embedded broker's TCP acceptor (connector.broker.acceptor).
# Measured from ready (the first poll starts then) until the last record is delivered (JMS: read by the
# consumer): records/s, the CPU milliseconds of the connector process per record over that interval,
# the upstream requests made and the peak RSS. The baseline is a plain Java HttpClient loop that only
# fetches the same pages. Prints a markdown table and keeps the figures in bench/work/cdr.rates.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
mkdir -p bench/work
RECORDS=${RECORDS:-100000}
start_simulator cdr-simulator --records "$RECORDS"

echo "| JVM | run | records | seconds | records/s | CPU ms per record | upstream requests | peak RSS (MB) |"
echo "|---|---|---|---|---|---|---|---|"

# delivered PORT: events the connector has delivered to the CRM sink so far
delivered() {
  curl -s "http://127.0.0.1:$1/observe/metrics" | awk '/^ccs_crm_deliveries_total\{.*outcome="delivered"/ {n += $2} END {printf "%d", n}'
}

# the simulator spreads its records over the last hours of today, in its (and the tenant's) zone
WINDOW=$(python3 -c 'import datetime,zoneinfo; n=datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Istanbul")); print(n.strftime("%Y-%m-%d 00:00:00") + "|" + n.strftime("%Y-%m-%d %H:%M:%S"))')
before=$(sim_requests reportsCDRLogs)
baseline=$(java bench/CdrFetchBaseline.java "http://127.0.0.1:$SIM_PORT/api/" "$SIM_APP_TOKEN" "${WINDOW%%|*}" "${WINDOW##*|}")
after=$(sim_requests reportsCDRLogs)
read -r records pages seconds <<< "$(sed 's/[a-z]*=//g' <<< "$baseline")"
echo "| - | baseline: HttpClient fetch only | $records | $seconds | $(python3 -c "print(round($records / $seconds))") | - | $((after - before)) | - |"
echo "baseline $(python3 -c "print(round($records / $seconds))") -" > bench/work/cdr.rates

for profile in $PROFILES; do
  jvm_options "$profile"
  # the default JVM with the file sink only (run time)
  sinks="file"
  [ "$profile" = lean ] && sinks="file jms"
  for sink in $sinks; do
    data="bench/work/data-cdr-$profile-$sink"
    fresh_data_dir "$data"
    acceptor=()
    if [ "$sink" = jms ]; then
      ACCEPTOR_PORT=$(free_port)
      acceptor=("-Dconnector.broker.acceptor=tcp://127.0.0.1:$ACCEPTOR_PORT")
    fi
    before=$(sim_requests reportsCDRLogs)
    start_connector "cdr-$profile-$sink" "${JVM[@]}" -Dccs.api-url="http://127.0.0.1:$SIM_PORT/api/" \
      -Dccs.app-token="$SIM_APP_TOKEN" "-Dconnector.webhook-token=$WEBHOOK_TOKEN" "-Dconnector.api-key=$API_KEY" \
      -Dccs.cdr.page-cap=5000 "-Dcrm.sink=$sink" "-Dconnector.data-dir=$data" \
      "${acceptor[@]}"
    started=$(now_ms)
    cpu=$(cpu_ticks "$PID")
    early=$(delivered "$PORT")
    if [ "$sink" = jms ]; then
      java -cp 'target/lib/*' bench/CrmQueueConsumer.java "tcp://127.0.0.1:$ACCEPTOR_PORT" crm.events "$RECORDS" \
        > "bench/work/cdr-$profile-consumer.out" 2> "bench/work/cdr-$profile-consumer.log"
    else
      until [ "$(delivered "$PORT")" -ge "$RECORDS" ]; do sleep 0.5; done
    fi
    elapsed=$(( $(now_ms) - started ))
    cpu=$(( $(cpu_ticks "$PID") - cpu ))
    peak=$(rss_mb "$PID" peak)
    after=$(sim_requests reportsCDRLogs)
    stop_connector
    # records delivered before ready (none, usually) are not part of the measured interval
    measured=$(( RECORDS - early ))
    rate=$(python3 -c "print(round($measured * 1000 / $elapsed))")
    cpu_ms=$(cpu_ms_per "$cpu" "$measured")
    echo "| $profile | connector, $sink sink | $measured | $(python3 -c "print(round($elapsed / 1000, 1))") | $rate | $cpu_ms | $((after - before)) | $peak |"
    echo "$profile-$sink $rate $cpu_ms" >> bench/work/cdr.rates
  done
done
