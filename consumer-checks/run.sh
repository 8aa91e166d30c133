#!/usr/bin/env bash
# The consumer check: small Maven projects outside the build use the installed artifacts as a user
# would. Run after `mvn install` of the project (scripts/consumer-check.sh does both).
#   sdk-alone               the SDK's REST client alone, against the local real cluster (BOM)
#   test-kit-junit-5.11.4   the test kit with JUnit 5.11.4, without the BOM
#   test-kit-junit-5.14.4   the test kit with JUnit 5.14.4, with the BOM
#   backend-from-yaml       the backend from config/unified_loop.yaml, against the real cluster (BOM)
#   fake-slurm-service      a small service tested against the test kit's fake slurmrestd only (BOM),
#                           with JUnit 5.11.4 and with 5.14.4 (-Djunit.version)
#   spring-boot-app         a Spring Boot web application on the starter, one source built for Boot 3.5.7
#                           and for 4.0.7 (-Dboot4): its test on the fake (@AutoConfigureFakeSlurm), then
#                           the jar started against the real cluster (spring-boot-app/real-cluster.sh:
#                           submit, report, health UP, DOWN with slurmrestd stopped, UP again, the scrape)
# CONSUMER_CHECKS="spring-boot-app@3.5.7 ..." runs only those entries (default: all).
# Maven: set MAVEN_OPTS=-Dmaven.repo.local=DIR to use another local repository (every mvn call here takes it).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
project=$(cd "$here/.." && pwd)
failed=0
# the local cluster's connection facts, for the samples that use it (as a user's service gets them: the environment)
if facts=$("$project/scripts/local-slurm.sh" env 2>/dev/null); then
  while IFS='=' read -r key value; do [ -n "$key" ] && export "$key=$value"; done <<<"$facts"
fi
for entry in ${CONSUMER_CHECKS:-sdk-alone test-kit-junit-5.11.4 test-kit-junit-5.14.4 backend-from-yaml \
    fake-slurm-service@5.11.4 fake-slurm-service@5.14.4 spring-boot-app@3.5.7 spring-boot-app@4.0.7}; do
  t0=$SECONDS
  dir=${entry%@*}
  sample=${entry/@/-junit-}
  extra=()
  real=()
  if [ "$dir" = spring-boot-app ]; then
    sample=spring-boot-${entry#*@}
    case ${entry#*@} in 4.*) extra=(-Dboot4) ;; esac
    real=("$here/$dir/real-cluster.sh" "$sample")
  elif [ "$dir" != "$entry" ]; then
    extra=(-Djunit.version="${entry#*@}")
  fi
  if mvn -B -q -ntp -f "$here/$dir/pom.xml" -Dringrift.project="$project" "${extra[@]}" clean verify >"$here/$sample.log" 2>&1 &&
    { [ ${#real[@]} -eq 0 ] || "${real[@]}" >>"$here/$sample.log" 2>&1; }; then
    tests=$(cat "$here/$dir"/target/surefire-reports/TEST-*.xml 2>/dev/null | grep -o '<testsuite [^>]*>' |
      awk '{ match($0, / tests="[0-9]+"/); t += substr($0, RSTART + 8, RLENGTH - 9) } END { print t + 0 }')
    echo "[consumer] $sample: passed ($tests tests) in $((SECONDS - t0)) s"
    if [ ${#real[@]} -gt 0 ]; then grep "^\[$sample\]" "$here/$sample.log" | sed 's/^/  /'; fi
  else
    echo "[consumer] $sample: FAILED in $((SECONDS - t0)) s; last lines of $here/$sample.log:"
    tail -n 30 "$here/$sample.log"
    failed=$((failed + 1))
  fi
done
exit $failed
