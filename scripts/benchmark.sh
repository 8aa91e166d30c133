#!/usr/bin/env bash
# Benchmarks on the local real cluster, side by side in one run: submission (SDK, sbatch forked per
# job, raw HTTP; 4 and 16 concurrent submitters), one tracking round three ways, the heap for
# 100,000 tracked jobs, and (full run only) the client's CPU cost with JMH. Prints a markdown table
# and writes it to target/benchmark.md. Every job it submits is held and cancelled at the end.
#
#   scripts/benchmark.sh           the full run (N=500; 100/1,000/5,000 jobs tracked; JMH)
#   scripts/benchmark.sh --quick   what CI runs so it cannot rot (N=20, no JMH)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
quick=false
[ "${1:-}" = "--quick" ] && quick=true

scripts/local-slurm.sh up
mvn -B -q -ntp -DskipTests package
jar=ringrift-slurm-bench/target/ringrift-slurm-bench.jar
out=target/benchmark.md
mkdir -p target
if $quick; then
  java -cp "$jar" ai.ringrift.slurm.bench.Benchmark --quick --out "$out"
  exit 0
fi
java -cp "$jar" ai.ringrift.slurm.bench.Benchmark --out "$out"
java -cp "$jar" org.openjdk.jmh.Main ClientOverheadBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s -rf csv -rff target/jmh.csv
{
  printf '\n## Client overhead (JMH, average time per operation)\n\n| operation | us/op | error | per second |\n|---|---|---|---|\n'
  tail -n +2 target/jmh.csv | tr -d '"' | while IFS=, read -r name mode threads samples score error unit; do
    op=${name##*.}
    if [ "$op" = readJobsAnswerOf1000Jobs ]; then
      rate=$(awk -v s="$score" 'BEGIN { printf "%.0f jobs read/s (loopback)", 1000 / s * 1e6 }')
    else
      rate=$(awk -v s="$score" 'BEGIN { printf "%.0f ops/s", 1 / s * 1e6 }')
    fi
    printf '| %s | %.1f | %.1f | %s |\n' "$op" "$score" "$error" "$rate"
  done
} | tee -a "$out"
echo "written to $out"
