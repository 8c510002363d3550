#!/usr/bin/env bash
# Footprint: time from launch to /observe/health/ready, and RSS after 20 s idle, with the default
# JVM, with the lean profile (deploy/jvm-lean.options), and with the lean profile plus a class data
# archive made the way the Dockerfile makes it. Prints a markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
mkdir -p bench/work

ARCHIVE=bench/work/ccs-connector.jsa
rm -rf "$ARCHIVE" bench/work/data-cds-training
java @deploy/jvm-lean.options -XX:ArchiveClassesAtExit="$ARCHIVE" -Dcamel.main.duration-max-seconds=10 \
  -Dconnector.data-dir=bench/work/data-cds-training -jar target/ccs-connector.jar > bench/work/cds-training.log 2>&1

echo "| JVM | launch to ready (ms) | RSS idle (MB) |"
echo "|---|---|---|"
for profile in default lean lean+archive; do
  options=(-Dccs.simulator.demo=false -Dccs.cdr.enabled=false "-Dconnector.data-dir=bench/work/data-footprint-$profile")
  case $profile in
    lean) options=(@deploy/jvm-lean.options "${options[@]}") ;;
    lean+archive) options=(@deploy/jvm-lean.options -XX:SharedArchiveFile="$ARCHIVE" "${options[@]}") ;;
  esac
  rm -rf "bench/work/data-footprint-$profile"
  start_connector "footprint-$profile" "${options[@]}"
  sleep 20
  echo "| $profile | $STARTUP_MS | $(rss_mb "$PID") |"
  stop_connector
done
