#!/bin/bash
# test-risk-demo.sh AAT_RUN CONFIG: data/risk-demo.cfg halts its runaway strategy on its
# own: the `limits` policy trips its max-drawdown, flattens it and halts it. TAP output.
set -u
aat_run=$1 config=$2
out=$("$aat_run" --config "$config" 2>&1)
status=$?
echo "1..4"
[ $status -eq 0 ] && echo "ok 1 aat-run exits 0" || echo "not ok 1 aat-run exits 0 (got $status)"
if grep -q "strategy 'momentum' halted: max-drawdown: .* (limit 25.00)" <<<"$out"; then
  echo "ok 2 the drawdown limit halted momentum"
else
  echo "not ok 2 the drawdown limit halted momentum"; sed 's/^/# /' <<<"$out" | head -40
fi
grep -q "halting and flattening" <<<"$out" && echo "ok 3 flatten-on-loss" || echo "not ok 3 flatten-on-loss"
grep -A4 '^strategy momentum' <<<"$out" | grep -q 'position        flat' \
  && echo "ok 4 momentum ends flat" || echo "not ok 4 momentum ends flat"
