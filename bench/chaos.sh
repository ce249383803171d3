#!/usr/bin/env bash
# Chaos run: ModelCat as ./modelcat runs it plus a second runner, a steady stream of fine-tunes, evaluations,
# imports (from a local Hub) and catalog reads, and a SIGKILL of one component every KILL_EVERY seconds, in turn:
# the launcher's runner, the second runner, catalog-service, PostgreSQL. Reports jobs submitted, finished,
# retried, lost and run twice, and catalog reads that failed outside the kill windows (see ChaosRun).
# Bounded (KILLS kills), loopback only.   Usage: bench/chaos.sh [kills] [seconds between kills]
set -euo pipefail
cd "$(dirname "$0")/.."
KILLS="${1:-4}"
KILL_EVERY="${2:-45}"
mkdir -p bench/results
# Built in the reactor, not installed: ~/.m2 is shared with other checkouts.
./mvnw -q -pl catalog-service,job-runner,launcher,system-tests -am -DskipTests package
./mvnw -q -pl system-tests -am -DskipTests test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench-classpath.txt
CP="system-tests/target/test-classes:$(cat system-tests/target/bench-classpath.txt)"
java -cp "$CP" io.modelcat.system.chaos.ChaosRun launcher/target/launcher.jar catalog-service/target/catalog-service.jar \
  job-runner/target/job-runner.jar "$KILLS" "$KILL_EVERY" bench/results/chaos.txt 2>&1 | grep -v SLF4J
