#!/usr/bin/env bash
# Installs lkp-kiosk and lkp-store into a Debian 12 root (made by make_root.sh) with apt-get, as an
# admin would: dependencies from the archive, maintainer scripts run. Then checks what they did and
# runs the installed programs there: --help, check-config on the installed config and data, the store
# on its installed config answering /v1/health. Ends with a purge and a second install, which the
# maintainer scripts must survive. Runs as root, in a mount namespace of its own (unshare), so the
# /proc and /dev it mounts into ROOT go away with it.
# With SOURCE_DIR it also runs that checkout's kiosk/provision.sh --deb there.
# Usage: install_in_root.sh ROOT KIOSK_DEB STORE_DEB [SOURCE_DIR]
set -euo pipefail

[ $# -eq 3 ] || [ $# -eq 4 ] || { printf 'usage: %s ROOT KIOSK_DEB STORE_DEB [SOURCE_DIR]\n' "$0" >&2; exit 2; }
root=$(cd "$1" && pwd)
[ "$(id -u)" -eq 0 ] || { printf 'install_in_root: needs root (chroot, mount)\n' >&2; exit 2; }
if [ -z "${LKP_IN_NAMESPACE:-}" ]; then
  exec env LKP_IN_NAMESPACE=1 unshare --mount --propagation private -- bash "$0" "$@"
fi
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
# apt inside needs the host's name servers.
cp -L /etc/resolv.conf "$root/etc/resolv.conf"

failed=0
fail() { printf 'FAIL: %s\n' "$*"; failed=$((failed + 1)); }
pass() { printf 'ok:   %s\n' "$*"; }
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
log=$(mktemp)
store_pid=""
# shellcheck disable=SC2317 # called by the trap
cleanup() {
  if [ -n "$store_pid" ]; then kill "$store_pid" 2>/dev/null || true; fi
  rm -f "$log"
}
trap cleanup EXIT

mkdir -p "$root/tmp/debs"
cp "$2" "$3" "$root/tmp/debs/"
kiosk=/tmp/debs/$(basename "$2")
store=/tmp/debs/$(basename "$3")

install_both() {  # WHAT
  if in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$kiosk" "$store" >"$log" 2>&1; then
    pass "$1"
  else
    fail "$1:"
    tail -30 "$log" | sed 's/^/      /'
    return 1
  fi
}

printf '\n== install into %s (%ss)\n' "$root" "$SECONDS"
in_root apt-get update -qq >"$log" 2>&1 || { fail "apt-get update in the root:"; cat "$log"; exit 1; }
install_both "apt-get install ./lkp-kiosk.deb ./lkp-store.deb" || exit 1
printf '   (%ss)\n' "$SECONDS"

# What postinst did.
for user in lkp-kiosk lkp-store; do
  entry=$(in_root getent passwd "$user" || true)
  if [[ $entry == "$user":*:/var/lib/"$user":/usr/sbin/nologin ]]; then
    uid=$(cut -d: -f3 <<<"$entry")
    if [ "$uid" -lt 1000 ]; then pass "system user $user ($entry)"; else fail "user $user is not a system user: $entry"; fi
  else
    fail "postinst made no system user $user with home /var/lib/$user: '$entry'"
  fi
done
if in_root id -nG lkp-kiosk | grep -qw video; then pass "lkp-kiosk is in the group video"; else fail "lkp-kiosk is not in video: $(in_root id -nG lkp-kiosk)"; fi
state=$(in_root stat -c '%U:%G %a' /var/lib/lkp-store)
if [ "$state" = "lkp-store:lkp-store 750" ]; then pass "/var/lib/lkp-store is $state"; else fail "/var/lib/lkp-store is '$state'"; fi
[ -e "$root/etc/systemd/system/graphical.target.wants/lkp-kiosk.service" ] && fail "the package enabled lkp-kiosk.service"
[ -e "$root/etc/systemd/system/multi-user.target.wants/lkp-store.service" ] && fail "the package enabled lkp-store.service"

# The installed programs with their installed data.
for bin in lkp-kiosk lkp-store; do
  if in_root "$bin" --help >"$log" 2>&1 && grep -q "$bin" "$log"; then pass "$bin --help"; else fail "$bin --help:"; sed 's/^/      /' "$log"; fi
done
check_config() { in_root runuser -u lkp-kiosk -- lkp-kiosk check-config --config /etc/lkp-kiosk/kiosk.conf >"$log" 2>&1; }
if check_config; then pass "lkp-kiosk check-config --config /etc/lkp-kiosk/kiosk.conf (as lkp-kiosk)"; else fail "check-config:"; sed 's/^/      /' "$log"; fi
# It must be the installed data it checked: without the district list it has to fail.
districts=$root/usr/share/lkp-kiosk/assets/districts/helsingborg.json
mv "$districts" "$districts.away"
if check_config; then fail "check-config passed without $districts: it does not read the installed data"; else pass "check-config fails without the installed district list"; fi
mv "$districts.away" "$districts"
# The built-in defaults (no --config) are the installed data too.
if in_root runuser -u lkp-kiosk -- lkp-kiosk check-config >"$log" 2>&1; then pass "lkp-kiosk check-config with the built-in paths"; else fail "check-config without --config:"; sed 's/^/      /' "$log"; fi

# The store as its unit runs it: user lkp-store, the installed settings' database option (in the
# data folder), the installed surveys, translations and stylesheet; only the port is a free one.
# EnvironmentFile= syntax, not a shell's: KEY=value, the value as it stands.
setting() { sed -n "s/^$1=//p" "$root/etc/lkp-store/lkp-store.conf"; }
database=$(setting LKP_STORE_DATABASE)
options=$(setting LKP_STORE_OPTIONS)
[ -n "$database" ] || fail "/etc/lkp-store/lkp-store.conf sets no LKP_STORE_DATABASE"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# shellcheck disable=SC2086 # the settings are split at spaces, as systemd's $VAR does
chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin runuser -u lkp-store -- \
  /usr/bin/lkp-store serve --listen "127.0.0.1:$port" $database $options >"$root/tmp/store.log" 2>&1 &
store_pid=$!
health=""
for _ in $(seq 1 100); do
  health=$(curl -fsS --max-time 2 "http://127.0.0.1:$port/v1/health" 2>/dev/null) && break
  kill -0 "$store_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -n "$health" ]; then pass "lkp-store serve $database answers /v1/health: $health"; else fail "lkp-store serve did not answer /v1/health:"; sed 's/^/      /' "$root/tmp/store.log"; fi
if curl -fsS --max-time 5 "http://127.0.0.1:$port/" 2>/dev/null | grep -q 'site.css'; then pass "lkp-store serves its results page"; else fail "lkp-store's results page"; fi
if curl -fsS --max-time 5 "http://127.0.0.1:$port/static/site.css" 2>/dev/null | cmp -s - "$root/usr/share/lkp-store/assets/web/site.css"; then
  pass "lkp-store serves the installed stylesheet"
else
  fail "lkp-store does not serve /usr/share/lkp-store/assets/web/site.css as /static/site.css"
fi
kill "$store_pid" 2>/dev/null || true
wait "$store_pid" || true
store_pid=""
owner=$(in_root stat -c %U /var/lib/lkp-store/store.sqlite 2>/dev/null || true)
if [ "$owner" = lkp-store ]; then pass "store.sqlite made in /var/lib/lkp-store by lkp-store"; else fail "no store.sqlite of lkp-store's in /var/lib/lkp-store ('$owner')"; fi
if in_root runuser -u lkp-store -- lkp-store kiosk add pkg-test-01 --db /var/lib/lkp-store/store.sqlite >"$log" 2>&1; then
  pass "lkp-store kiosk add, as lkp-store, on the service's database"
else
  fail "lkp-store kiosk add:"; sed 's/^/      /' "$log"
fi

# The units where they are installed, by that root's own systemd (the kiosk's Depends bring it),
# with the programs and users there: no message at all is accepted.
for unit in lkp-kiosk lkp-store; do
  if in_root systemd-analyze verify --man=no "/lib/systemd/system/$unit.service" >"$log" 2>&1 && ! [ -s "$log" ]; then
    pass "systemd-analyze verify $unit.service in the root"
  else
    fail "systemd-analyze verify $unit.service in the root:"; sed 's/^/      /' "$log"
  fi
done

# provision.sh on a kiosk PC that has the package: it installs the given .deb again, fills in the
# config, checks it as the kiosk user and enables the unit (systemctl works on an offline root).
if [ $# -eq 4 ]; then
  mkdir -p "$root/tmp/src"
  mount --bind "$4" "$root/tmp/src"
  mount -o remount,bind,ro "$root/tmp/src"
  if in_root bash /tmp/src/kiosk/provision.sh --deb "$kiosk" --kiosk-id pkg-test-01 --location 001 >"$log" 2>&1; then
    pass "kiosk/provision.sh --deb ... --kiosk-id pkg-test-01 --location 001"
  else
    fail "kiosk/provision.sh --deb:"; tail -30 "$log" | sed 's/^/      /'
  fi
  umount "$root/tmp/src"
  if grep -qx 'kiosk_id = pkg-test-01' "$root/etc/lkp-kiosk/kiosk.conf" && grep -qx 'location = 001' "$root/etc/lkp-kiosk/kiosk.conf"; then
    pass "provision.sh filled in the package's kiosk.conf"
  else
    fail "provision.sh left kiosk.conf without kiosk_id = pkg-test-01 and location = 001"
  fi
  if [ -L "$root/etc/systemd/system/graphical.target.wants/lkp-kiosk.service" ]; then
    pass "provision.sh enabled lkp-kiosk.service"
  else
    fail "provision.sh did not enable lkp-kiosk.service"
  fi
fi

# Purge: conffiles go, the answers and the users stay; then a second install over the leftovers.
if in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q lkp-kiosk lkp-store >"$log" 2>&1; then
  pass "apt-get purge lkp-kiosk lkp-store"
else
  fail "apt-get purge:"; tail -20 "$log" | sed 's/^/      /'
fi
[ -e "$root/etc/lkp-kiosk/kiosk.conf" ] && fail "purge left /etc/lkp-kiosk/kiosk.conf"
# The enable link provision.sh made must not dangle once the unit is gone.
if [ -L "$root/etc/systemd/system/graphical.target.wants/lkp-kiosk.service" ]; then
  fail "purge left the enable link graphical.target.wants/lkp-kiosk.service"
fi
if [ -e "$root/var/lib/lkp-store/store.sqlite" ]; then pass "purge kept the store's database"; else fail "purge deleted /var/lib/lkp-store/store.sqlite"; fi
install_both "a second install after the purge (users and data folder already there)" || true
if in_root runuser -u lkp-store -- lkp-store kiosk list --db /var/lib/lkp-store/store.sqlite 2>&1 | grep -q pkg-test-01; then
  pass "the database survived purge and reinstall"
else
  fail "the kiosk added before the purge is gone"
fi

exit $((failed > 0))
