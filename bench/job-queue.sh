#!/usr/bin/env bash
# Job queue benchmark: submit-to-start latency (p50/p99) of no-op jobs submitted one at a time to an
# idle system, and throughput (jobs completed per second) of a burst of no-op jobs, with 1 and then 2
# runners. Latency is measured from the database's clock: started_at - submitted_at of each job.
#
#   bench/job-queue.sh
#
# Needs psql (apt-get install postgresql-client) and curl. Sends traffic to localhost only.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
PORT="${BENCH_PORT:-18090}"
DB_PORT="${BENCH_DB_PORT:-54349}"
LATENCY_JOBS="${BENCH_LATENCY_JOBS:-200}"
BURST_JOBS="${BENCH_BURST_JOBS:-500}"
SLOTS="${BENCH_SLOTS:-4}"
HOME_DIR="$(mktemp -d /tmp/modelcat-bench.XXXXXX)"
OUT="${BENCH_OUT:-bench/results}"
mkdir -p "$OUT"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$HOME_DIR"
}
trap cleanup EXIT

[ "${BENCH_SKIP_BUILD:-false}" = true ] || ./mvnw -q -DskipTests package
MODELCAT_HOME="$HOME_DIR" MODELCAT_PORT="$PORT" MODELCAT_RUNNER_PORT=$((PORT + 1)) \
  MODELCAT_RUNNER_CPU_SLOTS="$SLOTS" MODELCAT_EMBEDDED_DB_PORT="$DB_PORT" MODELCAT_SKIP_BUILD=true \
  MODELCAT_ADMIN_PASSWORD="$BENCH_ADMIN_PASSWORD" ./modelcat > "$OUT/job-system.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 120); do grep -q "ModelCat is ready" "$OUT/job-system.log" && break; sleep 1; done
grep -q "ModelCat is ready" "$OUT/job-system.log" || { cat "$OUT/job-system.log"; exit 1; }

API="http://localhost:$PORT/api/v1"
AUTH="Authorization: Bearer $(api_token "http://localhost:$PORT")"
PSQL=(psql -q -At -h localhost -p "$DB_PORT" -U postgres -d modelcat)
submit() { curl -sf -X POST "$API/jobs" -H "$AUTH" -H 'Content-Type: application/json' -d '{"kind":"noop","params":{}}' > /dev/null; }
wait_done() {
  for _ in $(seq 1 600); do
    [ "$("${PSQL[@]}" -c "SELECT count(*) FROM job WHERE state IN ('queued','running')")" = 0 ] && return
    sleep 0.1
  done
  echo "jobs did not finish" >&2; exit 1
}
report() {
  "${PSQL[@]}" -F ' ' -c "
    SELECT '$1', count(*),
           round(1000 * percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - submitted_at))::numeric, 1),
           round(1000 * percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - submitted_at))::numeric, 1),
           round(count(*) / extract(epoch FROM max(finished_at) - min(submitted_at))::numeric, 1)
    FROM job WHERE kind = 'noop' AND state = 'succeeded'"
  "${PSQL[@]}" -c "DELETE FROM job"
}
run_scenario() {
  local runners=$1
  for _ in $(seq 1 "$LATENCY_JOBS"); do submit; sleep 0.05; wait_done; done
  report "latency-${runners}-runner(s)" | tee -a "$OUT/job-queue.txt"
  for _ in $(seq 1 "$BURST_JOBS"); do submit & if (( $(jobs -r | wc -l) >= 16 )); then wait -n; fi; done; wait_done
  report "burst-${runners}-runner(s)" | tee -a "$OUT/job-queue.txt"
}

: > "$OUT/job-queue.txt"
echo "scenario jobs p50_ms p99_ms jobs_per_s" | tee -a "$OUT/job-queue.txt"
run_scenario 1
# A second runner on the same database, with the runner token ./modelcat made, joins the Quartz cluster.
DATABASE_URL="jdbc:postgresql://localhost:$DB_PORT/modelcat" DATABASE_USER=postgres MODELCAT_HOME="$HOME_DIR" \
  MODELCAT_RUNNER_PORT=$((PORT + 2)) MODELCAT_RUNNER_CPU_SLOTS="$SLOTS" MODELCAT_RUNNER_TOKEN="$(cat "$HOME_DIR/runner.token")" \
  java -jar job-runner/target/job-runner.jar > "$OUT/job-runner-2.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 60); do [ "$(curl -sf -H "$AUTH" "$API/workers" | grep -o '"host"' | wc -l)" -ge 2 ] && break; sleep 1; done
run_scenario 2
