# Shared by the bench scripts: a private Xvfb and a kiosk started in it.
# shellcheck shell=bash

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kiosk_bin=${LKP_KIOSK_BIN:-$repo/build/bin/lkp-kiosk}
work=$(mktemp -d)
xvfb_pid=""
kiosk_pid=""

cleanup() {
  [ -n "$kiosk_pid" ] && kill "$kiosk_pid" 2>/dev/null && wait "$kiosk_pid" 2>/dev/null
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# start_xvfb WxH: sets DISPLAY to a display Xvfb picked itself.
start_xvfb() {
  mkfifo "$work/display"
  Xvfb -displayfd 3 -screen 0 "${1}x24" -nolisten tcp 3>"$work/display" 2>/dev/null &
  xvfb_pid=$!
  local n=""
  read -r -t 10 n <"$work/display" || { echo "Xvfb did not start (apt-get install xvfb)" >&2; exit 1; }
  export DISPLAY=":$n"
}

# start_kiosk WxH TREE: starts the kiosk windowed and waits for its first frame (the UI tree file).
# LKP_BENCH_DATA_DIR points it at an existing data folder (to time start-up with a full database).
start_kiosk() {
  rm -f "$2"
  "$kiosk_bin" --windowed "$1" --data-dir "${LKP_BENCH_DATA_DIR:-$work/data}" --ui-tree "$2" 2>"$work/kiosk.log" &
  kiosk_pid=$!
  for _ in $(seq 1 1000); do
    [ -s "$2" ] && return 0
    sleep 0.01
  done
  echo "kiosk showed no frame; log:" >&2
  cat "$work/kiosk.log" >&2
  exit 1
}

stop_kiosk() {
  kill "$kiosk_pid" && wait "$kiosk_pid" 2>/dev/null
  kiosk_pid=""
}
