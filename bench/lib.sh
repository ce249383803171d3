# Shared by the benchmark scripts (source it). The system they start has a first admin with this
# password; api_token signs in as that admin, the way the UI does, and prints a new personal API token.
BENCH_ADMIN_PASSWORD="${BENCH_ADMIN_PASSWORD:-benchmark admin password}"

api_token() {
  local base="$1" jar csrf
  jar="$(mktemp)"
  csrf="$(curl -sf -c "$jar" -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$BENCH_ADMIN_PASSWORD\"}" "$base/api/v1/auth/login" \
    | sed -n 's/.*"csrfToken":"\([^"]*\)".*/\1/p')"
  curl -sf -b "$jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' -d '{"name":"benchmark"}' \
    "$base/api/v1/tokens" | sed -n 's/.*"value":"\([^"]*\)".*/\1/p'
  rm -f "$jar"
}
