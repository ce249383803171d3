#!/usr/bin/env bash
# Online serving on this machine's CPU, ModelCat beside its peers in one run (docs/performance.md, "Online serving"):
#   1. text classification, BERT-base and DistilBERT shapes (random weights, 128 tokens a request), at 1, 8 and 32
#      concurrent requests: ModelCat's /endpoints/{name}/score (key, MLflow body) beside a transformers pipeline
#      behind FastAPI/uvicorn and LitServe with dynamic batching (bench/serving/peers.py), one wrk for all;
#   2. the gateway's added latency: the tiny DistilBERT fixture through /score against the runner's own
#      /serve/{instance} (with the instance's secret, read from the database), at 1 and 200 connections as fast as
#      they go (the cores' limit), then 200 connections asking for steady rates below it (BENCH_GATEWAY_RATES);
#   3. text generation, GPT-2-small shape, 64 greedy tokens: /v1/completions beside transformers' generate;
#   4. ("shared", not run by default) BERT-base and DistilBERT on one runner, both driven at once, first with no CPU
#      cores reserved (each instance computes on every core), then with cpuCores = half the cores each, in
#      alternating rounds: ModelCat against itself, no peer.
# Usage: bench/serving/run.sh        (about 15 minutes on 2 cores; JSON lines and logs go to bench/results/serving/)
#   BENCH_DURATION (10) / BENCH_WARMUP (3)  seconds measured / warmed up per cell
#   BENCH_LOAD_BELOW (1.0), BENCH_MAX_WAIT (600)  before each cell, wait up to MAX_WAIT s for the 1-minute load
#   BENCH_TOTAL_WAIT (1800)                      average to drop below LOAD_BELOW, waiting at most TOTAL_WAIT s in all;
#                                                 the load before each cell and after it is recorded either way
#   BENCH_CONCURRENCY ("1 8 32"), BENCH_GEN_ROUNDS (3), BENCH_GEN_TOKENS (64)
#   BENCH_SCENARIOS ("classify gateway generate")  which parts to run (only their models are deployed); add "shared"
#   BENCH_SHARED_CONCURRENCY (4), BENCH_SHARED_ROUNDS (2)  connections per model and rounds of the shared scenario
#   BENCH_GATEWAY_WARMUP (30)                    seconds at 200 connections on each path before the gateway's cells
#   BENCH_GATEWAY_RATES ("250 500 1000")         requests/s asked of 200 connections together (each waits a random
#                                                 time of mean 200,000/rate ms before each request: post.lua)
# LitServe is stopped (SIGSTOP) outside its own cells: its idle workers poll and would take CPU from the others.
# Builds in the reactor (nothing installed into ~/.m2), makes the models (bench/serving/make_models.py) and its
# venv (bench/venv.sh bench/serving), serves them to the importer from a local FakeHubServer, starts ModelCat with
# ./modelcat on a scratch embedded PostgreSQL, and sends traffic to localhost only. Needs wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
DURATION="${BENCH_DURATION:-10}"
WARMUP="${BENCH_WARMUP:-3}"
LOAD_BELOW="${BENCH_LOAD_BELOW:-1.0}"
MAX_WAIT="${BENCH_MAX_WAIT:-600}"
TOTAL_WAIT="${BENCH_TOTAL_WAIT:-1800}"
CONCURRENCY="${BENCH_CONCURRENCY:-1 8 32}"
GEN_ROUNDS="${BENCH_GEN_ROUNDS:-3}"
GEN_TOKENS="${BENCH_GEN_TOKENS:-64}"
GATEWAY_WARMUP="${BENCH_GATEWAY_WARMUP:-30}"
GATEWAY_RATES="${BENCH_GATEWAY_RATES:-250 500 1000}"
SCENARIOS=" ${BENCH_SCENARIOS:-classify gateway generate} "
SHARED_CONCURRENCY="${BENCH_SHARED_CONCURRENCY:-4}"
SHARED_ROUNDS="${BENCH_SHARED_ROUNDS:-2}"
runs() { [[ "$SCENARIOS" == *" $1 "* ]]; }
THREADS="$(nproc)"
PORT=18190 RUNNER_PORT=18191 DB_PORT=54390 FASTAPI_PORT=18192 LITSERVE_PORT=18193
OUT=bench/results/serving
STAMP="$(date -u +%Y%m%dT%H%M)"
RESULTS="$OUT/serving-$STAMP.jsonl"
HOME_DIR="$(mktemp -d /tmp/modelcat-serving.XXXXXX)"
mkdir -p "$OUT"
command -v wrk > /dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }
command -v psql > /dev/null || { echo "psql is missing: apt-get install postgresql-client" >&2; exit 2; }
started=$SECONDS

PIDS=()
cleanup() {
  # Each server runs in its own session (setsid): its whole process group goes, LitServe's workers too.
  for pid in "${PIDS[@]}"; do kill -CONT -- "-$pid" 2>/dev/null || true; kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$HOME_DIR"
}
trap cleanup EXIT

echo "building (reactor) ..." >&2
./mvnw -q -pl catalog-service,job-runner,launcher,test-support -am package -DskipTests \
  dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt > "$OUT/build.log"
python="$(bench/venv.sh bench/serving | tail -n 1)"
MODELS="$OUT/models"
[ -f "$MODELS/texts.json" ] || "$python" bench/serving/make_models.py "$MODELS" > "$OUT/make-models.log" 2>&1
TINY=fixtures/hf-tiny/distilbert-sequence-classification

# A log of an earlier run would name its Hub's address before this one writes its own.
rm -f "$OUT/hub.log"
setsid java -cp "test-support/target/classes:$(cat test-support/target/bench-classpath.txt)" \
  io.modelcat.testsupport.hub.FakeHubServer "$MODELS/bert-base" bench/bert-base "$MODELS/distilbert" bench/distilbert \
  "$MODELS/gpt2-small" bench/gpt2-small "$TINY" bench/tiny > "$OUT/hub.log" 2>&1 &
PIDS+=($!)
LITSERVE_GROUP=
if runs classify; then
  setsid "$python" bench/serving/peers.py fastapi "$FASTAPI_PORT" "$THREADS" bert="$MODELS/bert-base" \
    distil="$MODELS/distilbert" > "$OUT/fastapi.log" 2>&1 &
  PIDS+=($!)
  setsid "$python" bench/serving/peers.py litserve "$LITSERVE_PORT" "$THREADS" bert="$MODELS/bert-base" \
    distil="$MODELS/distilbert" > "$OUT/litserve.log" 2>&1 &
  PIDS+=($!)
  LITSERVE_GROUP=$!
fi
for _ in $(seq 1 100); do grep -q ENDPOINT "$OUT/hub.log" && break; sleep 0.2; done
HUB="$(grep ENDPOINT "$OUT/hub.log" | cut -d' ' -f2)"
HF_ENDPOINT="$HUB" MODELCAT_HOME="$HOME_DIR" MODELCAT_PORT="$PORT" MODELCAT_RUNNER_PORT="$RUNNER_PORT" \
  MODELCAT_EMBEDDED_DB_PORT="$DB_PORT" MODELCAT_SKIP_BUILD=true MODELCAT_ADMIN_PASSWORD="$BENCH_ADMIN_PASSWORD" \
  setsid ./modelcat > "$OUT/system.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 180); do grep -q "ModelCat is ready" "$OUT/system.log" && break; sleep 1; done
grep -q "ModelCat is ready" "$OUT/system.log" || { cat "$OUT/system.log"; exit 1; }

BASE="http://localhost:$PORT"
AUTH="Authorization: Bearer $(api_token "$BASE")"
api() { curl -sf -H "$AUTH" -H 'Content-Type: application/json' "$@"; }

import_model() {  # repo -> model id
  local job state
  job="$(api -d "{\"modelId\": \"$1\"}" "$BASE/api/v1/imports" | jq -r .id)"
  for _ in $(seq 1 300); do
    state="$(api "$BASE/api/v1/jobs/$job" | jq -r .state)"
    case "$state" in succeeded) api "$BASE/api/v1/jobs/$job" | jq -r .result.modelId; return ;; failed) break ;; esac
    sleep 1
  done
  echo "import of $1 ended $state: $(api "$BASE/api/v1/jobs/$job")" >&2; exit 1
}

deploy() {  # endpoint model-id -> the endpoint's primary key, once its deployment is ready
  local key state
  key="$(api -d "{\"name\": \"$1\", \"authMode\": \"key\"}" "$BASE/api/v1/endpoints" | jq -r .keys.primaryKey)"
  api -d "{\"name\": \"blue\", \"modelId\": \"$2\", \"instanceCount\": 1, \"device\": \"cpu\",
    \"maxConcurrentRequestsPerInstance\": 256, \"requestTimeoutMs\": 120000}" \
    "$BASE/api/v1/endpoints/$1/deployments" > /dev/null
  for _ in $(seq 1 300); do
    state="$(api "$BASE/api/v1/endpoints/$1" | jq -r '.deployments[0].state')"
    case "$state" in ready) echo "$key"; return ;; failed) break ;; esac
    sleep 1
  done
  echo "deployment of $1 ended $state: $(api "$BASE/api/v1/endpoints/$1")" >&2; exit 1
}

echo "importing and deploying ..." >&2
declare -A KEY
DEPLOYED=()
if runs classify || runs shared; then DEPLOYED+=(bert distil); fi
if runs generate; then DEPLOYED+=(gen); fi
if runs gateway; then DEPLOYED+=(tiny); fi
for m in "${DEPLOYED[@]}"; do
  case $m in bert) repo=bench/bert-base ;; distil) repo=bench/distilbert ;; gen) repo=bench/gpt2-small ;; tiny) repo=bench/tiny ;; esac
  KEY[$m]="$(deploy "$m" "$(import_model "$repo")")"
done
runs classify && for port in "$FASTAPI_PORT" "$LITSERVE_PORT"; do
  for _ in $(seq 1 180); do curl -sf "http://127.0.0.1:$port/health" > /dev/null && break; sleep 1; done
done

TEXT="$(jq -r .classify "$MODELS/texts.json")"
jq -n --arg t "$TEXT" '{input_data: [$t]}' > "$HOME_DIR/classify.json"
jq -n '{input_data: ["the cat sat on the mat."]}' > "$HOME_DIR/tiny.json"
jq -n '{inputs: [{text: "the cat sat on the mat."}]}' > "$HOME_DIR/tiny-serve.json"
INSTANCE="" SECRET=""
# The runner's own address of the tiny model's instance, for the gateway's cells (read only when they run: without
# the tiny endpoint the query answers nothing, and read would end the script).
runs gateway && read -r INSTANCE SECRET < <(psql -At -F ' ' -h localhost -p "$DB_PORT" -U postgres -d modelcat -c \
  "SELECT i.id, i.secret FROM deployment_instance i JOIN deployment d ON d.id = i.deployment_id
   JOIN endpoint e ON e.id = d.endpoint_id WHERE e.name = 'tiny' AND i.state = 'ready'")

url_of() {  # server model -> URL
  case $1 in
    modelcat) echo "$BASE/endpoints/$2/score" ;;
    fastapi) echo "http://127.0.0.1:$FASTAPI_PORT/$2/predict" ;;
    litserve) echo "http://127.0.0.1:$LITSERVE_PORT/$2/predict" ;;
    runner) echo "http://localhost:$RUNNER_PORT/serve/$INSTANCE" ;;
  esac
}
header_of() {  # server model -> the credential header
  case $1 in
    modelcat) echo "Authorization: Bearer ${KEY[$2]}" ;;
    runner) echo "X-ModelCat-Instance-Secret: $SECRET" ;;
    *) echo "X-Bench: none" ;;
  esac
}

load1() { cut -d' ' -f1 /proc/loadavg; }
echo 0 > "$HOME_DIR/waited"
wait_for_idle() {  # echoes the 1-minute load when it dropped below LOAD_BELOW, or when a wait budget ran out
  local waited=0 total
  total="$(cat "$HOME_DIR/waited")"
  while awk -v l="$(load1)" -v t="$LOAD_BELOW" 'BEGIN { exit !(l >= t) }' && [ "$waited" -lt "$MAX_WAIT" ] \
      && [ $((total + waited)) -lt "$TOTAL_WAIT" ]; do
    sleep 5; waited=$((waited + 5))
  done
  echo $((total + waited)) > "$HOME_DIR/waited"
  echo "$(load1) $waited"
}

# Every answer checked once before anything is timed: the same label from all three for the same text.
runs classify && for model in bert distil; do
  for server in modelcat fastapi litserve; do
    printf '%s %s: %s\n' "$model" "$server" "$(curl -sf -H "$(header_of $server $model)" -H 'Content-Type: application/json' \
      --data-binary @"$HOME_DIR/classify.json" "$(url_of $server $model)")" | tee -a "$OUT/answers-$STAMP.txt" >&2
  done
done

# LitServe's workers poll their queues while idle (about a third of a core here): they are stopped (SIGSTOP)
# while another server is measured, and continued for LitServe's own cells.
litserve_only_for() {  # server
  [ -n "$LITSERVE_GROUP" ] || return 0
  if [ "$1" = litserve ]; then kill -CONT -- "-$LITSERVE_GROUP"; sleep 1; else kill -STOP -- "-$LITSERVE_GROUP"; fi
}

measure() {  # scenario model server concurrency body [rate: requests/s asked of all connections together]
  local scenario=$1 model=$2 server=$3 c=$4 body=$5 rate=${6:-} idle result interval=
  [ -n "$rate" ] && interval=$((c * 1000 / rate))
  litserve_only_for "$server"
  idle="$(wait_for_idle)"
  BENCH_BODY="$body" BENCH_INTERVAL_MS="$interval" wrk -t1 -c"$c" -d"${WARMUP}s" --timeout 120s \
    -s bench/serving/post.lua -H "$(header_of "$server" "$model")" "$(url_of "$server" "$model")" > /dev/null
  # The warm-up's last calls, left by its connections, still run: over the instance's limit with the next 200
  # calls they would be answered 429.
  sleep 1
  result="$(BENCH_BODY="$body" BENCH_INTERVAL_MS="$interval" wrk -t1 -c"$c" -d"${DURATION}s" --timeout 120s \
    -s bench/serving/post.lua -H "$(header_of "$server" "$model")" "$(url_of "$server" "$model")" \
    | sed -n 's/^RESULT //p')"
  jq -c --arg s "$scenario" --arg m "$model" --arg v "$server" --argjson c "$c" --argjson l "${idle% *}" \
    --argjson w "${idle#* }" --argjson after "$(load1)" --arg rate "$rate" \
    '{scenario: $s, model: $m, server: $v, concurrency: $c, rate_asked: ($rate | if . == "" then null else tonumber end),
      load_before: $l, waited_s: $w, load_after: $after} + .' <<< "$result" | tee -a "$RESULTS"
}

set_cores() {  # cores: the shared scenario's deployments reserve this many per instance; waits until only such answer
  local ok
  for m in bert distil; do
    api -X PATCH -d "{\"cpuCores\": $1}" "$BASE/api/v1/endpoints/$m/deployments/blue" > /dev/null
  done
  for _ in $(seq 1 300); do
    ok=0
    for m in bert distil; do
      api "$BASE/api/v1/endpoints/$m" | jq -e --argjson c "$1" '.deployments[0] | .state == "ready"
        and (.instances | length) == 1 and .instances[0].cpuCores == $c' > /dev/null && ok=$((ok + 1))
    done
    [ "$ok" = 2 ] && return
    sleep 1
  done
  echo "the shared deployments did not move to $1 reserved cores" >&2; exit 1
}

measure_shared() {  # cores: both models at once, each with its own wrk (waited for by pid: the servers are children too)
  local idle pids=() m
  idle="$(wait_for_idle)"
  for phase in warm measured; do
    pids=()
    for m in bert distil; do
      BENCH_BODY="$HOME_DIR/classify.json" wrk -t1 -c"$SHARED_CONCURRENCY" \
        -d"$([ $phase = warm ] && echo "$WARMUP" || echo "$DURATION")s" --timeout 120s -s bench/serving/post.lua \
        -H "$(header_of modelcat "$m")" "$(url_of modelcat "$m")" > "$HOME_DIR/shared-$m.txt" &
      pids+=($!)
    done
    wait "${pids[@]}"
  done
  for m in bert distil; do
    sed -n 's/^RESULT //p' "$HOME_DIR/shared-$m.txt" | jq -c --arg m "$m" --argjson cores "$1" \
      --argjson c "$SHARED_CONCURRENCY" --argjson l "${idle% *}" --argjson after "$(load1)" \
      '{scenario: "shared", model: $m, server: "modelcat", cpu_cores: $cores, concurrency: $c, load_before: $l,
        load_after: $after} + .' | tee -a "$RESULTS"
  done
}

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git rev-parse --short HEAD); $(nproc) cores," \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/^Mem:/ {print $2}') GiB;" \
    "$(java -version 2>&1 | head -1); $("$python" -c 'import torch, transformers, litserve, fastapi, uvicorn
print(f"torch {torch.__version__}, transformers {transformers.__version__}, litserve {litserve.__version__}, fastapi {fastapi.__version__}, uvicorn {uvicorn.__version__}")'); $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
  # Classification: each concurrency in turn, the three servers back to back (their order rotates).
  servers=(modelcat fastapi litserve)
  runs classify && for model in bert distil; do
    for c in $CONCURRENCY; do
      for server in "${servers[@]}"; do measure classify "$model" "$server" "$c" "$HOME_DIR/classify.json"; done
      servers=("${servers[@]:1}" "${servers[0]}")
    done
  done
  # The gateway: the tiny model through /score, and straight to the runner. Both JVMs are warmed up first at full
  # load (the gateway's path is compiled after some 20 s of it: with the cells' own 3 s warm-up alone, the first
  # cells measured the interpreter and ran at a third of the speed).
  if runs gateway; then
    for server in modelcat runner; do
      BENCH_BODY="$HOME_DIR/$([ $server = modelcat ] && echo tiny || echo tiny-serve).json" wrk -t1 -c200 \
        -d"${GATEWAY_WARMUP}s" --timeout 120s -s bench/serving/post.lua -H "$(header_of "$server" tiny)" \
        "$(url_of "$server" tiny)" > /dev/null
    done
  fi
  runs gateway && for c in 1 200; do
    measure gateway tiny modelcat "$c" "$HOME_DIR/tiny.json"
    measure gateway tiny runner "$c" "$HOME_DIR/tiny-serve.json"
  done
  # The same at steady rates below the cores' limit: what the gateway adds to each call when it is not queueing.
  runs gateway && for rate in $GATEWAY_RATES; do
    measure gateway tiny modelcat 200 "$HOME_DIR/tiny.json" "$rate"
    measure gateway tiny runner 200 "$HOME_DIR/tiny-serve.json" "$rate"
  done
  litserve_only_for none
  # Two models on one runner, driven at once: their instances without reserved cores, then with half each.
  if runs shared; then
    half=$(( $(nproc) / 2 > 0 ? $(nproc) / 2 : 1 ))
    for _ in $(seq 1 "$SHARED_ROUNDS"); do
      for cores in 0 "$half"; do set_cores "$cores"; measure_shared "$cores"; done
    done
    set_cores 0
  fi
  # Generation: one request at a time, greedy, GEN_TOKENS new tokens.
  if runs generate; then
  prompt="$(jq -r .prompt "$MODELS/texts.json")"
  body="$(jq -nc --arg p "$prompt" --argjson n "$GEN_TOKENS" '{model: "blue", prompt: $p, max_tokens: $n, temperature: 0}')"
  curl -sf -H "Authorization: Bearer ${KEY[gen]}" -H 'Content-Type: application/json' -d "$body" \
    "$BASE/endpoints/gen/v1/completions" > /dev/null   # warm-up
  for _ in $(seq 1 "$GEN_ROUNDS"); do
    idle="$(wait_for_idle)"
    curl -sf -o "$HOME_DIR/completion.json" -w '%{time_total}\n' -H "Authorization: Bearer ${KEY[gen]}" \
      -H 'Content-Type: application/json' -d "$body" "$BASE/endpoints/gen/v1/completions" > "$HOME_DIR/time.txt"
    jq -c --argjson t "$(cat "$HOME_DIR/time.txt")" --argjson l "${idle% *}" --argjson after "$(load1)" \
      '{scenario: "generate", server: "modelcat", load_before: $l, load_after: $after, prompt_tokens: .usage.prompt_tokens,
        new_tokens: .usage.completion_tokens, seconds: $t, tokens_per_s: (.usage.completion_tokens / $t),
        finish_reason: .choices[0].finish_reason}' "$HOME_DIR/completion.json" | tee -a "$RESULTS"
  done
  idle="$(wait_for_idle)"
  "$python" bench/serving/generate_peer.py "$MODELS/gpt2-small" "$prompt" "$GEN_TOKENS" "$GEN_ROUNDS" "$THREADS" \
    2> "$OUT/generate-peer.log" | jq -c --argjson l "${idle% *}" \
    '{scenario: "generate", server: "transformers", load_before: $l} + .' | tee -a "$RESULTS"
  fi
  python3 bench/serving/table.py "$RESULTS"
  echo "whole run: $((SECONDS - started)) s; results in $RESULTS"
} | tee "$OUT/serving-$STAMP.txt"
