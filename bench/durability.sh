#!/usr/bin/env bash
# What the embedded PostgreSQL's durability (fsync, synchronous commit, full-page writes; the default) costs:
# the same system started twice, durable and then not (MODELCAT_EMBEDDED_DB_DURABLE=false), each measured on
#   - the job queue: submit-to-start of no-op jobs one at a time (p50/p99), and a burst's jobs per second;
#   - catalog writes: creating model cards one at a time through the API (p50/p99 of curl's total time);
#   - catalog reads: the first list page one at a time (p50/p99).
# Results (one line per mode and measure) go to bench/results/durability.txt; docs/performance.md has them.
#
#   bench/durability.sh
#
# Needs psql and curl. Sends traffic to localhost only.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
PORT="${BENCH_PORT:-18095}"
DB_PORT="${BENCH_DB_PORT:-54359}"
JOBS="${BENCH_LATENCY_JOBS:-150}"
BURST="${BENCH_BURST_JOBS:-300}"
WRITES="${BENCH_WRITES:-300}"
OUT="${BENCH_OUT:-bench/results}"
mkdir -p "$OUT"
[ "${BENCH_SKIP_BUILD:-false}" = true ] || ./mvnw -q -DskipTests package

# p50 and p99 (ms) of the numbers on stdin, in seconds.
percentiles() { sort -n | awk '{v[NR]=$1} END {i=int(NR*0.99); if (i < NR*0.99) i++; if (i<1) i=1; printf "%.1f %.1f", 1000*v[int(NR*0.5)+1], 1000*v[i]}'; }

SYSTEM=""
trap '[ -z "$SYSTEM" ] || kill -TERM "$SYSTEM" 2>/dev/null; wait 2>/dev/null || true' EXIT
measure() {
  local durable=$1 home api auth psql
  home="$(mktemp -d /tmp/modelcat-bench.XXXXXX)"
  MODELCAT_HOME="$home" MODELCAT_PORT="$PORT" MODELCAT_RUNNER_PORT=$((PORT + 1)) MODELCAT_RUNNER_CPU_SLOTS=4 \
    MODELCAT_EMBEDDED_DB_PORT="$DB_PORT" MODELCAT_EMBEDDED_DB_DURABLE="$durable" MODELCAT_SKIP_BUILD=true \
    MODELCAT_ADMIN_PASSWORD="$BENCH_ADMIN_PASSWORD" ./modelcat > "$OUT/durability-system-$durable.log" 2>&1 &
  SYSTEM=$!
  for _ in $(seq 1 180); do grep -q "ModelCat is ready" "$OUT/durability-system-$durable.log" && break; sleep 1; done
  grep -q "ModelCat is ready" "$OUT/durability-system-$durable.log" || { tail -50 "$OUT/durability-system-$durable.log"; exit 1; }
  api="http://localhost:$PORT/api/v1"
  auth="Authorization: Bearer $(api_token "http://localhost:$PORT")"
  psql=(psql -q -At -h localhost -p "$DB_PORT" -U postgres -d modelcat)
  echo "durable=$durable fsync=$("${psql[@]}" -c 'SHOW fsync') synchronous_commit=$("${psql[@]}" -c 'SHOW synchronous_commit')"
  idle() { [ "$("${psql[@]}" -c "SELECT count(*) FROM job WHERE state IN ('queued','running')")" = 0 ]; }
  submit() { curl -sf -X POST "$api/jobs" -H "$auth" -H 'Content-Type: application/json' -d '{"kind":"noop","params":{}}' > /dev/null; }

  for _ in $(seq 1 "$JOBS"); do submit; sleep 0.05; until idle; do sleep 0.02; done; done
  "${psql[@]}" -F ' ' -c "SELECT 'durable=$durable jobs-one-at-a-time', count(*),
      round(1000 * percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - submitted_at))::numeric, 1),
      round(1000 * percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - submitted_at))::numeric, 1)
      FROM job WHERE state = 'succeeded'" | tee -a "$OUT/durability.txt"
  "${psql[@]}" -c "DELETE FROM job"
  local submits=()
  for _ in $(seq 1 "$BURST"); do
    submit & submits+=($!)
    if (( ${#submits[@]} % 16 == 0 )); then wait "${submits[@]: -16}"; fi
  done
  wait "${submits[@]}"
  until idle; do sleep 0.1; done
  "${psql[@]}" -F ' ' -c "SELECT 'durable=$durable jobs-burst', count(*),
      round(count(*) / extract(epoch FROM max(finished_at) - min(submitted_at))::numeric, 1) || ' jobs/s'
      FROM job WHERE state = 'succeeded'" | tee -a "$OUT/durability.txt"

  for i in $(seq 1 "$WRITES"); do
    curl -sf -o /dev/null -w '%{time_total}\n' -X POST "$api/models" -H "$auth" -H 'Content-Type: application/json' \
      -d "{\"name\":\"bench-$durable-$i\",\"task\":\"text-classification\",\"license\":\"mit\"}"
  done | percentiles | sed "s/^/durable=$durable card-create $WRITES /" | tee -a "$OUT/durability.txt"; echo
  for _ in $(seq 1 "$WRITES"); do
    curl -sf -o /dev/null -w '%{time_total}\n' -H "$auth" "$api/models?limit=20"
  done | percentiles | sed "s/^/durable=$durable list-first-page $WRITES /" | tee -a "$OUT/durability.txt"; echo

  kill -TERM "$SYSTEM"; wait "$SYSTEM" 2>/dev/null || true; SYSTEM=
  rm -rf "$home"
}

: > "$OUT/durability.txt"
echo "mode measure count p50_ms p99_ms" | tee -a "$OUT/durability.txt"
measure true
measure false
