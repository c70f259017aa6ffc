#!/bin/sh
# Every sample config in data/ runs with aat-run and exits 0; the reference configs
# print their published final value. TAP output. Configs that need ../shared/data skip
# when it is absent; configs that need a server (websocket, live-demo, the live venues) or a language
# runtime (buy-and-hold-*) are covered by their own tests.
set -u
root=${AAT_SOURCE_ROOT:?}
run=${AAT_RUN:?}
cd "$root" || exit 1
data=${AAT_DATA_DIR:-$root/../shared/data}

expect_value () {
  case $1 in
    reference-quickstart-06) echo 100018.53 ;;
    reference-quickstart-07) echo 100016.98 ;;
    reference-quickstart-07-ext) echo 100017.41 ;;
    reference-quickstart-08) echo 100169.80 ;;
    reference-quickstart-09) echo 973.90 ;;
    reference-crossover-a) echo 10284.10 ;;
    reference-crossover-b) echo 12795.00 ;;
    reference-lean-basic-template) echo 101691.92 ;;
    *) echo "" ;;
  esac
}

n=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for cfg in data/*.cfg; do
  name=$(basename "$cfg" .cfg)
  case $name in websocket|live-demo|buy-and-hold-*|venue-binance|venue-coinbase|venue-alpaca) continue ;; esac
  n=$((n + 1))
  if grep -q "shared/data" "$cfg" && [ ! -d "$data" ]; then
    echo "ok $n - $name # SKIP ../shared/data is absent"
    continue
  fi
  timeout 120 "$run" --config "$cfg" >"$out" 2>&1
  rc=$?
  want=$(expect_value "$name")
  if [ $rc -ne 0 ]; then
    echo "not ok $n - $name: exit $rc"
    sed 's/^/# /' "$out" | tail -20
  elif [ -n "$want" ] && ! grep -Eq "^  value +$want\$" "$out"; then
    echo "not ok $n - $name: final value is not the published $want"
    grep -E "^  (value|cash|fees)" "$out" | sed 's/^/# /'
  else
    echo "ok $n - $name${want:+ (value $want)}"
  fi
done
echo "1..$n"
