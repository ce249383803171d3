#!/usr/bin/env bash
# Bulk tests beside prompt flow (issue 19): a one-step flow "{{ question }}" over a CSV of `rows` questions, run by
# ModelCat as a bulk test (a job-runner calling through the catalog's LLM mesh, `concurrency` rows at once) and by
# Microsoft's prompt flow (`pf` local batch run, PF_WORKER_COUNT = concurrency) over the same questions, each against
# its own fresh local provider (test-support's FakeLlmProvider: answers in BENCH_DELAY_MS, at most BENCH_RATE calls a
# second, 429 with Retry-After beyond). Rows/s (answered rows: failed ones left out) is taken from each run's own start
# and end times (the job's startedAt/finishedAt; the prompt flow run's start and end); the provider's /stats gives
# calls and 429s.
#
# The `resume` mode runs ModelCat alone, through a connection with requestsPerMinute BENCH_RPM (default 12000, the
# provider's 200/s), and kill -9s the job-runner once BENCH_KILL_AT percent of the rows are kept (0: no kill); the
# launcher starts another runner, which takes the job over. It reports the wall time from submitting the test to the
# job's end beside the bound (rows / rate), rows/s, the provider's calls and 429s, the rows called twice (calls the
# provider answered beyond one a row), whether every row has an answer, and CPU milliseconds per row of
# catalog-service, the first runner and PostgreSQL.
# Results and setup go in docs/performance.md.
#
#   bench/bulk-test.sh [rows] [concurrency]             # default 10000 rows, 8 at once
#   bench/bulk-test.sh resume [rows] [concurrency]      # default 10000 rows, 32 at once, kill at 40 %
#
# Needs: jq, curl, bc; and python3.11 for prompt flow (bench/venv.sh bench/promptflow installs it; not in `resume`).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
MODE=compare
if [ "${1:-}" = resume ]; then MODE=resume; shift; fi
ROWS="${1:-10000}"
CONCURRENCY="${2:-$([ "$MODE" = resume ] && echo 32 || echo 8)}"
KILL_AT="${BENCH_KILL_AT:-40}"
RPM="${BENCH_RPM:-12000}"
DELAY_MS="${BENCH_DELAY_MS:-50}"
RATE="${BENCH_RATE:-200}"
PORT="${BENCH_PORT:-18280}"
DB_PORT="${BENCH_DB_PORT:-54359}"
WORK="$(mktemp -d /tmp/modelcat-bulk-bench.XXXXXX)"
OUT="${BENCH_OUT:-bench/results}"
mkdir -p "$OUT"
command -v jq >/dev/null || { echo "jq is missing: apt-get install jq" >&2; exit 2; }
[ "$MODE" = resume ] || PYTHON="$(bash bench/venv.sh bench/promptflow python3.11 | tail -1)"

[ "${BENCH_SKIP_BUILD:-false}" = true ] || ./mvnw -q -pl launcher,catalog-service,job-runner,test-support -am -DskipTests package
LAUNCHER=""
FAKE=""
stop_fake() { if [ -n "$FAKE" ]; then kill "$FAKE" 2>/dev/null; wait "$FAKE" 2>/dev/null || true; fi; FAKE=""; }
trap 'stop_fake; if [ -n "$LAUNCHER" ]; then kill -TERM $LAUNCHER 2>/dev/null; wait $LAUNCHER 2>/dev/null; fi; rm -rf "$WORK"' EXIT

# A fresh provider for each side, so that its counts are that side's alone. Sets FAKE and FAKE_URL.
start_fake() {
  java -cp test-support/target/classes io.modelcat.testsupport.llm.FakeLlmProvider fake-small \
    --delay-ms "$DELAY_MS" --rate "$RATE" > "$WORK/fake.log" 2>&1 &
  FAKE=$!
  for _ in $(seq 1 50); do grep -qs '^BASE_URL ' "$WORK/fake.log" && break; sleep 0.2; done
  FAKE_URL="$(sed -n 's/^BASE_URL //p' "$WORK/fake.log")"
  [ -n "$FAKE_URL" ] || { cat "$WORK/fake.log"; exit 1; }
}
fake_stats() { curl -sf "${FAKE_URL%/v1}/stats"; }
epoch() { date -u -d "$1" +%s.%N; }

# The same questions for both: a CSV for ModelCat, the same rows as JSONL for prompt flow.
echo question > "$WORK/questions.csv"
: > "$WORK/questions.jsonl"
for i in $(seq 1 "$ROWS"); do
  echo "What is $i plus $((i * 7 % 1000))?" >> "$WORK/questions.csv"
  echo "{\"question\": \"What is $i plus $((i * 7 % 1000))?\"}" >> "$WORK/questions.jsonl"
done

MODELCAT_HOME="$WORK/home" MODELCAT_PORT="$PORT" MODELCAT_RUNNER_PORT=$((PORT + 1)) \
  MODELCAT_EMBEDDED_DB_PORT="$DB_PORT" MODELCAT_SKIP_BUILD=true MODELCAT_ADMIN_PASSWORD="$BENCH_ADMIN_PASSWORD" \
  ./modelcat > "$OUT/bulk-system.log" 2>&1 &
LAUNCHER=$!
for _ in $(seq 1 180); do grep -q "ModelCat is ready" "$OUT/bulk-system.log" && break; sleep 1; done
grep -q "ModelCat is ready" "$OUT/bulk-system.log" || { cat "$OUT/bulk-system.log"; exit 1; }
BASE="http://127.0.0.1:$PORT"
TOKEN="$(api_token "$BASE")"
api() { curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$@"; }

echo "== $MODE: $ROWS rows, concurrency $CONCURRENCY; provider: ${DELAY_MS} ms, $RATE requests/s; $(nproc) cores; $(uname -r)"
echo "== load before: $(uptime)"

# CPU time (ms) of a process, and of the embedded PostgreSQL (its postmaster and every backend), from /proc.
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); split($0, f, " "); print (f[12] + f[13]) * 1000 / hz }' \
  "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_cpu_ms() {
  local main total=0 p
  main="$(head -1 "$WORK/home/postgres/postmaster.pid")"
  for p in "$main" $(pgrep -P "$main"); do total="$(echo "$total + $(cpu_ms "$p")" | bc -l)"; done
  echo "$total"
}
# The launcher's job-runner (a child of the launcher's JVM whose command names job-runner.jar).
runner_pid() {
  local p
  for p in $(pgrep -P "$LAUNCHER"); do grep -qa job-runner.jar "/proc/$p/cmdline" 2>/dev/null && { echo "$p"; return; }; done
}
catalog_pid() {
  local p
  for p in $(pgrep -P "$LAUNCHER"); do grep -qa catalog-service.jar "/proc/$p/cmdline" 2>/dev/null && { echo "$p"; return; }; done
}
now() { date -u +%s.%N; }

if [ "$MODE" = resume ]; then
  start_fake
  api -d "{\"name\": \"fake\", \"kind\": \"openai-compatible\", \"baseUrl\": \"$FAKE_URL\",
    \"allowedModels\": [\"fake-small\"], \"maxConcurrent\": 1024, \"requestsPerMinute\": $RPM}" \
    "$BASE/api/v1/llm/connections" > /dev/null
  api -d '{"name": "bench", "inputs": ["question"], "steps": [{"name": "answer", "variants": [
    {"name": "plain", "model": "fake/fake-small", "prompt": "{{ question }}"}]}]}' "$BASE/api/v1/flows" > /dev/null
  DATASET="$(curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: text/csv' --data-binary @"$WORK/questions.csv" \
    "$BASE/api/v1/datasets?name=bench-questions" | jq -r .id)"
  RUNNER="$(runner_pid)"; CATALOG="$(catalog_pid)"
  CPU_CATALOG="$(cpu_ms "$CATALOG")"; CPU_RUNNER="$(cpu_ms "$RUNNER")"; CPU_PG="$(pg_cpu_ms)"
  SUBMITTED="$(now)"
  TEST="$(api -d "{\"flow\": \"bench\", \"datasetId\": \"$DATASET\", \"concurrency\": $CONCURRENCY}" \
    "$BASE/api/v1/bulk-tests" | jq -r .id)"
  KILLED="" KEPT_AT_KILL=0 RUNNER_MS=0 RESUMED="" STATS_AT_KILL='{}'
  while true; do
    api "$BASE/api/v1/bulk-tests/$TEST" > "$WORK/test.json"
    KEPT="$(jq -r '.answered.default // 0' "$WORK/test.json")"
    if [ -z "$KILLED" ] && [ "$KILL_AT" -gt 0 ] && [ "$KEPT" -ge $((ROWS * KILL_AT / 100)) ]; then
      RUNNER_MS="$(echo "$(cpu_ms "$RUNNER") - $CPU_RUNNER" | bc -l)"
      kill -KILL "$RUNNER"
      KILLED="$(now)"
      sleep 0.2 # rows the killed runner committed at its end
      KEPT_AT_KILL="$(api "$BASE/api/v1/bulk-tests/$TEST" | jq -r '.answered.default // 0')"
      STATS_AT_KILL="$(fake_stats)"
      echo "== kill -9 of runner $RUNNER at $(echo "$KILLED - $SUBMITTED" | bc -l | cut -c1-5) s, $KEPT_AT_KILL rows kept"
    elif [ -n "$KILLED" ] && [ -z "$RESUMED" ] && [ "$KEPT" -gt "$KEPT_AT_KILL" ]; then
      RESUMED="$(now)"
      echo "== rows kept again at $(echo "$RESUMED - $SUBMITTED" | bc -l | cut -c1-5) s (runner $(runner_pid))"
    fi
    case "$(jq -r .job.state "$WORK/test.json")" in succeeded|failed|cancelled) break ;; esac
    sleep 0.2
  done
  STATS="$(fake_stats)"
  CATALOG_MS="$(echo "$(cpu_ms "$CATALOG") - $CPU_CATALOG" | bc -l)"; PG_MS="$(echo "$(pg_cpu_ms) - $CPU_PG" | bc -l)"
  [ -n "$KILLED" ] || { RUNNER_MS="$(echo "$(cpu_ms "$RUNNER") - $CPU_RUNNER" | bc -l)"; KEPT_AT_KILL="$ROWS"; }
  WALL="$(echo "$(epoch "$(jq -r .job.finishedAt "$WORK/test.json")") - $SUBMITTED" | bc -l)"
  GAP="$([ -n "$RESUMED" ] && echo "$RESUMED - $KILLED" | bc -l || echo 0)"
  FAILED_ROWS="$(api "$BASE/api/v1/bulk-tests/$TEST/rows?failed=true&limit=500" | jq -r '.items | length')"
  jq -c --argjson wall "$WALL" --argjson gap "$GAP" --argjson provider "$STATS" --argjson atKill "$STATS_AT_KILL" \
    --argjson rows "$ROWS" --argjson rate "$RATE" --argjson keptAtKill "$KEPT_AT_KILL" --argjson failedRows "$FAILED_ROWS" \
    --argjson catalogMs "$CATALOG_MS" --argjson runnerMs "$RUNNER_MS" --argjson pgMs "$PG_MS" \
    --arg killAt "$KILL_AT" --argjson concurrency "$CONCURRENCY" --argjson rpm "$RPM" '{
      state: .job.state, rows: $rows, concurrency: $concurrency, requestsPerMinute: $rpm, killAtPercent: ($killAt | tonumber),
      kept: .answered.default, failedRows: $failedRows, seconds: $wall, bound: ($rows / $rate),
      secondsWithoutTheGap: ($wall - $gap), resumeGap: $gap, rowsPerSecond: ($rows / $wall),
      keptAtKill: $keptAtKill, provider: $provider, providerAtKill: $atKill,
      answeredCalls: ($provider.chatRequests - $provider.rateLimited),
      calledAgain: ($provider.chatRequests - $provider.rateLimited - $rows),
      cpuMsPerRow: {catalog: ($catalogMs / $rows), firstRunner: ($runnerMs / ([$keptAtKill, 1] | max)), postgres: ($pgMs / $rows)},
      attempts: .job.attempt}' "$WORK/test.json" > "$OUT/bulk-resume.json"
  echo "== load after: $(uptime)"
  jq -r '"\(.state): \(.kept) of \(.rows) rows kept, \(.failedRows) failed; \(.seconds * 10 | round / 10) s from submission to the end (bound \(.bound) s; \(.secondsWithoutTheGap * 10 | round / 10) s without the \(.resumeGap * 10 | round / 10) s from the kill to the next kept row) = \(.rowsPerSecond * 10 | round / 10) rows/s",
    "provider: \(.provider.chatRequests) calls, \(.provider.rateLimited) 429s, \(.provider.mostInFlight) at once; answered \(.answeredCalls) calls for \(.rows) rows: \(.calledAgain) rows called again after the kill (\(.keptAtKill) kept at the kill)",
    "CPU ms per row: catalog-service \(.cpuMsPerRow.catalog * 100 | round / 100), runner \(.cpuMsPerRow.firstRunner * 100 | round / 100) (the first, up to the kill), PostgreSQL \(.cpuMsPerRow.postgres * 100 | round / 100)"' \
    "$OUT/bulk-resume.json" | tee "$OUT/bulk-resume-$ROWS-$CONCURRENCY.txt"
  exit 0
fi

# ModelCat. The connection's own limit of calls at once is set out of the way: the provider's rate limit is measured.
start_fake
api -d "{\"name\": \"fake\", \"kind\": \"openai-compatible\", \"baseUrl\": \"$FAKE_URL\",
  \"allowedModels\": [\"fake-small\"], \"maxConcurrent\": 1024}" "$BASE/api/v1/llm/connections" > /dev/null
api -d '{"name": "bench", "inputs": ["question"], "steps": [{"name": "answer", "variants": [
  {"name": "plain", "model": "fake/fake-small", "prompt": "{{ question }}"}]}]}' "$BASE/api/v1/flows" > /dev/null
DATASET="$(curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: text/csv' --data-binary @"$WORK/questions.csv" \
  "$BASE/api/v1/datasets?name=bench-questions" | jq -r .id)"
JOB="$(api -d "{\"flow\": \"bench\", \"datasetId\": \"$DATASET\", \"concurrency\": $CONCURRENCY}" \
  "$BASE/api/v1/bulk-tests" | jq -r .job.id)"
while true; do
  api "$BASE/api/v1/jobs/$JOB" > "$OUT/bulk-modelcat-job.json"
  case "$(jq -r .state "$OUT/bulk-modelcat-job.json")" in succeeded|failed|cancelled) break ;; esac
  sleep 0.5
done
MC_STATS="$(fake_stats)"
stop_fake
MC_SECONDS="$(echo "$(epoch "$(jq -r .finishedAt "$OUT/bulk-modelcat-job.json")") - $(epoch "$(jq -r .startedAt "$OUT/bulk-modelcat-job.json")")" | bc -l)"
jq -c --arg seconds "$MC_SECONDS" --argjson provider "$MC_STATS" '{side: "modelcat", state, startedAt, finishedAt,
  rows: .result.rows, failedRows: .result.failedRows, seconds: ($seconds | tonumber), provider: $provider}' \
  "$OUT/bulk-modelcat-job.json" | tee "$OUT/bulk-modelcat.json"
echo "== load between: $(uptime)"
# Stop ModelCat before prompt flow runs, so that each side has the machine to itself.
kill -TERM $LAUNCHER 2>/dev/null; wait $LAUNCHER 2>/dev/null || true
LAUNCHER=""

# Prompt flow: telemetry off (its endpoint is unreachable here) and tracing off (no local trace service).
start_fake
export PF_HOME_DIRECTORY="$WORK/pf-home"
"$(dirname "$PYTHON")/pf" config set telemetry.enabled=false > /dev/null
FAKE_LLM_BASE_URL="$FAKE_URL" PF_WORKER_COUNT="$CONCURRENCY" PF_DISABLE_TRACING=true \
  "$PYTHON" bench/promptflow/run.py "$WORK/questions.jsonl" > "$OUT/bulk-promptflow.log" 2>&1
# A run starts prompt flow's local service (waitress) in the background, for this home directory: stop it.
"$(dirname "$PYTHON")/pf" service stop > /dev/null 2>&1 || true
PF_STATS="$(fake_stats)"
stop_fake
tail -1 "$OUT/bulk-promptflow.log" | jq -c --argjson provider "$PF_STATS" '{side: "promptflow"} + . + {provider: $provider}' \
  | tee "$OUT/bulk-promptflow.json"
echo "== load after: $(uptime)"

jq -n -r --argjson rate "$RATE" --argjson conc "$CONCURRENCY" --argjson delay "$DELAY_MS" --slurpfile m "$OUT/bulk-modelcat.json" --slurpfile p "$OUT/bulk-promptflow.json" '
  (($m[0].rows - $m[0].failedRows) / $m[0].seconds) as $mr | (($p[0].rows - $p[0].failedRows) / $p[0].seconds) as $pr |
  "modelcat:   \($m[0].rows) rows (\($m[0].failedRows) failed) in \($m[0].seconds * 100 | round / 100) s = \($mr * 10 | round / 10) answered rows/s, \($m[0].provider.chatRequests) calls, \($m[0].provider.rateLimited) 429s, \($m[0].provider.mostInFlight) at once",
  "promptflow: \($p[0].rows) rows (\($p[0].failedRows) failed) in \($p[0].seconds * 100 | round / 100) s = \($pr * 10 | round / 10) answered rows/s, \($p[0].provider.chatRequests) calls, \($p[0].provider.rateLimited) 429s, \($p[0].provider.mostInFlight) at once (wall \($p[0].wallSeconds) s)",
  "ratio:      \($mr / $pr * 100 | round / 100)x; the bound: \([$rate, $conc * 1000 / $delay] | min) rows/s"' | tee "$OUT/bulk-test-$ROWS-$CONCURRENCY.txt"
