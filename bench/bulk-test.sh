#!/usr/bin/env bash
# Bulk tests beside prompt flow (issue 19): a one-step flow "{{ question }}" over a CSV of `rows` questions, run by
# ModelCat as a bulk test (a job-runner calling through the catalog's LLM mesh, `concurrency` rows at once) and by
# Microsoft's prompt flow (`pf` local batch run, PF_WORKER_COUNT = concurrency) over the same questions, each against
# its own fresh local provider (test-support's FakeLlmProvider: answers in BENCH_DELAY_MS, at most BENCH_RATE calls a
# second, 429 with Retry-After beyond). Rows/s (answered rows: failed ones left out) is taken from each run's own start
# and end times (the job's startedAt/finishedAt; the prompt flow run's start and end); the provider's /stats gives
# calls and 429s.
# Results and setup go in docs/performance.md.
#
#   bench/bulk-test.sh [rows] [concurrency]      # default 10000 rows, 8 at once
#
# Needs: python3.11 (bench/promptflow/venv.sh installs prompt flow), jq, curl.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
ROWS="${1:-10000}"
CONCURRENCY="${2:-8}"
DELAY_MS="${BENCH_DELAY_MS:-50}"
RATE="${BENCH_RATE:-200}"
PORT="${BENCH_PORT:-18280}"
DB_PORT="${BENCH_DB_PORT:-54359}"
WORK="$(mktemp -d /tmp/modelcat-bulk-bench.XXXXXX)"
OUT="${BENCH_OUT:-bench/results}"
mkdir -p "$OUT"
command -v jq >/dev/null || { echo "jq is missing: apt-get install jq" >&2; exit 2; }
PYTHON="$(bash bench/promptflow/venv.sh | tail -1)"

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
  for _ in $(seq 1 50); do grep -q '^BASE_URL ' "$WORK/fake.log" && break; sleep 0.2; done
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

echo "== $ROWS rows, concurrency $CONCURRENCY; provider: ${DELAY_MS} ms, $RATE requests/s; $(nproc) cores; $(uname -r)"
echo "== load before: $(uptime)"

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
