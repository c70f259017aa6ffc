#!/bin/bash
# test-aat-run.sh: aat-run end to end, over the tests/plugins/good fixture module:
# --version, --help, --list, flag overrides, every exit status (0, 1, 2) with the text
# of the one message a usage or config error prints, and signals.
#
# Usage: test-aat-run.sh AAT_RUN GOOD_MODULES_DIR     (prints TAP)
set -u

AAT_RUN=$1
GOOD=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
unset AAT_MODULE_PATH

n=0
failed=0
ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=1; echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }

# run NAME EXPECTED_STATUS ARGS... : runs aat-run, keeps stdout and stderr in $out/$err
run () {
  local name=$1 want=$2
  shift 2
  "$AAT_RUN" "$@" >"$TMP/out" 2>"$TMP/err"
  status=$?
  out=$(cat "$TMP/out")
  err=$(cat "$TMP/err")
  if [ "$status" = "$want" ]; then ok "$name: exit $want"; else
    not_ok "$name: exit $status, expected $want" "stdout: $out" "stderr: $err"; fi
}

expect_err () {
  if [ "$err" = "$1" ]; then ok "stderr is: $1"; else not_ok "stderr" "expected: $1" "got: $err"; fi
}

expect_out_has () {
  if grep -qF -- "$1" "$TMP/out"; then ok "stdout has: $1"; else
    not_ok "stdout lacks: $1" "stdout: $out"; fi
}

M=(--modules-dir "$GOOD")

# ---- information
run "--version" 0 --version
expect_out_has "aat-run 0."
run "--help" 0 --help
expect_out_has "--trading_type"
expect_out_has "--modules-dir"

run "--list" 0 "${M[@]}" --list
expect_out_has "strategy test-props: A property of every type"
expect_out_has "exchange test-stream: A stream of trades, endless with count=0"
expect_out_has "risk test-risk: Passes every order"
expect_out_has "execution test-exec: Sends every order unchanged"
expect_out_has "enum AatSide (buy, sell), default: buy"
expect_out_has "6 plugins from 1 module"

# ---- usage and config errors: status 2, one message, nothing runs
run "unknown option" 2 --frobnicate
expect_err "aat-run: Unknown option --frobnicate"
run "stray argument" 2 "${M[@]}" extra
expect_err "aat-run: unexpected argument 'extra' (see --help)"
run "nothing to run" 2 "${M[@]}"
expect_err "aat-run: nothing to run: give --config FILE, or --exchanges and --strategies"
run "missing --modules-dir" 2 --modules-dir "$TMP/nope" --list
expect_err "aat-run: --modules-dir $TMP/nope: not a directory"
run "missing config" 2 "${M[@]}" --config "$TMP/missing.cfg"
expect_err "aat-run: $TMP/missing.cfg: no such file"
run "bad trading type" 2 "${M[@]}" --trading_type paper --exchanges test-stream --strategies test-buyer
expect_err "aat-run: --trading_type: invalid value 'paper'; expected one of live, simulation, sandbox, backtest"

cat >"$TMP/bad-plugin.cfg" <<EOF
[exchange]
exchanges=test-stream
[strategy]
strategies=test-buyr
EOF
run "unknown plugin" 2 "${M[@]}" --config "$TMP/bad-plugin.cfg"
expect_err "aat-run: $TMP/bad-plugin.cfg: [strategy] strategies: unknown strategy 'test-buyr'; did you mean 'test-buyer'?"

cat >"$TMP/bad-key.cfg" <<EOF
[exchange]
exchanges=test-stream
[exchange test-stream]
cuont=5
[strategy]
strategies=test-buyer
EOF
run "unknown key" 2 "${M[@]}" --config "$TMP/bad-key.cfg"
expect_err "aat-run: $TMP/bad-key.cfg: [exchange test-stream] cuont: unknown key; exchange 'test-stream' has no property 'cuont'; did you mean 'count'?"

cat >"$TMP/bad-value.cfg" <<EOF
[exchange]
exchanges=test-stream
[exchange test-stream]
count=many
[strategy]
strategies=test-buyer
EOF
run "ill-typed value" 2 "${M[@]}" --config "$TMP/bad-value.cfg"
expect_err "aat-run: $TMP/bad-value.cfg: [exchange test-stream] count: invalid value 'many'; expected a non-negative integer"

run "ill-typed flag value" 2 "${M[@]}" --exchanges test-stream,count=-1 --strategies test-buyer
expect_err "aat-run: --exchanges test-stream: count: invalid value '-1'; expected a non-negative integer"

# ---- runs: 0 on success, 1 when a strategy fails
run "a run" 0 "${M[@]}" --exchanges test-stream,count=50 --strategies test-buyer
expect_out_has "Run summary: 50 events, 0 failures"
expect_out_has "strategy test-buyer"
expect_out_has "  orders          1"
expect_out_has "  position        TEST 1 @"

run "a failing strategy" 1 "${M[@]}" --exchanges test-stream,count=10 --strategies test-fail
expect_out_has "Run summary: 10 events, 1 failure"

cat >"$TMP/run.cfg" <<EOF
[general]
trading_type=backtest
exit_routine=close-all
cash=5000
[exchange]
exchanges=test-stream
[exchange test-stream]
count=30
symbol=XYZ
[strategy]
strategies=test-fail
EOF
# The flag replaces the file's failing strategy and keeps the file's exchange settings.
run "--strategies overrides the file" 0 "${M[@]}" --config "$TMP/run.cfg" --strategies test-buyer:mine
expect_out_has "strategy test-buyer:mine"
expect_out_has "  cash            4901.00"
expect_out_has "Run summary: 30 events"
run "--trading-type spelling, --verbose" 0 "${M[@]}" --config "$TMP/run.cfg" --strategies test-buyer --trading-type backtest --verbose
run "the file alone" 1 "${M[@]}" --config "$TMP/run.cfg"

# ---- signals: the first stops gracefully and prints the summary
cat >"$TMP/endless.cfg" <<EOF
[exchange]
exchanges=test-stream
[exchange test-stream]
count=0
[strategy]
strategies=test-buyer
EOF
for sig in TERM INT; do
  "$AAT_RUN" "${M[@]}" --config "$TMP/endless.cfg" >"$TMP/out" 2>"$TMP/err" &
  pid=$!
  sleep 1
  kill -"$sig" "$pid"
  wait "$pid"
  status=$?
  out=$(cat "$TMP/out")
  err=$(cat "$TMP/err")
  if [ "$status" = 0 ]; then ok "SIG$sig stops the run: exit 0"; else
    not_ok "SIG$sig: exit $status, expected 0" "stdout: $out" "stderr: $err"; fi
  expect_out_has "Run summary: "
  expect_out_has "strategy test-buyer"
  if grep -qF "aat-run: SIG$sig received, stopping" "$TMP/err"; then ok "SIG$sig is announced"; else
    not_ok "SIG$sig not announced" "stderr: $err"; fi
done

# A second SIGINT exits at once with 130, even while the run winds down: here the
# strategy's on_exit sleeps for 30 s.
"$AAT_RUN" "${M[@]}" --config "$TMP/endless.cfg" --strategies test-buyer,exit-delay=30 \
  >"$TMP/out" 2>"$TMP/err" &
pid=$!
sleep 1
kill -INT "$pid"
sleep 1
start=$SECONDS
kill -INT "$pid"
wait "$pid"
status=$?
if [ "$status" = 130 ] && [ $((SECONDS - start)) -lt 10 ]; then ok "a second SIGINT exits at once: 130"; else
  not_ok "two SIGINTs: exit $status after $((SECONDS - start)) s" "stderr: $(cat "$TMP/err")"; fi
if grep -qF "aat-run: interrupted again, exiting at once" "$TMP/err"; then ok "the second SIGINT is announced"; else
  not_ok "the second SIGINT is not announced" "stderr: $(cat "$TMP/err")"; fi

echo "1..$n"
exit $failed
