#!/usr/bin/env bash
# Installs the project's artifacts into the local Maven repository, then builds and tests the
# sample consumer projects in consumer-checks/ against them (two of them use the local cluster).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/build.sh
quiet_build target/consumer-check-build.log install -DskipTests
exec consumer-checks/run.sh
