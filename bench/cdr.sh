#!/usr/bin/env bash
# CDR sync, measured warm: per configuration a standalone simulator holds 30,000 records of today (the
# warm-up), which the connector's first poll (a second after the start) reads and delivers; then the
# simulator gets 100,000 more records of the last minutes, which the next poll (the shipped interval:
# a minute) reads with cursor paging (a page cap above its 1,001 pages) and the connector delivers. The
# JIT compilers do most of their work during the warm-up, as in a connector that has run for a while;
# the warm-up's own rate is shown too. Delivered to the file sink and to the JMS sink, per JVM profile
# (lean as the image runs it first, then the default JVM with the file sink). The JMS sink's queue is
# drained by a CRM consumer (bench/CrmQueueConsumer.java) over the embedded broker's TCP acceptor
# (connector.broker.acceptor). Measured from the start of the poll that reads the 100,000 records until
# the last of them is delivered (JMS: read by the consumer): records/s, the CPU milliseconds of the
# connector process per record over that interval, the upstream requests made then and the peak RSS.
# The baseline is a plain Java HttpClient loop that only fetches 100,000 records' pages. Prints a
# markdown table and keeps the figures in bench/work/cdr.rates.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
mkdir -p bench/work
RECORDS=${RECORDS:-100000}
WARMUP_RECORDS=${WARMUP_RECORDS:-30000}
start_simulator cdr-simulator --records "$RECORDS"

echo "| JVM | run | records | seconds | records/s | CPU ms per record | upstream requests | peak RSS (MB) | warm-up: records/s of the first $WARMUP_RECORDS after the start |"
echo "|---|---|---|---|---|---|---|---|---|"

# delivered PORT: events the connector has delivered to the CRM sink so far
delivered() {
  curl -s "http://127.0.0.1:$1/observe/metrics" | awk '/^ccs_crm_deliveries_total\{.*outcome="delivered"/ {n += $2} END {printf "%d", n}'
}

# sim_time SECONDS: the simulator's (and the tenant's) local time that many seconds from now
sim_time() {
  python3 -c "import datetime,zoneinfo; print((datetime.datetime.now(zoneinfo.ZoneInfo('Europe/Istanbul')) + datetime.timedelta(seconds=$1)).strftime('%Y-%m-%dT%H:%M:%S'))"
}

# the simulator spreads its records over the last hours of today, in its (and the tenant's) zone
WINDOW="$(sim_time 0 | cut -c1-10) 00:00:00|$(sim_time 0 | tr T ' ')"
before=$(sim_requests reportsCDRLogs)
baseline=$(java bench/CdrFetchBaseline.java "http://127.0.0.1:$SIM_PORT/api/" "$SIM_APP_TOKEN" "${WINDOW%%|*}" "${WINDOW##*|}")
after=$(sim_requests reportsCDRLogs)
read -r records pages seconds <<< "$(sed 's/[a-z]*=//g' <<< "$baseline")"
echo "| - | baseline: HttpClient fetch only | $records | $seconds | $(python3 -c "print(round($records / $seconds))") | - | $((after - before)) | - | - |"
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
      acceptor=("-Dconnector.broker.acceptor=tcp://127.0.0.1:$ACCEPTOR_PORT" "-Dconnector.broker.password=$BROKER_PASSWORD")
    fi
    # a simulator of its own per configuration: the warm-up's records, then the measured ones
    kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null || true
    start_simulator "cdr-simulator-$profile-$sink" --records "$WARMUP_RECORDS"
    start_connector "cdr-$profile-$sink" "${JVM[@]}" -Dccs.api-url="http://127.0.0.1:$SIM_PORT/api/" \
      -Dccs.app-token="$SIM_APP_TOKEN" "-Dconnector.webhook-token=$WEBHOOK_TOKEN" "-Dconnector.api-key=$API_KEY" \
      -Dccs.cdr.page-cap=5000 "-Dcrm.sink=$sink" "-Dconnector.data-dir=$data" \
      "${acceptor[@]}"
    started=$(now_ms)
    total=$(( WARMUP_RECORDS + RECORDS ))
    if [ "$sink" = jms ]; then
      java -cp 'target/lib/*' bench/CrmQueueConsumer.java "tcp://127.0.0.1:$ACCEPTOR_PORT?user=ccs-connector&password=$BROKER_PASSWORD" crm.events "$total" \
        > "bench/work/cdr-$profile-consumer.out" 2> "bench/work/cdr-$profile-consumer.log" &
      CONSUMER_PID=$!
    fi
    until [ "$(delivered "$PORT")" -ge "$WARMUP_RECORDS" ]; do sleep 0.2; done
    warm_rate=$(python3 -c "print(round($WARMUP_RECORDS * 1000 / ($(now_ms) - $started)))")
    # dated within the next poll's overlap and before its lag
    polls=$(sim_requests reportsCDRLogs)
    curl -sf -o /dev/null -X POST "http://127.0.0.1:$SIM_PORT/sim/cdr/generate?count=$RECORDS&from=$(sim_time -240)&to=$(sim_time -20)"
    until [ "$(sim_requests reportsCDRLogs)" -gt "$polls" ]; do sleep 0.1; done
    measuring=$(now_ms)
    cpu=$(cpu_ticks "$PID")
    if [ "$sink" = jms ]; then
      wait "$CONSUMER_PID"
    else
      until [ "$(delivered "$PORT")" -ge "$total" ]; do sleep 0.5; done
    fi
    elapsed=$(( $(now_ms) - measuring ))
    cpu=$(( $(cpu_ticks "$PID") - cpu ))
    peak=$(rss_mb "$PID" peak)
    after=$(sim_requests reportsCDRLogs)
    stop_connector
    rate=$(python3 -c "print(round($RECORDS * 1000 / $elapsed))")
    cpu_ms=$(cpu_ms_per "$cpu" "$RECORDS")
    echo "| $profile | connector, $sink sink | $RECORDS | $(python3 -c "print(round($elapsed / 1000, 1))") | $rate | $cpu_ms | $((after - polls)) | $peak | $warm_rate |"
    echo "$profile-$sink $rate $cpu_ms" >> bench/work/cdr.rates
  done
done
