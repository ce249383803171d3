#!/usr/bin/env bash
# Import throughput: the Hub client (LFS redirect, streaming to disk, SHA-256 check, atomic rename)
# against plain `curl -L -o file` of the same weights file (writing it, checking nothing), both
# downloading from a local server that speaks the Hub's API (test-support's FakeHub) running in
# its own process on 127.0.0.1.   Usage: bench/import-throughput.sh [megabytes] [rounds]
# Also prints, for scale only, curl followed by an fsync of its file (the client makes its files
# durable before the rename; curl does not); the ratio is against plain curl.
set -euo pipefail
cd "$(dirname "$0")/.."
MB="${1:-256}"
ROUNDS="${2:-5}"
# Built in the reactor, not installed: ~/.m2 is shared with other checkouts, which must not pick up this one's jars.
./mvnw -q -pl hub-client -am -DskipTests package dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench-classpath.txt
CP="hub-client/target/test-classes:hub-client/target/classes:$(cat hub-client/target/bench-classpath.txt)"
REPO="$(mktemp -d /tmp/modelcat-import-bench.XXXXXX)"
cp fixtures/hf-tiny/bert/config.json fixtures/hf-tiny/bert/tokenizer.json "$REPO/"
head -c $((MB * 1024 * 1024)) /dev/urandom > "$REPO/model.safetensors"
java -cp "$CP" io.modelcat.testsupport.hub.FakeHubServer "$REPO" bench/model > "$REPO.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$REPO" "$REPO.log"' EXIT
for _ in $(seq 1 50); do grep -q ENDPOINT "$REPO.log" && break; sleep 0.2; done
ENDPOINT="$(grep ENDPOINT "$REPO.log" | cut -d' ' -f2)"
java -cp "$CP" io.modelcat.hub.bench.ImportThroughputBenchmark "$ENDPOINT" "$ROUNDS" 2>&1 | grep -v SLF4J
