#!/bin/sh
# run-fuzzer.sh FUZZER SEED_CORPUS SCRATCH_DIR SECONDS: a bounded libFuzzer pass.
# New inputs go to SCRATCH_DIR (the seed corpus in the source tree is read-only here);
# a crash, a leak or a timeout makes libFuzzer exit non-zero and fails the test, and the
# reproducer is left in SCRATCH_DIR/crash-*.
set -eu
fuzzer=$(readlink -f "$1") seeds=$2 scratch=$3 seconds=$4
mkdir -p "$scratch"
cd "$scratch"
exec "$fuzzer" -error_exitcode=1 -timeout_exitcode=1 -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  "$scratch" "$seeds"
