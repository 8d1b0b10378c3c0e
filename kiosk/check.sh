#!/usr/bin/env bash
# Checks the kiosk deployment files: shellcheck on the scripts, systemd-analyze verify on the
# unit, the example config against the program's own parser, and provision.sh's dry run.
# Exits non-zero on any problem. Usage: kiosk/check.sh [path/to/lkp-kiosk]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
kiosk_bin=${1:-$repo/build/bin/lkp-kiosk}
failed=0
fail() { printf 'FAIL: %s\n' "$*"; failed=$((failed + 1)); }
pass() { printf 'ok:   %s\n' "$*"; }

need() {  # COMMAND PACKAGE
  command -v "$1" >/dev/null && return
  printf 'Installing %s (for %s)\n' "$2" "$1"
  local sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "$2" >/dev/null
}
need shellcheck shellcheck
need systemd-analyze systemd

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. shellcheck, at its strictest level (info notes count too).
for f in provision.sh check.sh; do
  if shellcheck --severity=info "$here/$f"; then pass "shellcheck $f"; else fail "shellcheck $f"; fi
done

# 2. systemd-analyze verify. It exits 0 on many mistakes (an unknown key, a bad value are only
# warnings), so any message fails the check, except the ones that only say this machine is not a
# provisioned kiosk: the programs, or the lkp-kiosk user, are not installed here.
tolerated='(Command /usr/bin/(cage|lkp-kiosk) is not executable: No such file or directory)|([Uu]ser.*lkp-kiosk.*(not found|does not exist))'
# verify wants the unit under its real name; a copy keeps the check independent of /etc.
cp "$here/lkp-kiosk.service" "$work/"
verify_rc=0
systemd-analyze verify --man=no "$work/lkp-kiosk.service" >"$work/verify.log" 2>&1 || verify_rc=$?
unexpected=$(grep -Ev "$tolerated" "$work/verify.log" || true)
if [ -n "$unexpected" ]; then
  fail "systemd-analyze verify lkp-kiosk.service:"
  printf '%s\n' "$unexpected" | sed 's/^/      /'
elif [ "$verify_rc" -ne 0 ] && ! [ -s "$work/verify.log" ]; then
  fail "systemd-analyze verify exited $verify_rc without saying why"
else
  pass "systemd-analyze verify lkp-kiosk.service$( [ -s "$work/verify.log" ] && printf ' (tolerated: %s)' "$(tr '\n' ' ' <"$work/verify.log")")"
fi

# The unit must still say what the deployment relies on (a quiet edit could drop it).
for line in 'User=lkp-kiosk' 'PAMName=login' 'TTYPath=/dev/tty1' 'Conflicts=getty@tty1.service' \
  'StateDirectory=lkp-kiosk' 'Restart=always' 'ProtectSystem=strict' 'NoNewPrivileges=yes' \
  'Type=notify' 'NotifyAccess=all' 'WatchdogSec=30'; do
  grep -qx "$line" "$here/lkp-kiosk.service" || fail "lkp-kiosk.service lacks '$line'"
done
grep -q '^ExecStart=.*/usr/bin/cage -- /usr/bin/lkp-kiosk --config /etc/lkp-kiosk/kiosk.conf$' "$here/lkp-kiosk.service" ||
  fail "lkp-kiosk.service: ExecStart does not run lkp-kiosk under cage with /etc/lkp-kiosk/kiosk.conf"
if grep -q '^PrivateDevices=yes' "$here/lkp-kiosk.service"; then fail "PrivateDevices=yes hides the GPU"; fi

# 3. The example config, read by the program itself, with the installed paths pointed at this
# checkout. The filled-in location must be accepted as well.
if [ -x "$kiosk_bin" ]; then
  sed -e "s#/usr/share/lkp-kiosk/assets#$repo/assets#" -e "s#/usr/share/lkp-kiosk/locales#$repo/locales#" \
    -e "s#^data_dir = .*#data_dir = $work/data#" -e 's/^# location = /location = /' \
    "$here/kiosk.conf.example" >"$work/kiosk.conf"
  grep -q '^location = ' "$work/kiosk.conf" || fail "kiosk.conf.example has no '# location = ...' line for provision.sh"
  if "$kiosk_bin" check-config --config "$work/kiosk.conf" >"$work/check.log" 2>&1; then
    pass "lkp-kiosk check-config accepts kiosk.conf.example"
  else
    fail "lkp-kiosk check-config rejects kiosk.conf.example:"
    sed 's/^/      /' "$work/check.log"
  fi
  for p in /usr/share/lkp-kiosk/assets/surveys/helsingborg-lkp.json /usr/share/lkp-kiosk/assets/districts/helsingborg.json \
    /usr/share/lkp-kiosk/locales /var/lib/lkp-kiosk; do
    grep -q " = $p\$" "$here/kiosk.conf.example" || fail "kiosk.conf.example does not use $p"
  done
  # The check itself must bite: an unknown key has to be rejected.
  printf 'no_such_key = 1\n' >>"$work/kiosk.conf"
  if "$kiosk_bin" check-config --config "$work/kiosk.conf" >/dev/null 2>&1; then
    fail "lkp-kiosk check-config accepted an unknown key (is $kiosk_bin the real program?)"
  fi
else
  printf 'skip: %s not built; the example config was not checked against the program\n' "$kiosk_bin"
fi

# 4. provision.sh: the dry run plans every step and changes nothing; bad arguments stop it early.
if out=$(bash "$here/provision.sh" --dry-run --kiosk-id check-01 --location 001 2>&1); then
  missing_steps=""
  for want in 'cmake --build' 'cpack -G DEB' 'apt-get install' 'lkp-kiosk_' '/usr/bin/lkp-kiosk' \
    'check-config' 'systemctl enable lkp-kiosk.service' 'systemctl disable getty@tty1.service' 'nothing was changed'; do
    grep -qF -- "$want" <<<"$out" || missing_steps+=" '$want'"
  done
  if [ -z "$missing_steps" ]; then pass "provision.sh --dry-run"; else fail "provision.sh --dry-run lacks:$missing_steps"; fi
else
  fail "provision.sh --dry-run failed:"
  printf '%s\n' "$out" | sed 's/^/      /'
fi
refuse() {  # WHY ARGS...: provision.sh must exit 2 and say WHY
  local why=$1 rc=0 err
  shift
  err=$(bash "$here/provision.sh" --dry-run "$@" 2>&1 >/dev/null) || rc=$?
  if [ "$rc" -eq 2 ] && grep -qF -- "$why" <<<"$err"; then
    pass "provision.sh refuses $*"
  else
    fail "provision.sh $* exited $rc, expected 2 and '$why': $err"
  fi
}
refuse "may only contain" --kiosk-id bad/id --location 001
refuse "is not a district code" --kiosk-id check-01 --location 999
refuse "unknown argument" --no-such-option
refuse "needs a value" --kiosk-id
refuse "no such file" --kiosk-id check-01 --deb "$work/none.deb"
printf 'not a package\n' >"$work/bad.deb"
refuse "is not a .deb file" --kiosk-id check-01 --deb "$work/bad.deb"
# --deb installs the file given and builds nothing; it must be an lkp-kiosk package. Two tiny
# packages made here stand in for real ones (only their Package field is read in a dry run).
fake_deb() {  # NAME: prints the path of an empty package called NAME
  mkdir -p "$work/$1/DEBIAN"
  printf 'Package: %s\nVersion: 0.0.1\nArchitecture: all\nMaintainer: check <check@example.org>\nDescription: check.sh stand-in\n' \
    "$1" >"$work/$1/DEBIAN/control"
  dpkg-deb --build "$work/$1" "$work/$1.deb" >/dev/null
  printf '%s\n' "$work/$1.deb"
}
refuse "is the package 'lkp-store', not lkp-kiosk" --kiosk-id check-01 --deb "$(fake_deb lkp-store)"
kiosk_deb=$(fake_deb lkp-kiosk)
if out=$(bash "$here/provision.sh" --dry-run --kiosk-id check-01 --deb "$kiosk_deb" 2>&1) &&
  grep -qF "apt-get install" <<<"$out" && grep -qF "$kiosk_deb" <<<"$out" && ! grep -qF 'cmake' <<<"$out"; then
  pass "provision.sh --deb installs the file and builds nothing"
else
  fail "provision.sh --deb $kiosk_deb:"
  printf '%s\n' "$out" | sed 's/^/      /'
fi

if [ "$failed" -ne 0 ]; then
  printf '%d kiosk check(s) failed\n' "$failed"
  exit 1
fi
printf 'all kiosk checks passed\n'
