#!/usr/bin/env bash
# The consumer check: small Maven projects outside the build use the installed artifacts as a user
# would. Run after `mvn install` of the project (scripts/consumer-check.sh does both).
#   sdk-alone               the SDK's REST client alone, against the local real cluster (BOM)
#   test-kit-junit-5.11.4   the test kit with JUnit 5.11.4, without the BOM (test-kit/pom.xml)
#   test-kit-junit-5.14.4   the same project with JUnit 5.14.4 and the BOM (test-kit/pom-with-bom.xml)
#   backend-from-yaml       the backend from config/unified_loop.yaml, against the real cluster (BOM)
#   fake-slurm-service      a small service tested against the test kit's fake slurmrestd only (BOM),
#                           with JUnit 5.11.4 and with 5.14.4 (-Djunit.version)
#   spring-boot-app         a Spring Boot web application on the starter, one source built for Boot 3.5.7
#                           and for 4.0.7 (-Dboot4): its test on the fake (@AutoConfigureFakeSlurm), then
#                           the jar started against the real cluster (spring-boot-app/real-cluster.sh:
#                           submit, report, health UP, DOWN with slurmrestd stopped, UP again, DOWN with
#                           slurmdbd stopped, UP again, the scrape)
# CONSUMER_CHECKS="spring-boot-3.5.7 ..." runs only those samples (default: all).
# Maven: set MAVEN_OPTS=-Dmaven.repo.local=DIR to use another local repository (every mvn call here takes it).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
project=$(cd "$here/.." && pwd)
failed=0
# the local cluster's connection facts, for the samples that use it (as a user's service gets them: the environment)
if facts=$("$project/scripts/local-slurm.sh" env 2>/dev/null); then
  while IFS='=' read -r key value; do [ -n "$key" ] && export "$key=$value"; done <<<"$facts"
fi
# each entry: sample name, project folder, pom, Maven properties (- for none), then yes when the
# built jar is also started against the real cluster (the folder's real-cluster.sh SAMPLE)
while read -r sample dir pom props real; do
  if [ -n "${CONSUMER_CHECKS:-}" ] && ! grep -qw -- "$sample" <<<"$CONSUMER_CHECKS"; then
    continue
  fi
  t0=$SECONDS
  extra=()
  [ "$props" != - ] && extra=("$props")
  if mvn -B -q -ntp -f "$here/$dir/$pom" -Dringrift.project="$project" "${extra[@]}" clean verify >"$here/$sample.log" 2>&1 </dev/null &&
    { [ "$real" != yes ] || "$here/$dir/real-cluster.sh" "$sample" >>"$here/$sample.log" 2>&1 </dev/null; }; then
    tests=$(cat "$here/$dir"/target/surefire-reports/TEST-*.xml 2>/dev/null | grep -o '<testsuite [^>]*>' |
      awk '{ match($0, / tests="[0-9]+"/); t += substr($0, RSTART + 8, RLENGTH - 9) } END { print t + 0 }')
    echo "[consumer] $sample: passed ($tests tests) in $((SECONDS - t0)) s"
    if [ "$real" = yes ]; then grep "^\[$sample\]" "$here/$sample.log" | sed 's/^/  /'; fi
  else
    echo "[consumer] $sample: FAILED in $((SECONDS - t0)) s; last lines of $here/$sample.log:"
    tail -n 30 "$here/$sample.log"
    failed=$((failed + 1))
  fi
done <<'TABLE'
sdk-alone sdk-alone pom.xml - no
test-kit-junit-5.11.4 test-kit pom.xml - no
test-kit-junit-5.14.4 test-kit pom-with-bom.xml - no
backend-from-yaml backend-from-yaml pom.xml - no
fake-slurm-service-junit-5.11.4 fake-slurm-service pom.xml -Djunit.version=5.11.4 no
fake-slurm-service-junit-5.14.4 fake-slurm-service pom.xml -Djunit.version=5.14.4 no
spring-boot-3.5.7 spring-boot-app pom.xml - yes
spring-boot-4.0.7 spring-boot-app pom.xml -Dboot4 yes
TABLE
exit $failed
