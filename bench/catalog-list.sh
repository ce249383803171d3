#!/usr/bin/env bash
# Catalog list/filter/search benchmark: loads 100,000 model cards, then measures latency (p50/p99)
# and throughput of the hot list queries with wrk at 200 concurrent connections (each scenario
# repeats one page; "varied" asks for a different page each time), checks the facet counts against
# counting the table, and prints the EXPLAIN ANALYZE of each hot query. Results and setup go in
# docs/performance.md.
#
#   bench/catalog-list.sh                                    # builds, starts the system on a scratch embedded database
#   MODELCAT_CATALOG_LIST_CACHE_TTL=0s bench/catalog-list.sh # the database path: no page is answered from memory
#   BENCH_CARDS=1000000 bench/catalog-list.sh                # a million cards
#   BENCH_READMES=true ...                                   # descriptions as Hub READMEs of about 3 KB, not one sentence
#   BENCH_UI=true ...                                        # also times the web UI's first page (bench/ui-first-page.mjs)
#
# Needs: wrk, psql and jq (apt-get install wrk postgresql-client jq). Sends traffic to localhost only.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
DURATION="${BENCH_DURATION:-30s}"
CONNECTIONS="${BENCH_CONNECTIONS:-200}"
THREADS="${BENCH_THREADS:-2}"
PORT="${BENCH_PORT:-18080}"
DB_PORT="${BENCH_DB_PORT:-54339}"
CARDS="${BENCH_CARDS:-100000}"
HOME_DIR="$(mktemp -d /tmp/modelcat-bench.XXXXXX)"
OUT="${BENCH_OUT:-bench/results}"
mkdir -p "$OUT"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }
command -v psql >/dev/null || { echo "psql is missing: apt-get install postgresql-client" >&2; exit 2; }
command -v jq >/dev/null || { echo "jq is missing: apt-get install jq" >&2; exit 2; }

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
echo "Loading $CARDS model cards (list page cache: ${MODELCAT_CATALOG_LIST_CACHE_TTL:-2s, the default})..."
time "${PSQL[@]}" -v n="$CARDS" -v readmes="${BENCH_READMES:-false}" -f bench/load-catalog.sql
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
  [filtered-created]="$BASE?task=text-generation&license=apache-2.0&sort=-createdAt&facets=false"
  [filtered-updated]="$BASE?task=text-generation&sort=updatedAt&facets=false"
  [license-name-desc]="$BASE?license=apache-2.0&sort=-name&facets=false"
)
# Let the JIT compile the request path before anything is measured.
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${BENCH_WARMUP:-30s}" -H "$AUTH" "${SCENARIOS[filtered]}" > /dev/null
for name in filtered filtered-multi search sorted-updated filtered-facets filtered-created filtered-updated license-name-desc; do
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

# The counts the API answers (from the maintained facet counts) against counting the cards themselves.
echo "== facet counts against the table"
curl -sf -H "$AUTH" "$BASE?task=text-classification&license=mit&limit=1" > "$OUT/facets.json"
python3 - "$OUT/facets.json" "$("${PSQL[@]}" -At -F' ' -c "
  SELECT 'total', count(*) FROM model WHERE task = 'text-classification' AND license = 'mit'
  UNION ALL SELECT 'license:' || license, count(*) FROM model WHERE task = 'text-classification' GROUP BY license
  UNION ALL SELECT 'task:' || task, count(*) FROM model WHERE license = 'mit' GROUP BY task
  UNION ALL SELECT 'finetuningTask:' || f, count(*) FROM model, unnest(finetuning_tasks) f
            WHERE task = 'text-classification' AND license = 'mit' GROUP BY f")" <<'PY'
import json, sys
page = json.load(open(sys.argv[1]))
want = dict(line.split(' ') for line in sys.argv[2].splitlines())
got = {'total': page['total']}
for dimension, counts in page['facets'].items():
    got.update({f'{dimension}:{value}': n for value, n in counts.items()})
got = {k: str(v) for k, v in got.items()}
print('facets match the table' if got == want else f'FACETS DIFFER: api {got} table {want}')
sys.exit(0 if got == want else 1)
PY

if [ "${BENCH_UI:-false}" = true ]; then
  echo "== web UI first page"
  [ -d ui-tests/node_modules ] || npm ci --prefix ui-tests --silent
  MODELCAT_UI_PASSWORD="$BENCH_ADMIN_PASSWORD" node bench/ui-first-page.mjs "http://localhost:$PORT" | tee "$OUT/ui-first-page.txt"
fi

echo "== EXPLAIN ANALYZE of the hot queries"
# The service's own statements for each scenario, run with its values: GET /api/v1/catalog/plans takes the list's
# parameters and answers EXPLAIN (ANALYZE, BUFFERS) of the page's statement and of the facet counts'.
{
  "${PSQL[@]}" -c "SELECT model_search_query('{roberta,reviews}') AS \"search 'roberta reviews' asks\""
  for name in filtered filtered-multi search sorted-updated filtered-facets filtered-created filtered-updated license-name-desc; do
    url="${SCENARIOS[$name]}"
    echo "== $name: ${url#"$BASE"}"
    curl -sf -H "$AUTH" "${url/"$BASE?"/"http://localhost:$PORT/api/v1/catalog/plans?"}" \
      | jq -r '"-- page", .page, (.facets // empty | "-- facet counts", .)'
  done
} > "$OUT/explain.txt"
cat "$OUT/explain.txt"
