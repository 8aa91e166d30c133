#!/usr/bin/env bash
# Benchmarks on the local real cluster, side by side in one run: submission through the SDK, as raw
# HTTP and through sbatch, each sequential and 16 wide, in blocks run in a shuffled order per
# repeat after a warm-up block each (every block's jobs cancelled before the next); one tracking
# round through the SDK and as the same raw request, alternating; the heap for 100,000 tracked
# jobs; and (full run only) the client's CPU cost with JMH (5 forks of 10 measured 2 s iterations). Every figure is a median
# with p10 and p90. Writes target/benchmark.md and target/benchmark/results.json (name, n, median,
# p10, p90, unit per row). Every job it submits is held and cancelled.
#
#   scripts/benchmark.sh           the full run (blocks of 100, 5 repeats; 100/1,000/5,000 jobs tracked; JMH)
#   scripts/benchmark.sh --quick   what CI runs so it cannot rot (blocks of 10, 2 repeats, no JMH)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
quick=false
[ "${1:-}" = "--quick" ] && quick=true

scripts/local-slurm.sh up
mvn -B -q -ntp -DskipTests package
jar=ringrift-slurm-bench/target/ringrift-slurm-bench.jar
export RINGRIFT_PROJECT_ROOT=$PWD # the harness finds the cluster as the tests do (LocalCluster)
out=target/benchmark.md
mkdir -p target
if $quick; then
  java -cp "$jar" ai.ringrift.slurm.bench.Benchmark --quick --out "$out"
  exit 0
fi
java -cp "$jar" ai.ringrift.slurm.bench.Benchmark --out "$out"
java -cp "$jar" org.openjdk.jmh.Main ClientOverheadBenchmark -f 5 -wi 5 -i 10 -w 1s -r 2s -rf csv -rff target/jmh.csv
{
  printf '\n## Client overhead (JMH, average time per operation)\n\n| operation | us/op | error (99.9 %%) | error / score | per second |\n|---|---|---|---|---|\n'
  tail -n +2 target/jmh.csv | tr -d '"' | while IFS=, read -r name mode threads samples score error unit; do
    op=${name##*.}
    if [ "$op" = readJobsAnswerOf1000Jobs ]; then
      rate=$(awk -v s="$score" 'BEGIN { printf "%.0f jobs read/s (loopback)", 1000 / s * 1e6 }')
    else
      rate=$(awk -v s="$score" 'BEGIN { printf "%.0f ops/s", 1 / s * 1e6 }')
    fi
    pct=$(awk -v s="$score" -v e="$error" 'BEGIN { printf "%.1f %%", e / s * 100 }')
    printf '| %s | %.1f | %.1f | %s | %s |\n' "$op" "$score" "$error" "$pct" "$rate"
  done
} | tee -a "$out"
echo "written to $out"
