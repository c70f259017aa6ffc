#!/bin/bash
# test-out-of-tree.sh: what doc/PLUGINS.md tells a newcomer to do, done against a staged
# install: `meson install --destdir`, then build examples/out-of-tree-plugin/my-strategy.c
# with one cc command and pkg-config, outside the main build's targets, then run the
# staged aat-run on it from a config.
#
# Usage: test-out-of-tree.sh BUILD_DIR SOURCE_DIR     (prints TAP)
set -u

BUILD=$1
SRC=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
unset AAT_MODULE_PATH
STAGE=$TMP/stage

n=0
failed=0
ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=1; echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
bail () { echo "Bail out! $1"; [ -f "$TMP/log" ] && sed 's/^/# /' "$TMP/log"; exit 1; }

# 1. The staged install.
meson install -C "$BUILD" --no-rebuild --quiet --destdir "$STAGE" >"$TMP/log" 2>&1 ||
  bail "meson install --destdir failed"
ok "meson install --destdir"

pc=$(find "$STAGE" -name aat-1.0.pc | head -n1)
aat_run=$(find "$STAGE" -path '*/bin/aat-run' | head -n1)
[ -n "$pc" ] || bail "no aat-1.0.pc in the staged install"
[ -n "$aat_run" ] || bail "no aat-run in the staged install"
ok "the install has aat-1.0.pc and aat-run"

# pkg-config of the staged tree: a copy of aat-1.0.pc whose prefix is the staged one
# (PKG_CONFIG_SYSROOT_DIR would also move GLib's flags into the stage).
prefix=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --variable=prefix aat-1.0)
mkdir -p "$TMP/pkgconfig"
sed "s#^prefix=.*#prefix=$STAGE$prefix#" "$pc" >"$TMP/pkgconfig/aat-1.0.pc"
export PKG_CONFIG_PATH=$TMP/pkgconfig
flags=$(pkg-config --cflags --libs aat-1.0) || bail "pkg-config aat-1.0 failed"
moduledir=$(pkg-config --variable=moduledir aat-1.0)
libdir=$(pkg-config --variable=libdir aat-1.0)
case "$flags" in *"-I$STAGE"*) ok "pkg-config points into the staged install";;
  *) not_ok "pkg-config flags do not point into the stage" "$flags";; esac
[ -d "$moduledir" ] && ok "the modules are installed in \$moduledir" ||
  not_ok "no installed module directory $moduledir"

# 2. One command builds the plugin, against the installed headers only.
mkdir -p "$TMP/modules"
if cc -shared -fPIC -Wall -Werror -o "$TMP/modules/my-strategy.so" \
     "$SRC/examples/out-of-tree-plugin/my-strategy.c" $flags >"$TMP/log" 2>&1; then
  ok "cc builds my-strategy.so"
else
  bail "cc failed to build the out-of-tree plugin"
fi

export LD_LIBRARY_PATH=$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
M=(--modules-dir "$moduledir" --modules-dir "$TMP/modules")

# 3. It is listed with its properties, next to the installed modules.
"$aat_run" "${M[@]}" --list >"$TMP/out" 2>"$TMP/err"
if grep -qF "strategy buy-the-dip: Buys a dip below the first price, sells at it" "$TMP/out" &&
   grep -qF "Units to buy on a dip" "$TMP/out"; then
  ok "aat-run --list shows the plugin"
else
  not_ok "aat-run --list lacks the plugin" "$(cat "$TMP/out" "$TMP/err")"
fi

# The installed aat-run searches the installed module directory first, with no
# environment variable (the stage is not that directory: it is given explicitly above).
final_moduledir=${moduledir#"$STAGE"}
if grep -A1 -F "Module directories, in search order:" "$TMP/out" | grep -qxF "  $final_moduledir"; then
  ok "aat-run searches $final_moduledir first"
else
  not_ok "aat-run does not search $final_moduledir first" "$(cat "$TMP/out")"
fi

# 4. It runs from a config, on an installed exchange.
cd "$SRC/examples/out-of-tree-plugin"
if grep -qF "exchange synthetic:" "$TMP/out"; then
  "$aat_run" "${M[@]}" --config run.cfg >"$TMP/out" 2>"$TMP/err"
  status=$?
  if [ $status = 0 ] && grep -qF "strategy buy-the-dip" "$TMP/out" &&
     grep -qF "buy-the-dip: " "$TMP/out"; then
    ok "the staged aat-run runs the plugin from a config"
  else
    not_ok "the run failed with status $status" "$(cat "$TMP/out" "$TMP/err")"
  fi
else
  echo "ok $((n += 1)) # SKIP the synthetic exchange is not installed"
fi

echo "1..$n"
exit $failed
