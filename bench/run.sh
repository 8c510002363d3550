#!/usr/bin/env bash
# The benchmark: builds the jar, then measures footprint, webhook intake, CDR sync, a CDR backfill of
# 1,000,000 records and session efficiency on this machine, each against its baseline in the same run,
# with the connector as the container image runs it (the lean profile, the headline row of every table)
# and, beside it, on the default JVM; every row gives the CPU the connector spent per unit of work.
# Prints the tables and writes bench/results.md (the machine, the targets met or missed, the tables,
# then the analysis kept in bench/analysis.md). Not a test: CI does not run it. About 35 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
mkdir -p bench/work

need_wrk
mvn -B -q -DskipTests package
lean_archive

footprint=$(bash bench/footprint.sh | tee -a /dev/stderr)
webhooks=$(bash bench/webhooks.sh | tee -a /dev/stderr)
cdr=$(bash bench/cdr.sh | tee -a /dev/stderr)
backfill=$(bash bench/backfill.sh | tee -a /dev/stderr)
sessions=$(bash bench/sessions.sh | tee -a /dev/stderr)

# verdict AREA "TARGET" "MEASURED" CONDITION: one line of the targets table
verdict() {
  if python3 -c "import sys; sys.exit(0 if ($4) else 1)"; then echo "| $1 | $2 | $3 | met |"; else echo "| $1 | $2 | $3 | missed |"; fi
}
# webhook PROFILE SERVER CONNECTIONS FIELD: a figure of bench/work/webhooks.rates (4 = req/s, 5 = p99 ms, 6 = CPU ms)
webhook() { awk -F'|' -v p="$1" -v s="$2" -v c="$3" -v f="$4" '$1 == p && $2 == s && $3 == c {print $f}' bench/work/webhooks.rates; }
# cdr RUN FIELD: a figure of bench/work/cdr.rates (2 = records/s, 3 = CPU ms per record)
cdr() { awk -v r="$1" -v f="$2" '$1 == r {print $f}' bench/work/cdr.rates; }
intake=$(webhook lean "connector, file sink" 32 4)
intake_p99=$(webhook lean "connector, file sink" 32 5)
intake_jms=$(webhook lean "connector, jms sink" 32 4)
baseline32=$(webhook default "baseline (JDK HttpServer)" 32 4)
read -r _ backfill_rate backfill_cpu backfill_peak < bench/work/backfill.rates
# the lean profile as the container image runs it: with its class data archive
lean_ms=$(awk -F'|' '$2 ~ /^ lean $/ {print $3 + 0}' <<< "$footprint")
lean_mb=$(awk -F'|' '$2 ~ /^ lean $/ {print $5 + 0}' <<< "$footprint")
logins=$(awk -F'|' 'NR == 3 {print $5 + 0}' <<< "$sessions")

{
  echo "# Benchmark results"
  echo
  echo "Measured by \`bash bench/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)."
  echo
  echo "Machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)),"
  echo "$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) memory, $(. /etc/os-release; echo "$PRETTY_NAME"),"
  echo "$(java -version 2>&1 | head -1), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2). Everything (load generator, simulator,"
  caches="Each configuration started with the kernel's caches dropped"
  can_drop_caches || caches="The kernel's caches could not be dropped between configurations"
  echo "connector, baseline) shares these cores. $caches (\`fresh_data_dir\` in \`bench/lib.sh\`)."
  echo
  echo "## Targets"
  echo
  echo "The lean profile as the container image runs it (\`deploy/jvm-lean.options\` and its class data archive),"
  echo "the shipped settings; CPU is the connector process's user + system time per unit of work."
  echo
  echo "| area | target | measured | result |"
  echo "|---|---|---|---|"
  verdict "CDR sync, file sink" ">= 3,000 records/s" "$(cdr lean-file 2) records/s, $(cdr lean-file 3) ms CPU per record" "$(cdr lean-file 2) >= 3000"
  verdict "CDR sync, JMS sink, the CRM queue drained" ">= 2,000 records/s" "$(cdr lean-jms 2) records/s, $(cdr lean-jms 3) ms CPU per record" "$(cdr lean-jms 2) >= 2000"
  verdict "webhook intake, file sink, CDR enrichment on" ">= 3,000 req/s at 32 connections" "$intake req/s, $(webhook lean "connector, file sink" 32 6) ms CPU per request" "$intake >= 3000"
  verdict "webhook intake, file sink, CDR enrichment on" "p99 <= 20 ms at 32 connections" "$intake_p99 ms" "$intake_p99 <= 20"
  verdict "CDR backfill, 1,000,000 records, file sink" "peak RSS < 256 MB" "$backfill_peak MB ($backfill_rate records/s, $backfill_cpu ms CPU per record)" "$backfill_peak < 256"
  verdict "footprint" "RSS idle <= 160 MB" "$lean_mb MB (ready in $lean_ms ms)" "$lean_mb <= 160"
  verdict "session efficiency" "20 logins for 10,000 click2calls over 20 agents" "$logins" "$logins <= 20"
  echo
  echo "Ratios to the baselines of this run: webhook intake at 32 connections, file sink"
  echo "$(python3 -c "print(f'{$intake / $baseline32:.1%}')"), JMS sink $(python3 -c "print(f'{$intake_jms / $baseline32:.1%}')") of the bare HTTP server's requests/s; CDR sync,"
  echo "file sink $(python3 -c "print(f'{$(cdr lean-file 2) / $(cdr baseline 2):.1%}')"), JMS sink $(python3 -c "print(f'{$(cdr lean-jms 2) / $(cdr baseline 2):.1%}')") of the fetch-only baseline's records/s."
  echo
  echo "## Footprint"
  echo
  echo "Launch until \`/observe/health/ready\` answers 200 (and the CPU seconds that took), then RSS after 20 s"
  echo "idle; the embedded simulator is the upstream (no demo traffic), CDR sync off. \`lean\` is the image's"
  echo "entry point (\`deploy/jvm-lean.options\` and the class data archive the Dockerfile makes),"
  echo "\`lean-no-archive\` the same options without the archive."
  echo
  echo "$footprint"
  echo
  echo "## Webhook intake"
  echo
  echo "wrk, 15 s per row after a warm-up of 60 s at 32 connections (the time C2 takes to compile the hot paths in"
  echo "either profile), \`POST /webhooks/ccs/hangup\` with the form body of \`bench/hangup.lua\` (a new"
  echo "\`call_id\` per request). CDR enrichment is on (the default: the hangup event carries the call's CDR"
  echo "record, looked up from the standalone simulator on the same cores); the row without it switches that"
  echo "off (\`connector.webhook.enrich-with-cdr=false\`). The connector acknowledges a hangup once it is in the"
  echo "outbox and enriches and delivers it after that: each row starts once every hangup acknowledged before it is"
  echo "delivered, and \"rest delivered in\" is how long the connector took after the row's 15 s to deliver the rest"
  echo "of its hangups (a backlog means intake outran delivery). CPU per request is the server process's (connector"
  echo "or baseline) CPU time from the row's start until then, divided by the requests answered. \"state store\" is the"
  echo "size of the connector's H2 file then (a commit per delivered hangup; H2 keeps the chunks of the last 45 s)."
  echo
  echo "$webhooks"
  echo
  echo "## CDR sync"
  echo
  echo "Measured warm, as a connector that has run for a while syncs: a standalone simulator of its own per row holds"
  echo "30,000 records of today, which the first poll reads and the connector delivers (the warm-up, while the JIT"
  echo "compilers do most of their work; its rate is the last column); then the simulator gets 100,000 records of"
  echo "the last minutes, which the next poll (the shipped \`ccs.cdr.interval\`, a minute) reads with cursor paging"
  echo "(a page cap above their 1,001 pages). Measured from the start of that poll until the last of them is"
  echo "delivered; a poll that starts meanwhile reads them again within its overlap (the upstream requests above"
  echo "1,001). The JMS sink's queue"
  echo "(\`crm.events\` on the embedded broker) is drained by a CRM consumer over the broker's TCP acceptor"
  echo "(\`bench/CrmQueueConsumer.java\`, another JVM on the same cores); its run ends when the consumer has read"
  echo "every event."
  echo
  echo "$cdr"
  echo
  echo "## CDR backfill: 1,000,000 records"
  echo
  echo "One day of 1,000,000 records in a standalone simulator, backfilled (\`POST /api/v1/cdr/backfill\`, windows"
  echo "of \`ccs.cdr.backfill.window\`) into the file sink with the shipped settings on the lean profile; from the"
  echo "request until the last record is delivered. RSS and the delivered count were sampled every 5 s: the"
  echo "second table shows a sample about every tenth of the run."
  echo
  echo "$backfill"
  echo
  echo "## Session efficiency"
  echo
  echo "$sessions"
  echo
  cat bench/analysis.md
} > bench/results.md
echo "wrote bench/results.md"
