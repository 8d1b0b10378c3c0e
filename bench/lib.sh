# Shared by the bench scripts: a private Xvfb, a kiosk started in it, and clean-up of both.
# shellcheck shell=bash
#
# Environment:
#   LKP_KIOSK_BIN       the program (default: build/bin/lkp-kiosk of this checkout)
#   LKP_BENCH_DATA_DIR  an existing data folder for the kiosk (default: an empty temp folder)

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kiosk_bin=${LKP_KIOSK_BIN:-$repo/build/bin/lkp-kiosk}
if [ ! -x "$kiosk_bin" ]; then
  echo "no $kiosk_bin; build first: cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build -j2" >&2
  exit 1
fi
command -v Xvfb >/dev/null || { echo "Xvfb is missing: apt-get install xvfb" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/lkp-bench.XXXXXX")
xvfb_pid=""
kiosk_pid=""

# Signals only set a flag; the scripts exit at their next nap/doze, outside any builtin. (bash 5.2
# can crash when a trap exits while `read -t` is waiting, so no trap runs `exit` itself.) The EXIT
# trap then stops the kiosk and Xvfb.
caught=""
trap 'caught=130' INT
trap 'caught=143' TERM
trap 'caught=129' HUP
check_caught() { if [ -n "$caught" ]; then exit "$caught"; fi; }

# nap SECONDS: a short sleep that needs no process (read with a timeout on a FIFO nobody writes
# to), for polling every few ms. doze SECONDS: a long sleep that a signal cuts short.
mkfifo "$work/nap"
exec {nap_fd}<>"$work/nap"
nap_raw() { read -r -t "$1" -u "$nap_fd" _ || true; }
nap() { nap_raw "$1"; check_caught; }
doze() {
  sleep "$1" {nap_fd}>&- &
  local p=$!
  wait "$p" || { kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; } || true
  check_caught
}

# The clock: ${EPOCHREALTIME} is bash's own (no fork); digits only = microseconds since the epoch
# whatever the locale's decimal mark. Used inline as ${EPOCHREALTIME//[!0-9]/}.

# proc_state PID: sets REPLY to the state letter of PID from /proc (R, S, Z, ...), empty when gone.
# Builtins only, so it is cheap enough to call every 2 ms.
proc_state() {
  REPLY=""
  local stat
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 0
  stat=${stat##*) }
  REPLY=${stat%% *}
}
alive() { proc_state "$1"; [ -n "$REPLY" ] && [ "$REPLY" != Z ] && [ "$REPLY" != X ]; }

# stop_pid PID: SIGTERM, up to 5 s to finish, then SIGKILL; always reaps it.
stop_pid() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 500); do
    alive "$pid" || break
    nap_raw 0.01
  done
  if alive "$pid"; then
    echo "pid $pid ignored SIGTERM for 5 s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  if [ -n "$kiosk_pid" ]; then stop_pid "$kiosk_pid"; kiosk_pid=""; fi
  if [ -n "$xvfb_pid" ]; then stop_pid "$xvfb_pid"; xvfb_pid=""; fi
  rm -rf "$work"
}
trap cleanup EXIT

# start_xvfb WxH: a private Xvfb on a display it picks itself (-displayfd); exports DISPLAY.
start_xvfb() {
  mkfifo "$work/display"
  Xvfb -displayfd 3 -screen 0 "${1}x24" -nolisten tcp -noreset 3>"$work/display" 2>"$work/xvfb.log" {nap_fd}>&- &
  xvfb_pid=$!
  local n=""
  read -r -t 10 n <"$work/display" || true
  check_caught
  if [ -z "$n" ]; then
    echo "Xvfb did not start; its log:" >&2
    cat "$work/xvfb.log" >&2
    exit 1
  fi
  export DISPLAY=":$n"
}

# start_kiosk WxH TREE: launches the kiosk windowed and returns once the UI tree file exists
# (written right after the first frame is drawn, just before it is presented). Polls every 2 ms.
# Sets kiosk_pid, and launch_ms: launch to file, in milliseconds with one decimal.
start_kiosk() {
  local size=$1 tree=$2 t0 t1
  rm -f "$tree"
  t0=${EPOCHREALTIME//[!0-9]/}
  "$kiosk_bin" --windowed "$size" --data-dir "${LKP_BENCH_DATA_DIR:-$work/data}" --ui-tree "$tree" \
    2>"$work/kiosk.log" {nap_fd}>&- &
  kiosk_pid=$!
  while [ ! -e "$tree" ]; do
    check_caught   # Ctrl-C reaches the kiosk too; do not report that as a failed start
    if ! alive "$kiosk_pid"; then
      echo "the kiosk stopped before its first frame; its log:" >&2
      cat "$work/kiosk.log" >&2
      exit 1
    fi
    if [ $(( ${EPOCHREALTIME//[!0-9]/} - t0 )) -gt 30000000 ]; then
      echo "the kiosk showed no frame within 30 s; its log:" >&2
      cat "$work/kiosk.log" >&2
      exit 1
    fi
    nap 0.002
  done
  t1=${EPOCHREALTIME//[!0-9]/}
  # shellcheck disable=SC2034  # read by the scripts that source this file
  launch_ms=$(( (t1 - t0) / 1000 )).$(( (t1 - t0) / 100 % 10 ))
}

stop_kiosk() {
  stop_pid "$kiosk_pid"
  kiosk_pid=""
}

# utime + stime of PID (all its threads), in clock ticks.
cpu_ticks() {
  local stat f
  read -r stat <"/proc/$1/stat"
  stat=${stat##*) }
  # After the command name: field 3 is the state, so utime (14) and stime (15) are words 12 and 13.
  read -r -a f <<<"$stat"
  printf '%s' $(( f[11] + f[12] ))
}

# Voluntary + involuntary context switches of all threads of PID: how often it was woken.
ctx_switches() {
  awk '/^(non)?voluntary_ctxt_switches/ {n += $2} END {print n + 0}' /proc/"$1"/task/*/status 2>/dev/null
}

# median of the arguments (mean of the middle two for an even count)
median() {
  printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {
    if (NR == 0) print "n/a"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
