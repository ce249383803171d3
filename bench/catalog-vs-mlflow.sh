#!/usr/bin/env bash
# ModelCat's catalog list side by side with MLflow's model registry (issue 20), in one run on this machine and
# one PostgreSQL server: the embedded PostgreSQL 16 that ./modelcat starts holds both ModelCat's database
# (modelcat) and MLflow's (mlflow).
#
#   bench/catalog-vs-mlflow.sh        # the full measurement: 100,000 cards, 20 s warm-up + 60 s per cell (about 40 min)
#   BENCH_CARDS=2000 BENCH_DURATION=3s BENCH_WARMUP=2s BENCH_SKIP_BUILD=true bench/catalog-vs-mlflow.sh   # smoke run
#   BENCH_READMES=true ...            # descriptions as Hub READMEs of about 3 KB (bench/load-catalog.sql), not one sentence
#
# What it does:
#  1. builds (unless BENCH_SKIP_BUILD=true), starts ModelCat on a scratch MODELCAT_HOME with its page cache on
#     (the default), and loads BENCH_CARDS cards with bench/load-catalog.sql;
#  2. makes database mlflow on the same PostgreSQL server, starts `mlflow server` on it (bench/venv.sh bench/mlflow
#     installs the pinned MLflow), lets MLflow create its schema, then copies the same cards into MLflow's tables
#     in bulk SQL (registering 100,000 models one REST call at a time would take far longer): each card is a
#     registered model (same name, description up to MLflow's 5,000 characters, creation and update times in ms),
#     with MLflow tags task, license, finetuning-task.<task> = true for each fine-tuning task, and
#     tag.<tag> = true for each tag;
#  3. checks through both REST APIs that they return the same thing (counts of a filter, first and second
#     page names);
#  4. per scenario, runs wrk (BENCH_THREADS=2 threads, BENCH_CONNECTIONS=200 connections, a BENCH_WARMUP warm-up,
#     then BENCH_DURATION measured with --latency) against MLflow, then against ModelCat;
#  5. stops MLflow and ModelCat, starts ModelCat again on the same MODELCAT_HOME (the embedded database and its
#     data are reused) with MODELCAT_CATALOG_LIST_CACHE_TTL=0s, and measures ModelCat's side again: every page
#     read from the database;
#  6. prints one Markdown table: req/s, p50 and p99 per scenario, and the ratio of ModelCat's req/s to MLflow's.
#
# Scenarios (page size 20 on both sides, MLflow's max_results=20):
#   filtered        ?task=text-classification&license=mit        filter=tags.task = '...' AND tags.license = '...'
#   filtered-multi  two tasks and two licences                    not expressible: MLflow's tag filters take =, !=,
#                                                                 LIKE and ILIKE joined by AND (no IN, no OR)
#   search          ?q=roberta&sort=name                          filter=name ILIKE '%roberta%' (both by name)
#   sorted-updated  ?sort=-updatedAt                              order_by=last_updated_timestamp DESC
#   second-page     filtered, cursor=<first page's nextCursor>    filtered, page_token=<first page's next_page_token>
#   varied          bench/varied-pages.lua                        bench/mlflow/varied-pages.lua
# ModelCat's requests carry facets=false: MLflow's search returns no totals or counts either.
#
# Fairness notes: wrk, ModelCat (catalog service, runner), MLflow and PostgreSQL all share this machine's cores;
# whichever server is not being measured sits idle, and each warm-up and measurement starts once the machine is
# idle again (a loaded server keeps working through the requests it took after wrk stopped: MLflow's backlog takes
# tens of seconds to a few minutes). Both sides run with wrk's --timeout BENCH_TIMEOUT (120 s), so that slow
# answers count in the percentiles instead of being dropped as timeouts. MLflow answers a few to a few dozen
# requests a second over 100,000 models, so at 200 connections its requests wait tens of seconds: measure for
# BENCH_DURATION=60s (the default) or more, else it answers few or none within the run and its percentiles are those of the
# first answers only (lower bounds). ModelCat's requests carry
# an API token that it checks (MLflow runs without authentication, its default). MLflow's server logs no line
# per request (--no-access-log; ModelCat logs none either) and runs without its background job executor
# (MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false: the registry search does not use it, and its processes would take
# CPU from the measured servers).
#
# Needs: wrk, psql, curl, python3.11 (for MLflow's venv). Sends traffic to localhost only.
# Results go to bench/results/vs-mlflow/ (ignored by git): wrk outputs, logs, results.tsv, table.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
DURATION="${BENCH_DURATION:-60s}"
WARMUP="${BENCH_WARMUP:-20s}"
TIMEOUT="${BENCH_TIMEOUT:-120s}"
CARDS="${BENCH_CARDS:-100000}"
CONNECTIONS="${BENCH_CONNECTIONS:-200}"
THREADS="${BENCH_THREADS:-2}"
PORT="${BENCH_PORT:-18080}"
DB_PORT="${BENCH_DB_PORT:-54339}"
MLFLOW_PORT="${BENCH_MLFLOW_PORT:-15000}"
# MLflow serves requests in uvicorn worker processes, each running Python (one request's Python code at a time,
# the GIL). Two per core (4 on the 2-core development machine, which is also MLflow's own default) keeps every
# core busy while some workers wait on PostgreSQL; more would only contend with wrk and PostgreSQL for the same
# cores. ModelCat, by comparison, is one JVM whose list queries share a 16-connection pool.
MLFLOW_WORKERS="${BENCH_MLFLOW_WORKERS:-$((2 * $(nproc)))}"
OUT="${BENCH_OUT:-bench/results/vs-mlflow}"
mkdir -p "$OUT"
rm -f "$OUT"/wrk-*.txt "$OUT/results.tsv" "$OUT/alone.tsv"

for tool in wrk psql curl; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (apt-get install wrk postgresql-client curl)" >&2; exit 2; }
done

LAUNCHER=""
MLFLOW_PID=""
stop_mlflow() {
  [ -n "$MLFLOW_PID" ] || return 0
  # mlflow server runs in its own process group (setsid): the CLI, uvicorn and its workers stop together.
  # uvicorn finishes the requests it has taken before it exits; those of a load just ended may take long.
  kill -TERM -- "-$MLFLOW_PID" 2>/dev/null || true
  for _ in $(seq 1 30); do
    pgrep -g "$MLFLOW_PID" >/dev/null || break
    sleep 1
  done
  kill -KILL -- "-$MLFLOW_PID" 2>/dev/null || true
  wait "$MLFLOW_PID" 2>/dev/null || true
  MLFLOW_PID=""
}
stop_modelcat() {
  [ -n "$LAUNCHER" ] || return 0
  kill -TERM "$LAUNCHER" 2>/dev/null || true
  wait "$LAUNCHER" 2>/dev/null || true
  LAUNCHER=""
}
HOME_DIR="$(mktemp -d /tmp/modelcat-vs-mlflow.XXXXXX)"
trap 'stop_mlflow; stop_modelcat; rm -rf "$HOME_DIR"' EXIT

PY="$(bench/venv.sh bench/mlflow python3.11 | tail -n 1)"
MLFLOW_VERSION="$("$PY" -c 'import importlib.metadata as m; print(m.version("mlflow"))')"
[ "${BENCH_SKIP_BUILD:-false}" = true ] || ./mvnw -q -DskipTests package

# Starts ModelCat on HOME_DIR (the same embedded database each time), logging to $1; more VAR=value may follow.
start_modelcat() {
  local log="$1"
  shift
  env "$@" MODELCAT_HOME="$HOME_DIR" MODELCAT_PORT="$PORT" MODELCAT_RUNNER_PORT=$((PORT + 1)) \
    MODELCAT_EMBEDDED_DB_PORT="$DB_PORT" MODELCAT_SKIP_BUILD=true MODELCAT_ADMIN_PASSWORD="$BENCH_ADMIN_PASSWORD" \
    ./modelcat > "$log" 2>&1 &
  LAUNCHER=$!
  for _ in $(seq 1 180); do
    grep -q "ModelCat is ready" "$log" && return 0
    kill -0 "$LAUNCHER" 2>/dev/null || break
    sleep 1
  done
  cat "$log"
  echo "ModelCat did not start" >&2
  exit 1
}

# Percent of CPU time idle over the next second, all cores together.
cpu_idle_percent() {
  local a b i total=0
  read -r -a a < <(grep '^cpu ' /proc/stat)
  sleep 1
  read -r -a b < <(grep '^cpu ' /proc/stat)
  for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
  echo $((total > 0 ? 100 * (b[4] - a[4] + b[5] - a[5]) / total : 100))
}
# Waits until the machine is idle again: when wrk stops, the server it loaded still works through the requests it
# had taken (MLflow's backlog at 200 connections lasts tens of seconds), and that must not land in the next
# measurement of the other server.
wait_idle() {
  local waited=0 idle
  while idle="$(cpu_idle_percent)" && [ "$idle" -lt "${BENCH_IDLE_PERCENT:-80}" ]; do
    waited=$((waited + 1))
    if [ "$waited" -ge "${BENCH_IDLE_TIMEOUT:-180}" ]; then
      echo "NOTE: the machine is still busy ($idle% idle) after ${waited}s; measuring anyway" >&2
      return 0
    fi
  done
  [ "$waited" -eq 0 ] || echo "(waited ${waited}s for the machine to go idle)"
}
# The median time of 5 requests one at a time, in ms: how fast one request is without any queueing.
alone() {
  local side="$1" scenario="$2" url="$3"
  shift 3
  for _ in 1 2 3 4 5; do
    curl -sf -o /dev/null -w '%{time_total}\n' "$@" "$url"
  done | sort -n | sed -n 3p | awk -v side="$side" -v scenario="$scenario" '{ printf "%s\t%s\t%.2f\n", side, scenario, $1 * 1000 }' \
    >> "$OUT/alone.tsv"
}
urlencode() { "$PY" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
json_field() { "$PY" -c 'import json, sys; print(json.load(sys.stdin).get(sys.argv[1]) or "")' "$1"; }

echo "== ModelCat, page cache on (default)"
start_modelcat "$OUT/system.log"
PSQL=(psql -q -h localhost -p "$DB_PORT" -U postgres -v ON_ERROR_STOP=1)
SEEDED="$("${PSQL[@]}" -d modelcat -At -c "SELECT count(*) FROM model")"
echo "Loading $CARDS model cards..."
time "${PSQL[@]}" -d modelcat -v n="$CARDS" -v readmes="${BENCH_READMES:-false}" -f bench/load-catalog.sql
LOADED="$("${PSQL[@]}" -d modelcat -At -c "SELECT count(*) FROM model")"
echo "model cards: $LOADED ($SEEDED from the first start's seed data)"
[ "$((LOADED - SEEDED))" = "$CARDS" ] || echo "NOTE: asked for $CARDS cards, bench/load-catalog.sql loaded $((LOADED - SEEDED))" >&2

echo "== MLflow $MLFLOW_VERSION, $MLFLOW_WORKERS workers, on database mlflow of the same PostgreSQL"
"${PSQL[@]}" -d postgres -c "CREATE DATABASE mlflow"
mkdir -p "$HOME_DIR/mlflow"
# Started from its own directory (nothing lands in the repository) and in its own process group (stop_mlflow).
(cd "$HOME_DIR/mlflow" && exec env MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false setsid "$PY" -m mlflow server \
  --backend-store-uri "postgresql+psycopg2://postgres@127.0.0.1:$DB_PORT/mlflow" \
  --artifacts-destination "$HOME_DIR/mlflow/artifacts" \
  --host 127.0.0.1 --port "$MLFLOW_PORT" --workers "$MLFLOW_WORKERS" --uvicorn-opts "--no-access-log") \
  > "$OUT/mlflow.log" 2>&1 &
MLFLOW_PID=$!
for _ in $(seq 1 180); do
  curl -sf "http://127.0.0.1:$MLFLOW_PORT/health" > /dev/null && break
  kill -0 "$MLFLOW_PID" 2>/dev/null || break
  sleep 1
done
curl -sf "http://127.0.0.1:$MLFLOW_PORT/health" > /dev/null || { cat "$OUT/mlflow.log"; echo "MLflow did not start" >&2; exit 1; }

# MLflow made its schema at start; check that the columns we copy into are there, under these names.
MLPSQL=("${PSQL[@]}" -d mlflow)
columns() {
  "${MLPSQL[@]}" -At -c "SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns
                          WHERE table_schema = 'public' AND table_name = '$1'"
}
echo "registered_models: $(columns registered_models)"
echo "registered_model_tags: $(columns registered_model_tags)"
[ "$(columns registered_models)" = "creation_time,description,last_updated_time,name,workspace" ] \
  || { echo "MLflow's registered_models has other columns than this script copies into" >&2; exit 1; }
[ "$(columns registered_model_tags)" = "key,name,value,workspace" ] \
  || { echo "MLflow's registered_model_tags has other columns than this script copies into" >&2; exit 1; }

echo "Copying the cards into MLflow's registry..."
time {
  "${PSQL[@]}" -d modelcat -c "COPY (
      SELECT 'default', name, (extract(epoch FROM created_at) * 1000)::bigint,
             (extract(epoch FROM updated_at) * 1000)::bigint, left(description, 5000)
      FROM model) TO STDOUT" \
    | "${MLPSQL[@]}" -c "COPY registered_models (workspace, name, creation_time, last_updated_time, description) FROM STDIN"
  "${PSQL[@]}" -d modelcat -c "COPY (
      SELECT 'default', name, 'task', task FROM model
      UNION ALL SELECT 'default', name, 'license', license FROM model
      UNION ALL SELECT 'default', name, 'finetuning-task.' || f, 'true' FROM model, unnest(finetuning_tasks) AS f
      UNION ALL SELECT 'default', name, 'tag.' || t, 'true' FROM model, unnest(tags) AS t) TO STDOUT" \
    | "${MLPSQL[@]}" -c "COPY registered_model_tags (workspace, name, key, value) FROM STDIN"
  "${MLPSQL[@]}" -c "VACUUM ANALYZE registered_models" -c "VACUUM ANALYZE registered_model_tags"
}
echo "MLflow: $("${MLPSQL[@]}" -At -c "SELECT count(*) FROM registered_models") registered models," \
  "$("${MLPSQL[@]}" -At -c "SELECT count(*) FROM registered_model_tags") tags"

AUTH="Authorization: Bearer $(api_token "http://localhost:$PORT")"
MC="http://127.0.0.1:$PORT/api/v1/models"
ML="http://127.0.0.1:$MLFLOW_PORT/api/2.0/mlflow/registered-models/search"
FILTERED_ML="tags.task = 'text-classification' AND tags.license = 'mit'"

echo "== Checking that both APIs give the same answers"
MC="$MC" ML="$ML" AUTH="$AUTH" FILTERED_ML="$FILTERED_ML" "$PY" - <<'PY'
import json, os, sys, urllib.parse, urllib.request

def get(url, headers=None):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=300) as r:
        return json.load(r)

def modelcat(query):
    name, value = os.environ["AUTH"].split(": ", 1)
    return get(os.environ["MC"] + "?" + query, {name: value})

def mlflow(**params):
    return get(os.environ["ML"] + "?" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote))

def mlflow_count(filter):
    count, token = 0, None
    while True:
        page = mlflow(filter=filter, max_results=1000, **({"page_token": token} if token else {}))
        count += len(page.get("registered_models", []))
        token = page.get("next_page_token")
        if not token:
            return count

failed = False
def check(what, modelcat_value, mlflow_value):
    global failed
    ok = modelcat_value == mlflow_value
    failed |= not ok
    if ok and isinstance(modelcat_value, list) and modelcat_value:
        print(f"ok   {what}: {len(modelcat_value)} alike, {modelcat_value[0]} ... {modelcat_value[-1]}")
    else:
        print(f"{'ok  ' if ok else 'FAIL'} {what}: ModelCat {modelcat_value!r}, MLflow {mlflow_value!r}")

filtered = os.environ["FILTERED_ML"]
check("count of task=text-classification, license=mit",
      modelcat("task=text-classification&license=mit")["total"], mlflow_count(filtered))
check("count of the name search roberta",
      modelcat("q=roberta&sort=name")["total"], mlflow_count("name ILIKE '%roberta%'"))
first_mc = modelcat("task=text-classification&license=mit&facets=false")
first_ml = mlflow(filter=filtered, max_results=20)
check("first page of the filtered list", [m["name"] for m in first_mc["items"]],
      [m["name"] for m in first_ml["registered_models"]])
second_mc = modelcat("task=text-classification&license=mit&facets=false&cursor="
                     + urllib.parse.quote(first_mc["nextCursor"], safe=""))
second_ml = mlflow(filter=filtered, max_results=20, page_token=first_ml["next_page_token"])
check("second page of the filtered list", [m["name"] for m in second_mc["items"]],
      [m["name"] for m in second_ml["registered_models"]])
check("first page of the name search", [m["name"] for m in modelcat("q=roberta&sort=name&facets=false")["items"]],
      [m["name"] for m in mlflow(filter="name ILIKE '%roberta%'", max_results=20)["registered_models"]])
card, model = first_mc["items"][0], first_ml["registered_models"][0]
tags = {t["key"]: t["value"] for t in model.get("tags", [])}
check("tags of " + card["name"],
      sorted([("task", card["task"]), ("license", card["license"])]
             + [("finetuning-task." + f, "true") for f in card.get("finetuningTasks", [])]
             + [("tag." + t, "true") for t in card.get("tags", [])]),
      sorted(tags.items()))
sys.exit(1 if failed else 0)
PY

# One wrk measurement: warm-up, then measured with latency percentiles into $OUT/wrk-<side>-<scenario>.txt,
# then one line of results.tsv (side, scenario, req/s, p50 ms, p99 ms, errors, requests answered).
measure() {
  local side="$1" scenario="$2" target="$3"
  shift 3
  local file="$OUT/wrk-$side-$scenario.txt" args
  if [[ "$target" == *.lua ]]; then
    args=(-s "$target" "$1")
  else
    args=("$target")
  fi
  shift
  wait_idle
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" --timeout "$TIMEOUT" "$@" "${args[@]}" > /dev/null
  wait_idle   # the warm-up's backlog would otherwise sit in front of the measured requests
  echo "== $side $scenario: ${args[*]}"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout "$TIMEOUT" --latency "$@" "${args[@]}" | tee "$file"
  awk -v side="$side" -v scenario="$scenario" '
    function ms(v) {
      if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
      if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
      if (v ~ /m$/) return substr(v, 1, length(v) - 1) * 60000
      if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
      return v
    }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    $1 == "Requests/sec:" { rps = $2 }
    $2 == "requests" && $3 == "in" { requests = $1 }
    /Socket errors:/ { gsub(",", ""); errors += $4 + $6 + $8 + $10 }
    /Non-2xx or 3xx responses:/ { errors += $5 }
    END { printf "%s\t%s\t%s\t%s\t%s\t%d\t%d\n", side, scenario, rps, p50, p99, errors, requests }' "$file" \
    >> "$OUT/results.tsv"
}

# ModelCat's list URLs (the second page's cursor is asked for again after each start).
modelcat_urls() {
  local first="$MC?task=text-classification&license=mit&facets=false" cursor
  cursor="$(curl -sf -H "$AUTH" "$first" | json_field nextCursor)"
  [ -n "$cursor" ] || { echo "ModelCat's filtered list has no second page" >&2; exit 1; }
  declare -gA MC_URL=(
    [filtered]="$first"
    [search]="$MC?q=roberta&sort=name&facets=false"
    [sorted-updated]="$MC?sort=-updatedAt&facets=false"
    [second-page]="$first&cursor=$(urlencode "$cursor")"
    [varied]="bench/varied-pages.lua"
  )
  for scenario in filtered search sorted-updated second-page; do
    curl -sf -o /dev/null -H "$AUTH" "${MC_URL[$scenario]}" || { echo "ModelCat refused ${MC_URL[$scenario]}" >&2; exit 1; }
  done
}
SCENARIOS=(filtered search sorted-updated second-page varied)
first_ml="$ML?max_results=20&filter=$(urlencode "$FILTERED_ML")"
token="$(curl -sf "$first_ml" | json_field next_page_token)"
[ -n "$token" ] || { echo "MLflow's filtered search has no second page" >&2; exit 1; }
declare -A ML_URL=(
  [filtered]="$first_ml"
  [search]="$ML?max_results=20&filter=$(urlencode "name ILIKE '%roberta%'")"
  [sorted-updated]="$ML?max_results=20&order_by=$(urlencode "last_updated_timestamp DESC")"
  [second-page]="$first_ml&page_token=$(urlencode "$token")"
  [varied]="bench/mlflow/varied-pages.lua"
)
for scenario in filtered search sorted-updated second-page; do
  curl -sf -o /dev/null "${ML_URL[$scenario]}" || { echo "MLflow refused ${ML_URL[$scenario]}" >&2; exit 1; }
done
modelcat_urls

for scenario in filtered search sorted-updated second-page; do
  alone mlflow "$scenario" "${ML_URL[$scenario]}"
  alone modelcat-cache-on "$scenario" "${MC_URL[$scenario]}" -H "$AUTH"
done
# Let the JVM compile the request path before anything is measured.
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -H "$AUTH" "${MC_URL[filtered]}" > /dev/null
for scenario in "${SCENARIOS[@]}"; do
  measure mlflow "$scenario" "${ML_URL[$scenario]}" "http://127.0.0.1:$MLFLOW_PORT"
  measure modelcat-cache-on "$scenario" "${MC_URL[$scenario]}" "http://127.0.0.1:$PORT" -H "$AUTH"
done

echo "== ModelCat again on the same database, page cache off (MODELCAT_CATALOG_LIST_CACHE_TTL=0s)"
wait_idle
stop_mlflow
stop_modelcat
start_modelcat "$OUT/system-cache-off.log" MODELCAT_CATALOG_LIST_CACHE_TTL=0s
[ "$("${PSQL[@]}" -d modelcat -At -c "SELECT count(*) FROM model")" = "$LOADED" ] \
  || { echo "ModelCat restarted without its cards" >&2; exit 1; }
AUTH="Authorization: Bearer $(api_token "http://localhost:$PORT")"
modelcat_urls
for scenario in filtered search sorted-updated second-page; do
  alone modelcat-cache-off "$scenario" "${MC_URL[$scenario]}" -H "$AUTH"
done
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -H "$AUTH" "${MC_URL[filtered]}" > /dev/null
for scenario in "${SCENARIOS[@]}"; do
  measure modelcat-cache-off "$scenario" "${MC_URL[$scenario]}" "http://127.0.0.1:$PORT" -H "$AUTH"
done
stop_modelcat

{
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ' (with local changes)'):" \
    "$LOADED cards, wrk $THREADS threads / $CONNECTIONS connections, $WARMUP warm-up + $DURATION measured per cell," \
    "timeout $TIMEOUT; MLflow $MLFLOW_VERSION ($MLFLOW_WORKERS uvicorn workers); $(nproc) cores."
  echo
  "$PY" - "$OUT/results.tsv" "$OUT/alone.tsv" <<'PY'
import sys
rows, alone = {}, {}
for line in open(sys.argv[1]):
    side, scenario, rps, p50, p99, errors, requests = line.rstrip("\n").split("\t")
    rows[side, scenario] = (float(rps), float(p50), float(p99), int(errors), int(requests))
for line in open(sys.argv[2]):
    side, scenario, ms_ = line.rstrip("\n").split("\t")
    alone[side, scenario] = float(ms_)

def ms(v):
    return f"{v:.2f} ms" if v < 1 else f"{v:.1f} ms" if v < 100 else f"{v:,.0f} ms"

def cells(side, scenario):
    rps, p50, p99, errors, requests = rows[side, scenario]
    if not requests:
        return ["0 (no answer within the run)", "—", "—"]
    return [f"{rps:,.0f}" + (f" ({errors:,} errors)" if errors else ""), ms(p50), ms(p99)]

def ratio(side, scenario):
    ours, theirs = rows[side, scenario], rows["mlflow", scenario]
    if not theirs[4]:
        return "— (MLflow answered none)"
    if not ours[4]:
        return "— (ModelCat answered none)"
    verdict = "" if ours[0] >= 10 * theirs[0] and ours[2] < theirs[2] else " (below target)"
    return f"{ours[0] / theirs[0]:,.1f}×{verdict}"

print("| scenario | ModelCat cache on req/s | p50 | p99 | ModelCat cache off req/s | p50 | p99 "
      "| MLflow req/s | p50 | p99 | ratio, cache on | ratio, cache off |")
print("|---|" + "---|" * 11)
for scenario in ["filtered", "filtered-multi", "search", "sorted-updated", "second-page", "varied"]:
    if scenario == "filtered-multi":
        print("| filtered-multi | not measured: MLflow's filter cannot say it (tag filters take =, !=, LIKE, ILIKE "
              "joined by AND: no IN, no OR) |" + " |" * 10)
        continue
    print("| " + " | ".join([scenario] + cells("modelcat-cache-on", scenario) + cells("modelcat-cache-off", scenario)
                            + cells("mlflow", scenario) + [ratio("modelcat-cache-on", scenario),
                                                           ratio("modelcat-cache-off", scenario)]) + " |")
print()
print("ratio: ModelCat's req/s over MLflow's; \"below target\" where it is under 10× or ModelCat's p99 is not lower.")
print()
print("One request at a time (no concurrency), the median of 5:")
print()
print("| scenario | ModelCat cache on | ModelCat cache off | MLflow |")
print("|---|---|---|---|")
for scenario in ["filtered", "search", "sorted-updated", "second-page"]:
    print("| " + " | ".join([scenario] + [ms(alone[side, scenario]) for side in
                                        ("modelcat-cache-on", "modelcat-cache-off", "mlflow")]) + " |")
PY
} | tee "$OUT/table.md"
