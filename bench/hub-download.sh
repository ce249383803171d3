#!/usr/bin/env bash
# Hub API download throughput (issue 18): a model with one large model.safetensors is uploaded to a ModelCat started
# on a scratch embedded database (in chunks, through /api/v1/model-uploads/sessions), then huggingface_hub's download
# routine fetches the file alternately from ModelCat's /hub/.../resolve/main/model.safetensors and from nginx serving
# the same file from the same disk (sendfile on, as Debian ships it), and times a whole hf_hub_download from ModelCat.
# Results and setup go in docs/performance.md.
#
#   bench/hub-download.sh [megabytes] [rounds]      # default 1024 MiB, 5 rounds
#
# Needs: nginx (apt-get install nginx-light) and the reference Python environment (reference/venv.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
MB="${1:-1024}"
ROUNDS="${2:-5}"
PORT="${BENCH_PORT:-18180}"
NGINX_PORT="${BENCH_NGINX_PORT:-18190}"
DB_PORT="${BENCH_DB_PORT:-54349}"
WORK="$(mktemp -d /tmp/modelcat-hub-bench.XXXXXX)"
OUT="${BENCH_OUT:-bench/results}"
mkdir -p "$OUT"
command -v nginx >/dev/null || { echo "nginx is missing: apt-get install nginx-light" >&2; exit 2; }
PYTHON="$(bash reference/venv.sh | tail -1)"

[ "${BENCH_SKIP_BUILD:-false}" = true ] || ./mvnw -q -pl launcher,catalog-service,job-runner -am -DskipTests package
MODELCAT_HOME="$WORK/home" MODELCAT_PORT="$PORT" MODELCAT_RUNNER_PORT=$((PORT + 1)) \
  MODELCAT_EMBEDDED_DB_PORT="$DB_PORT" MODELCAT_SKIP_BUILD=true MODELCAT_ADMIN_PASSWORD="$BENCH_ADMIN_PASSWORD" \
  ./modelcat > "$OUT/hub-system.log" 2>&1 &
LAUNCHER=$!
NGINX_PID=""
trap 'kill -TERM $LAUNCHER 2>/dev/null; wait $LAUNCHER 2>/dev/null; [ -n "$NGINX_PID" ] && kill $NGINX_PID 2>/dev/null; rm -rf "$WORK"' EXIT

# The model: the tiny BERT's config and tokenizer, and MB MiB of random weights (incompressible, as weights are).
MODEL="$WORK/model/big-bert"
mkdir -p "$MODEL"
cp fixtures/hf-tiny/bert/config.json fixtures/hf-tiny/bert/tokenizer.json "$MODEL/"
head -c $((MB * 1024 * 1024)) /dev/urandom > "$MODEL/model.safetensors"
tar -C "$WORK/model" -cf - big-bert | gzip -1 > "$WORK/big-bert.tar.gz"

# nginx serving the same file from the same disk (its worker runs as an unprivileged user: let it read the model).
chmod 755 "$WORK" && chmod -R a+rX "$WORK/model"
mkdir -p "$WORK/nginx/logs"
cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log;
events { worker_connections 64; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path $WORK/nginx/body;
  server { listen 127.0.0.1:$NGINX_PORT; root $WORK/model; }
}
CONF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
NGINX_PID=$!

for _ in $(seq 1 180); do grep -q "ModelCat is ready" "$OUT/hub-system.log" && break; sleep 1; done
grep -q "ModelCat is ready" "$OUT/hub-system.log" || { cat "$OUT/hub-system.log"; exit 1; }
BASE="http://127.0.0.1:$PORT"
TOKEN="$(api_token "$BASE")"
SIZE=$(stat -c %s "$WORK/big-bert.tar.gz")
ID="$(curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d "{\"name\": \"bench/big-bert\", \"size\": $SIZE}" "$BASE/api/v1/model-uploads/sessions" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')"
split -b 256M -d "$WORK/big-bert.tar.gz" "$WORK/part-"
OFFSET=0
for part in "$WORK"/part-*; do
  curl -sf -X PATCH -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/offset+octet-stream' \
    --data-binary @"$part" "$BASE/api/v1/model-uploads/sessions/$ID?offset=$OFFSET" > /dev/null
  OFFSET=$((OFFSET + $(stat -c %s "$part")))
  rm "$part"
done
time curl -sf -X POST -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/model-uploads/sessions/$ID/commit" > "$OUT/hub-upload.json"
rm "$WORK/big-bert.tar.gz"

echo "== $MB MiB, $ROUNDS rounds; $(nproc) cores; $(uname -r)"
HF_ENDPOINT="$BASE/hub" HF_TOKEN="$TOKEN" HF_HUB_DISABLE_TELEMETRY=1 HF_HUB_DISABLE_XET=1 HF_HUB_DISABLE_PROGRESS_BARS=1 \
  "$PYTHON" reference/hub_download_bench.py bench/big-bert model.safetensors \
  "http://127.0.0.1:$NGINX_PORT/big-bert/model.safetensors" $((MB * 1024 * 1024)) "$ROUNDS" | tee "$OUT/hub-download.json"
