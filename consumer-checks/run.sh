#!/usr/bin/env bash
# The consumer check: small Maven projects outside the build use the installed artifacts as a user
# would. Run after `mvn install` of the project (scripts/consumer-check.sh does both).
#   sdk-alone               the SDK's REST client alone, against the local real cluster (BOM)
#   test-kit-junit-5.11.4   the test kit with JUnit 5.11.4, without the BOM (test-kit/pom.xml)
#   test-kit-junit-5.14.4   the same project with JUnit 5.14.4 and the BOM (test-kit/pom-with-bom.xml)
#   backend-from-yaml       the backend from config/unified_loop.yaml, against the real cluster (BOM)
#   fake-slurm-service      a small service tested against the test kit's fake slurmrestd only (BOM),
#                           with JUnit 5.11.4 and with 5.14.4 (-Djunit.version)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
project=$(cd "$here/.." && pwd)
failed=0
# the local cluster's connection facts, for the samples that use it (as a user's service gets them: the environment)
if facts=$("$project/scripts/local-slurm.sh" env 2>/dev/null); then
  while IFS='=' read -r key value; do [ -n "$key" ] && export "$key=$value"; done <<<"$facts"
fi
# each entry: sample name, project folder, pom, JUnit version to set (- for the pom's own)
while read -r sample dir pom junit; do
  t0=$SECONDS
  extra=()
  [ "$junit" != - ] && extra=(-Djunit.version="$junit")
  if mvn -B -q -ntp -f "$here/$dir/$pom" -Dringrift.project="$project" "${extra[@]}" clean verify >"$here/$sample.log" 2>&1 </dev/null; then
    tests=$(cat "$here/$dir"/target/surefire-reports/TEST-*.xml 2>/dev/null | grep -o '<testsuite [^>]*>' |
      awk '{ match($0, / tests="[0-9]+"/); t += substr($0, RSTART + 8, RLENGTH - 9) } END { print t + 0 }')
    echo "[consumer] $sample: passed ($tests tests) in $((SECONDS - t0)) s"
  else
    echo "[consumer] $sample: FAILED in $((SECONDS - t0)) s; last lines of $here/$sample.log:"
    tail -n 30 "$here/$sample.log"
    failed=$((failed + 1))
  fi
done <<'EOF'
sdk-alone sdk-alone pom.xml -
test-kit-junit-5.11.4 test-kit pom.xml -
test-kit-junit-5.14.4 test-kit pom-with-bom.xml -
backend-from-yaml backend-from-yaml pom.xml -
fake-slurm-service-junit-5.11.4 fake-slurm-service pom.xml 5.11.4
fake-slurm-service-junit-5.14.4 fake-slurm-service pom.xml 5.14.4
EOF
exit $failed
