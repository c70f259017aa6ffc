#!/bin/sh
# Installs the Debian 12 packages aat needs to build, test and run. Run as root.
set -eu
if [ "$(id -u)" != 0 ]; then
  echo "install-deps.sh: run as root (it calls apt-get)" >&2
  exit 2
fi
export DEBIAN_FRONTEND=noninteractive
pkgs="meson ninja-build pkg-config gcc g++ libglib2.0-dev libjson-glib-dev libsoup-3.0-dev \
  gobject-introspection libgirepository1.0-dev python3-gi python3-dev gjs libgjs-dev valac \
  libcairo2-dev libsqlite3-dev valgrind chromium xvfb xauth libgtk-4-dev \
  clang libclang-rt-14-dev"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
