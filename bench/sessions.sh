#!/usr/bin/env bash
# Session efficiency: 10,000 click2calls over REST, spread over 20 agents, against a standalone
# simulator, with the connector on the lean profile as the image runs it; counts the logins the
# simulator received (the floor is one per agent, 20).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
mkdir -p bench/work
CALLS=${CALLS:-10000}
AGENTS=$(python3 -c 'print(",".join(f"agent{i:02d}@bench.example" for i in range(1, 21)))')
start_simulator sessions-simulator --records 0 --agents "$AGENTS"

fresh_data_dir bench/work/data-sessions
jvm_options lean
start_connector sessions "${JVM[@]}" -Dccs.api-url="http://127.0.0.1:$SIM_PORT/api/" -Dccs.app-token="$SIM_APP_TOKEN" \
  -Dconnector.webhook-token="$WEBHOOK_TOKEN" -Dconnector.api-key="$API_KEY" -Dccs.cdr.enabled=false \
  -Dccs.click2call.max-per-second=100000 -Dconnector.data-dir=bench/work/data-sessions

# 8 clients in parallel; the agent of call i is agent (i mod 20)
answers=$(python3 - "$PORT" "$CALLS" "$AGENTS" "$API_KEY" <<'PY'
import http.client, json, sys, threading
port, calls, agents, api_key = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3].split(","), sys.argv[4]
outcomes, lock = {}, threading.Lock()
def client(worker):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for i in range(worker, calls, 8):
        body = json.dumps({"agentEmail": agents[i % len(agents)], "phoneNumber": "0532 123 45 67", "transactionId": f"bench-{i}"})
        connection.request("POST", "/api/v1/click2call", body, {"Content-Type": "application/json", "X-Api-Key": api_key})
        response = connection.getresponse()
        response.read()
        with lock:
            outcomes[response.status] = outcomes.get(response.status, 0) + 1
threads = [threading.Thread(target=client, args=(w,)) for w in range(8)]
[t.start() for t in threads]
[t.join() for t in threads]
print(" ".join(f"{status}: {count}" for status, count in sorted(outcomes.items())))
PY
)
stop_connector

curl -s "http://127.0.0.1:$SIM_PORT/sim/status" | python3 -c '
import json, sys
by_function = json.load(sys.stdin)["requestsByFunction"]
print("| REST answers | click2calls upstream | agents | logins | pings |")
print("|---|---|---|---|---|")
print("| %s | %d | 20 | %d | %d |" % (sys.argv[1], by_function.get("click2call", 0), by_function.get("login", 0), by_function.get("ping", 0)))' "$answers"
