#!/usr/bin/env bash
# What the embedded PostgreSQL's durability (fsync, synchronous commit, full-page writes; the default) costs:
# two systems side by side, one durable and one not (MODELCAT_EMBEDDED_DB_DURABLE=false), measured in turns
# (ROUNDS rounds, each measure on one system and then the other, so that a busy machine weighs on both alike):
#   - the job queue: submit-to-start of no-op jobs one at a time (p50/p99), and a burst's jobs per second;
#   - catalog writes: creating model cards one at a time through the API (p50/p99 of curl's total time);
#   - catalog reads: the first list page one at a time (p50/p99).
# One line per round, system and measure goes to bench/results/durability.txt; docs/performance.md has them.
#
#   bench/durability.sh
#
# Needs psql and curl. Sends traffic to localhost only.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
PORT="${BENCH_PORT:-18095}"
DB_PORT="${BENCH_DB_PORT:-54359}"
ROUNDS="${BENCH_ROUNDS:-3}"
JOBS="${BENCH_LATENCY_JOBS:-50}"
BURST="${BENCH_BURST_JOBS:-150}"
WRITES="${BENCH_WRITES:-150}"
OUT="${BENCH_OUT:-bench/results}"
mkdir -p "$OUT"
[ "${BENCH_SKIP_BUILD:-false}" = true ] || ./mvnw -q -DskipTests package

# p50 and p99 (ms, nearest rank) of the numbers on stdin, in seconds.
percentiles() { sort -n | awk '{v[NR]=$1} END {i=int(NR*0.99); if (i < NR*0.99) i++; if (i<1) i=1; printf "%.1f %.1f", 1000*v[int(NR*0.5)+1], 1000*v[i]}'; }

declare -A API AUTH DBP HOMES
SYSTEMS=()
trap 'for p in "${SYSTEMS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "${HOMES[@]}"' EXIT

start() {
  local durable=$1 port=$2 db=$3 home
  home="$(mktemp -d /tmp/modelcat-bench.XXXXXX)"
  HOMES[$durable]="$home"
  MODELCAT_HOME="$home" MODELCAT_PORT="$port" MODELCAT_RUNNER_PORT=$((port + 1)) MODELCAT_RUNNER_CPU_SLOTS=4 \
    MODELCAT_EMBEDDED_DB_PORT="$db" MODELCAT_EMBEDDED_DB_DURABLE="$durable" MODELCAT_SKIP_BUILD=true \
    MODELCAT_ADMIN_PASSWORD="$BENCH_ADMIN_PASSWORD" ./modelcat > "$OUT/durability-system-$durable.log" 2>&1 &
  SYSTEMS+=($!)
  for _ in $(seq 1 240); do grep -q "ModelCat is ready" "$OUT/durability-system-$durable.log" && break; sleep 1; done
  grep -q "ModelCat is ready" "$OUT/durability-system-$durable.log" || { tail -50 "$OUT/durability-system-$durable.log"; exit 1; }
  API[$durable]="http://localhost:$port/api/v1"
  AUTH[$durable]="Authorization: Bearer $(api_token "http://localhost:$port")"
  DBP[$durable]="$db"
  echo "durable=$durable fsync=$(sql "$durable" 'SHOW fsync') synchronous_commit=$(sql "$durable" 'SHOW synchronous_commit')"
}
sql() { psql -q -At -h localhost -p "${DBP[$1]}" -U postgres -d modelcat -F ' ' -c "$2"; }
idle() { [ "$(sql "$1" "SELECT count(*) FROM job WHERE state IN ('queued','running')")" = 0 ]; }
submit() { curl -sf -X POST "${API[$1]}/jobs" -H "${AUTH[$1]}" -H 'Content-Type: application/json' -d '{"kind":"noop","params":{}}' > /dev/null; }

measure() {
  local d=$1 round=$2 submits=()
  sql "$d" "DELETE FROM job" > /dev/null
  for _ in $(seq 1 "$JOBS"); do submit "$d"; sleep 0.05; until idle "$d"; do sleep 0.02; done; done
  sql "$d" "SELECT 'round=$round durable=$d jobs-one-at-a-time', count(*),
      round(1000 * percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - submitted_at))::numeric, 1),
      round(1000 * percentile_disc(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - submitted_at))::numeric, 1)
      FROM job WHERE state = 'succeeded'" | tee -a "$OUT/durability.txt"
  sql "$d" "DELETE FROM job" > /dev/null
  for _ in $(seq 1 "$BURST"); do
    submit "$d" & submits+=($!)
    if (( ${#submits[@]} % 16 == 0 )); then wait "${submits[@]: -16}"; fi
  done
  wait "${submits[@]}"
  until idle "$d"; do sleep 0.1; done
  sql "$d" "SELECT 'round=$round durable=$d jobs-burst', count(*),
      round(count(*) / extract(epoch FROM max(finished_at) - min(submitted_at))::numeric, 1) || ' jobs/s'
      FROM job WHERE state = 'succeeded'" | tee -a "$OUT/durability.txt"
  for i in $(seq 1 "$WRITES"); do
    curl -sf -o /dev/null -w '%{time_total}\n' -X POST "${API[$d]}/models" -H "${AUTH[$d]}" -H 'Content-Type: application/json' \
      -d "{\"name\":\"bench-$round-$i\",\"task\":\"text-classification\",\"license\":\"mit\"}"
  done | percentiles | sed "s/^/round=$round durable=$d card-create $WRITES /" | tee -a "$OUT/durability.txt"; echo
  for _ in $(seq 1 "$WRITES"); do
    curl -sf -o /dev/null -w '%{time_total}\n' -H "${AUTH[$d]}" "${API[$d]}/models?limit=20"
  done | percentiles | sed "s/^/round=$round durable=$d list-first-page $WRITES /" | tee -a "$OUT/durability.txt"; echo
}

start true "$PORT" "$DB_PORT"
start false $((PORT + 10)) $((DB_PORT + 1))
: > "$OUT/durability.txt"
echo "round mode measure count p50_ms p99_ms (or jobs/s)" | tee -a "$OUT/durability.txt"
for round in $(seq 1 "$ROUNDS"); do
  measure true "$round"
  measure false "$round"
done
