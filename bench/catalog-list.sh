#!/usr/bin/env bash
# Catalog list/filter/search benchmark: loads 100,000 model cards, then measures latency (p50/p99)
# and throughput of the hot list queries with wrk at 200 concurrent connections (each scenario
# repeats one page; "varied" asks for a different page each time), and prints the EXPLAIN ANALYZE of
# each hot query. Results and setup go in docs/performance.md.
#
#   bench/catalog-list.sh            # builds, starts the system on a scratch embedded database
#
# Needs: wrk and psql (apt-get install wrk postgresql-client). Sends traffic to localhost only.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
DURATION="${BENCH_DURATION:-30s}"
CONNECTIONS="${BENCH_CONNECTIONS:-200}"
THREADS="${BENCH_THREADS:-2}"
PORT="${BENCH_PORT:-18080}"
DB_PORT="${BENCH_DB_PORT:-54339}"
HOME_DIR="$(mktemp -d /tmp/modelcat-bench.XXXXXX)"
OUT="${BENCH_OUT:-bench/results}"
mkdir -p "$OUT"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }
command -v psql >/dev/null || { echo "psql is missing: apt-get install postgresql-client" >&2; exit 2; }

[ "${BENCH_SKIP_BUILD:-false}" = true ] || ./mvnw -q -DskipTests package
MODELCAT_HOME="$HOME_DIR" MODELCAT_PORT="$PORT" MODELCAT_RUNNER_PORT=$((PORT + 1)) \
  MODELCAT_EMBEDDED_DB_PORT="$DB_PORT" MODELCAT_SKIP_BUILD=true MODELCAT_ADMIN_PASSWORD="$BENCH_ADMIN_PASSWORD" \
  ./modelcat > "$OUT/system.log" 2>&1 &
LAUNCHER=$!
trap 'kill -TERM $LAUNCHER 2>/dev/null; wait $LAUNCHER 2>/dev/null; rm -rf "$HOME_DIR"' EXIT
for _ in $(seq 1 120); do
  grep -q "ModelCat is ready" "$OUT/system.log" && break
  sleep 1
done
grep -q "ModelCat is ready" "$OUT/system.log" || { cat "$OUT/system.log"; exit 1; }

PSQL=(psql -q -h localhost -p "$DB_PORT" -U postgres -d modelcat -v ON_ERROR_STOP=1)
echo "Loading 100,000 model cards..."
time "${PSQL[@]}" -f bench/load-catalog.sql
"${PSQL[@]}" -At -c "SELECT count(*) FROM model"

# Every request carries a personal API token, as scripts do (checked tokens are cached, see docs/security.md).
AUTH="Authorization: Bearer $(api_token "http://localhost:$PORT")"
BASE="http://localhost:$PORT/api/v1/models"
declare -A SCENARIOS=(
  [filtered]="$BASE?task=text-classification&license=mit&facets=false"
  [filtered-multi]="$BASE?task=text-classification&task=fill-mask&finetuningTask=text-generation&license=mit&license=apache-2.0&facets=false"
  [search]="$BASE?q=roberta%20reviews&facets=false"
  [sorted-updated]="$BASE?sort=-updatedAt&facets=false"
  [filtered-facets]="$BASE?task=text-classification&license=mit"
)
# Let the JIT compile the request path before anything is measured.
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${BENCH_WARMUP:-30s}" -H "$AUTH" "${SCENARIOS[filtered]}" > /dev/null
for name in filtered filtered-multi search sorted-updated filtered-facets; do
  url="${SCENARIOS[$name]}"
  curl -sf -H "$AUTH" "$url" > /dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d10s -H "$AUTH" "$url" > /dev/null   # warm-up
  echo "== $name: $url"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "$AUTH" "$url" | tee "$OUT/wrk-$name.txt"
done

# Filtered pages that differ from request to request (task, licence, sort, page size), so that most
# find no recently served page and read the database.
echo "== varied filtered pages (bench/varied-pages.lua)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d10s -H "$AUTH" -s bench/varied-pages.lua "http://localhost:$PORT" > /dev/null   # warm-up
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "$AUTH" -s bench/varied-pages.lua "http://localhost:$PORT" \
  | tee "$OUT/wrk-varied.txt"

# The filtered list at other concurrency levels, to show how latency grows with load on this machine.
for c in 16 64; do
  echo "== filtered at $c connections"
  wrk -t"$THREADS" -c"$c" -d"$DURATION" --latency -H "$AUTH" "${SCENARIOS[filtered]}" | tee "$OUT/wrk-filtered-c$c.txt"
done

echo "== EXPLAIN ANALYZE of the hot queries"
"${PSQL[@]}" > "$OUT/explain.txt" <<'SQL'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT m.id FROM model m WHERE m.task = 'text-classification' AND m.license = 'mit'
ORDER BY lower(m.name), m.id LIMIT 21;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT m.id FROM model m WHERE m.task = ANY ('{text-classification,fill-mask}')
  AND m.finetuning_tasks && '{text-generation}'::text[] AND m.license = ANY ('{mit,apache-2.0}')
ORDER BY lower(m.name), m.id LIMIT 21;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
WITH q AS (SELECT to_tsquery('simple', 'roberta:* & reviews:*') AS query)
SELECT m.id FROM model m CROSS JOIN q WHERE m.search_vector @@ q.query
ORDER BY ts_rank(m.search_vector, q.query) DESC, m.id DESC LIMIT 21;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT m.id FROM model m ORDER BY m.updated_at DESC, m.id DESC LIMIT 21;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT m.license, count(*) FROM model m WHERE m.task = 'text-classification' GROUP BY 1;
SQL
cat "$OUT/explain.txt"
