#!/usr/bin/env bash
# The benchmark: builds the jar, then measures footprint, webhook intake, CDR sync and session
# efficiency on this machine, each against its baseline in the same run; prints the tables and
# writes bench/results.md (the machine, the tables, the targets met or missed, then the analysis
# kept in bench/analysis.md). Not a test: CI does not run it. Takes about 20 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
mkdir -p bench/work

need_wrk
mvn -B -q -DskipTests package

footprint=$(bash bench/footprint.sh | tee -a /dev/stderr)
webhooks=$(bash bench/webhooks.sh | tee -a /dev/stderr)
cdr=$(bash bench/cdr.sh | tee -a /dev/stderr)
sessions=$(bash bench/sessions.sh | tee -a /dev/stderr)

# verdict KIND "TEXT" CONDITION: one line of the targets table
verdict() {
  if python3 -c "import sys; sys.exit(0 if ($3) else 1)"; then echo "| $1 | $2 | met |"; else echo "| $1 | $2 | missed |"; fi
}
# rate NAME CONNECTIONS: requests/s of that row of the webhook table
rate() { awk -v key="$1 $2 " 'index($0, key) == 1 && length($0) == length(key) + length($NF) {print $NF}' bench/work/webhooks.rates; }
cdr_rate() { awk -v s="$1" '$1 == s {print $2}' bench/work/cdr.rates; }
p99_ms() { awk -F'|' -v n=" $1 " '$2 == n && $3 + 0 == 32 {print $6}' <<< "$webhooks" | python3 -c '
import sys; v = sys.stdin.read().strip(); print(float(v[:-2]) if v.endswith("ms") else float(v[:-2]) / 1000 if v.endswith("us") else float(v[:-1]) * 1000)'; }
baseline32=$(rate "baseline (JDK HttpServer)" 32)
file32=$(rate "connector, file sink" 32)
jms32=$(rate "connector, jms sink" 32)
plain32=$(rate "connector, file sink, no CDR enrichment" 32)
# the lean profile as the container image runs it: with its class data archive
lean_ms=$(awk -F'|' '$2 ~ /lean\+archive/ {print $3 + 0}' <<< "$footprint")
lean_mb=$(awk -F'|' '$2 ~ /lean\+archive/ {print $4 + 0}' <<< "$footprint")
logins=$(awk -F'|' 'NR == 3 {print $5 + 0}' <<< "$sessions")

{
  echo "# Benchmark results"
  echo
  echo "Measured by \`bash bench/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)."
  echo
  echo "Machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)),"
  echo "$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) memory, $(. /etc/os-release; echo "$PRETTY_NAME"),"
  echo "$(java -version 2>&1 | head -1), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2). Everything (load generator, simulator,"
  echo "connector, baseline) shares these cores."
  echo
  echo "## Targets"
  echo
  echo "| area | target | result |"
  echo "|---|---|---|"
  verdict "webhook intake, file sink" ">= 3,000 req/s at 32 connections (measured ${file32})" "$file32 >= 3000"
  verdict "webhook intake, file sink" "p99 <= 50 ms at 32 connections (measured $(p99_ms 'connector, file sink') ms)" "$(p99_ms 'connector, file sink') <= 50"
  verdict "webhook intake, file sink, no CDR enrichment (not the default)" ">= 3,000 req/s at 32 connections (measured ${plain32})" "$plain32 >= 3000"
  verdict "webhook intake, JMS sink" ">= 1,500 req/s at 32 connections (measured ${jms32})" "$jms32 >= 1500"
  verdict "CDR sync, file sink" ">= 10,000 records/s (measured $(cdr_rate file))" "$(cdr_rate file) >= 10000"
  verdict "CDR sync, JMS sink" ">= 5,000 records/s (measured $(cdr_rate jms))" "$(cdr_rate jms) >= 5000"
  verdict "CDR sync" "at least half the fetch-only baseline (file $(cdr_rate file), baseline $(cdr_rate baseline))" "$(cdr_rate file) * 2 >= $(cdr_rate baseline)"
  verdict "footprint, lean profile + archive" "<= 2 s launch to ready (measured ${lean_ms} ms)" "$lean_ms <= 2000"
  verdict "footprint, lean profile + archive" "<= 160 MB RSS idle (measured ${lean_mb} MB)" "$lean_mb <= 160"
  verdict "session efficiency" "20 logins for 10,000 click2calls over 20 agents (measured ${logins})" "$logins <= 20"
  echo
  echo "Ratio to the baseline at 32 connections: file sink $(python3 -c "print(f'{$file32 / $baseline32:.1%}')"),"
  echo "JMS sink $(python3 -c "print(f'{$jms32 / $baseline32:.1%}')"), file sink without CDR enrichment"
  echo "$(python3 -c "print(f'{$plain32 / $baseline32:.1%}')") of the bare HTTP server's requests/s."
  echo
  echo "## Footprint"
  echo
  echo "Launch until \`/observe/health/ready\` answers 200, then RSS after 20 s idle; the embedded simulator"
  echo "is the upstream (no demo traffic). \`lean+archive\` adds the class data archive the Dockerfile makes."
  echo
  echo "$footprint"
  echo
  echo "## Webhook intake"
  echo
  echo "wrk, 20 s per row after a 90 s warm-up at 32 connections, \`POST /webhooks/ccs/hangup\` with the form body of"
  echo "\`bench/hangup.lua\` (a new \`call_id\` per request). Enrichment is on (the default), so every"
  echo "hangup also fetches its CDR record before the acknowledgement (within"
  echo "\`connector.webhook.enrich-timeout\`), from the embedded simulator on the same cores; the last rows"
  echo "switch that off (\`connector.webhook.enrich-with-cdr=false\`)."
  echo
  echo "$webhooks"
  echo
  echo "## CDR sync"
  echo
  echo "100,000 records in one window of a standalone simulator; from the launch of the connector until"
  echo "the last record is delivered (start-up included)."
  echo
  echo "$cdr"
  echo
  echo "## Session efficiency"
  echo
  echo "$sessions"
  echo
  cat bench/analysis.md
} > bench/results.md
echo "wrote bench/results.md"
