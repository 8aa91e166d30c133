#!/usr/bin/env bash
# Benchmarks on the local real cluster, side by side in one run: submission through the SDK, as raw
# HTTP and through sbatch, each sequential and 16 wide, in blocks run in a shuffled order per
# repeat after a warm-up block each (every block's jobs cancelled before the next); one tracking
# round through the SDK and as the same raw request, alternating; the heap for 100,000 tracked
# jobs; and (full run only) the client's CPU cost with JMH (5 forks, 5 warm-up iterations of 1 s, 10
# measured of 2 s), in the data parser version the run's SDK negotiated. Raw HTTP is OkHttp, as the
# SDK's transport, sending the SDK's own submit body. Every figure is a median
# with p10 and p90. The full run exits 3 when a target is missed (SDK / raw per job at most 1.10x,
# 16 SDK submitters at least 90 % of 16 raw), after writing everything. Writes target/benchmark.md and target/benchmark/results.json (name, n, median,
# p10, p90, unit per row); the full run writes docs/performance.md from them (and the JMH csv) with
# docs/results/benchmark-full.json. Every job it submits is held and cancelled.
#
#   scripts/benchmark.sh           the full run (blocks of 100, 5 repeats; 100/1,000/5,000 jobs tracked; JMH)
#   scripts/benchmark.sh --quick   what CI runs so it cannot rot (blocks of 10, 2 repeats, no JMH)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
quick=false
[ "${1:-}" = "--quick" ] && quick=true

scripts/local-slurm.sh up
source scripts/lib/build.sh
quiet_build target/benchmark-build.log -DskipTests package
jar=ringrift-slurm-bench/target/ringrift-slurm-bench.jar
export RINGRIFT_PROJECT_ROOT=$PWD # the harness finds the cluster as the tests do (LocalCluster)
out=target/benchmark.md
mkdir -p target
if $quick; then
  java -cp "$jar" ai.ringrift.slurm.bench.Benchmark --quick --out "$out"
  exit 0
fi
rc=0
java -cp "$jar" ai.ringrift.slurm.bench.Benchmark --out "$out" || rc=$?
[ "$rc" = 0 ] || [ "$rc" = 3 ] || exit "$rc" # 3: a target missed; the figures are still written below
version=$(cat target/benchmark/api-version)
java -cp "$jar" org.openjdk.jmh.Main ClientOverheadBenchmark -p version="$version" -f 5 -wi 5 -i 10 -w 1s -r 2s -rf csv -rff target/jmh.csv
{
  # forks and iterations: the java line above (the page may show only figures of its results file)
  printf '\n## Client overhead (JMH, the forks and iterations of scripts/benchmark.sh, %s; average time per operation)\n\n' "$version"
  printf '| operation | us/op | error (JMH'"'"'s score error) |\n|---|---|---|\n'
  tail -n +2 target/jmh.csv | tr -d '"' | while IFS=, read -r name mode threads samples score error unit; do
    printf '| %s | %s | %s |\n' "${name##*.}" "$score" "$error"
  done
} | tee -a "$out"
echo "written to $out"
# the published page, from this run's results only: results.json and the JMH csv beside it
# (ai.ringrift.slurm.bench.DocFigures checks in CI that every figure is in the results file named)
mkdir -p docs/results
java -cp "$jar" ai.ringrift.slurm.bench.DocFigures --merge target/benchmark/results.json target/jmh.csv >docs/results/benchmark-full.json
{
  echo '# Performance'
  echo
  echo "<!-- written by scripts/benchmark.sh on $(date -u +%Y-%m-%d) from its results; do not edit by hand -->"
  echo '<!-- results: docs/results/benchmark-full.json -->'
  echo
  cat "$out"
} >docs/performance.md
java -cp "$jar" ai.ringrift.slurm.bench.DocFigures docs/performance.md || echo "[benchmark] docs/performance.md shows a figure its results file does not hold (above)"
[ "$rc" = 0 ] || echo "[benchmark] a target was missed (above): exit $rc"
exit "$rc"
