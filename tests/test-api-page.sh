#!/bin/bash
# test-api-page.sh AAT_RUN CONFIG OUTDIR: the control API's live page in headless
# Chromium. Starts aat-run --api 127.0.0.1:0 on CONFIG (a live synthetic market), loads
# the page with the token, dumps the DOM and takes a screenshot (OUTDIR/api-page.png),
# and checks what the page shows. Skips when chromium is not installed. TAP output.
set -u
aat_run=$1 config=$2 outdir=$3
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  echo "1..0 # SKIP chromium is not installed (apt-get install chromium)"
  exit 0
fi
tmp=$(mktemp -d)
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
AAT_API_TOKEN=page-token "$aat_run" --config "$config" --api 127.0.0.1:0 >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 50); do
  grep -q "control API on" "$tmp/err" && break
  sleep 0.1
done
uri=$(grep -o 'http://127.0.0.1:[0-9]*/' "$tmp/err" | head -1)
echo "1..5"
[ -n "$uri" ] && echo "ok 1 aat-run serves the API at $uri" || { echo "not ok 1 aat-run --api"; cat "$tmp/err" | sed 's/^/# /'; exit 0; }
sleep 1
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --user-data-dir="$tmp/profile" --virtual-time-budget=4000)
timeout 60 "$chromium" "${flags[@]}" --dump-dom "${uri}?token=page-token" >"$tmp/dom.html" 2>"$tmp/chromium.err"
grep -q 'data-loaded="1"' "$tmp/dom.html" && echo "ok 2 the page loaded the state" \
  || { echo "not ok 2 the page loaded the state"; head -c 2000 "$tmp/dom.html" | sed 's/^/# /'; }
grep -q 'class="strategy-name">momentum<' "$tmp/dom.html" && echo "ok 3 the page lists the strategy" \
  || echo "not ok 3 the page lists the strategy"
grep -q '<span id="state">running</span>' "$tmp/dom.html" && echo "ok 4 the page shows the engine running" \
  || echo "not ok 4 the page shows the engine running"
rm -f "$outdir/api-page.png"
timeout 60 "$chromium" "${flags[@]/--user-data-dir=*/--user-data-dir=$tmp/profile2}" --window-size=1000,800 \
  --screenshot="$outdir/api-page.png" "${uri}?token=page-token" >/dev/null 2>>"$tmp/chromium.err"
[ -s "$outdir/api-page.png" ] && echo "ok 5 screenshot $outdir/api-page.png" || echo "not ok 5 screenshot"
