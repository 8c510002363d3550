#!/usr/bin/env bash
# Footprint: time from launch to /observe/health/ready, the CPU seconds that start-up took, and RSS
# after 20 s idle, with the lean profile as the image runs it (deploy/jvm-lean.options and its class
# data archive), the lean options without the archive, and the default JVM. Prints a markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
mkdir -p bench/work
lean_archive

echo "| JVM | launch to ready (ms) | CPU to ready (s) | RSS idle (MB) |"
echo "|---|---|---|---|"
for profile in lean lean-no-archive default; do
  case $profile in
    lean-no-archive) jvm_options lean; JVM=(@deploy/jvm-lean.options) ;;
    *) jvm_options "$profile" ;;
  esac
  fresh_data_dir "bench/work/data-footprint-$profile"
  start_connector "footprint-$profile" "${JVM[@]}" -Dccs.simulator.demo=false -Dccs.cdr.enabled=false \
    "-Dconnector.data-dir=bench/work/data-footprint-$profile"
  cpu=$(python3 -c "print(f'{$(cpu_ticks "$PID") / $TICK:.1f}')")
  sleep 20
  echo "| $profile | $STARTUP_MS | $cpu | $(rss_mb "$PID") |"
  stop_connector
done
