#!/bin/sh
# check-order-book.sh BUILDDIR: replays the standard workloads (seeds 1, 2, 3 and the deep
# variant) with `aat-bench order-book` and checks that its final-state line is exactly the
# one gen-orderbook-ops.py prints. Needs ../shared (the generator) and /usr/bin/python3.
set -eu
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
gen="$here/../../shared/bench/gen-orderbook-ops.py"
bench="$build/bench/aat-bench"
[ -f "$gen" ] || { echo "skip: $gen is absent"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for w in "seed1:--seed 1" "seed2:--seed 2" "seed3:--seed 3" "deep:--seed 4 --market-max 20 --k-max 400"; do
  name=${w%%:*}
  args=${w#*:}
  # shellcheck disable=SC2086
  /usr/bin/python3 "$gen" $args "$tmp/$name.csv" > "$tmp/$name.expected"
  "$bench" order-book "$tmp/$name.csv" --runs 3 > "$tmp/$name.out"
  if head -n 1 "$tmp/$name.out" | cmp -s - "$tmp/$name.expected"; then
    echo "ok $name: $(grep RESULT "$tmp/$name.out")"
  else
    echo "FAIL $name"; echo " expected: $(cat "$tmp/$name.expected")"; echo " got:      $(head -n 1 "$tmp/$name.out")"
    status=1
  fi
done
exit $status
