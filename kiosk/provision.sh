#!/usr/bin/env bash
# Puts LKP Kiosk on a Debian 12 kiosk PC from a checkout of this repository. Run as root.
# Safe to run again (after a git pull, to update; or to repair): every step checks first, and an
# existing /etc/lkp-kiosk/kiosk.conf is never overwritten.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: kiosk/provision.sh [--kiosk-id ID] [--location CODE] [--dry-run]

  --kiosk-id ID     kiosk_id for a new /etc/lkp-kiosk/kiosk.conf (needed on the first install)
  --location CODE   district code where the kiosk stands, e.g. 001 (Norr), 022, 041, x-raa
  --dry-run         print what would be done, change nothing (root not needed)

Installs packages, builds, installs to /usr/bin and /usr/share/lkp-kiosk, creates the user
lkp-kiosk, writes the config if there is none, checks it, and enables lkp-kiosk.service on tty1.
EOF
}

die() { printf 'provision: error: %s\n' "$*" >&2; exit "${2:-1}"; }
usage_error() { printf 'provision: %s\n\n' "$*" >&2; usage >&2; exit 2; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kiosk_id=""
location=""
dry_run=0

while [ $# -gt 0 ]; do
  case "$1" in
    --kiosk-id) [ $# -ge 2 ] || usage_error "--kiosk-id needs a value"; kiosk_id=$2; shift 2 ;;
    --location) [ $# -ge 2 ] || usage_error "--location needs a value"; location=$2; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage_error "unknown argument: $1" ;;
  esac
done

user=lkp-kiosk
conf_dir=/etc/lkp-kiosk
conf=$conf_dir/kiosk.conf
share=/usr/share/lkp-kiosk
state_dir=/var/lib/lkp-kiosk
bin=/usr/bin/lkp-kiosk
unit=lkp-kiosk.service
build_dir=$repo/build

runtime_packages=(cage xwayland libglfw3 libgl1-mesa-dri fonts-noto-core sqlite3 dbus libpam-systemd)
build_packages=(cmake make g++ pkg-config libimgui-dev libglfw3-dev libgl-dev libstb-dev
  libsqlite3-dev nlohmann-json3-dev libfreetype-dev libfribidi-dev libharfbuzz-dev libespeak-ng-dev
  libcpp-httplib-dev libcurl4-openssl-dev libsodium-dev libpq-dev zlib1g-dev)

step() { printf '\n==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
# Every change goes through run, so --dry-run shows exactly the commands a real run would use.
run() {
  if [ "$dry_run" = 1 ]; then printf '    would run:'; else printf '    $'; fi
  printf ' %q' "$@"
  printf '\n'
  if [ "$dry_run" = 0 ]; then "$@"; fi
}
# systemctl calls that talk to a running manager are skipped in a chroot or image build.
systemd_running() { [ -d /run/systemd/system ]; }

# --- Checks before anything changes, so a typo does not cost a build ---------------------------

if ! [ -f "$repo/CMakeLists.txt" ] || ! [ -d "$repo/app" ] || ! [ -f "$repo/kiosk/kiosk.conf.example" ]; then
  die "$repo does not look like an LKP Kiosk checkout"
fi
if [ "$dry_run" = 0 ] && [ "$(id -u)" -ne 0 ]; then
  die "run as root (sudo $0 ...), or add --dry-run to only see the plan"
fi
if ! grep -qs '^VERSION_ID="12"' /etc/os-release; then
  note "warning: this is not Debian 12; package names and cage's behaviour may differ"
fi

# The same characters the kiosk accepts; checked here also because they go into a sed command.
id_pattern='^[A-Za-z0-9._-]+$'
if [ -n "$kiosk_id" ] && ! [[ $kiosk_id =~ $id_pattern ]]; then
  usage_error "--kiosk-id \"$kiosk_id\" may only contain letters, digits, '-', '_' and '.'"
fi
if [ -n "$location" ]; then
  [[ $location =~ $id_pattern ]] || usage_error "--location \"$location\" is not a district code"
  # check-config does the real check after the build; this one fails fast on a typo.
  grep -Eq "\"code\"[[:space:]]*:[[:space:]]*\"${location//./\\.}\"" "$repo/assets/districts/helsingborg.json" ||
    usage_error "--location \"$location\" is not a district code in assets/districts/helsingborg.json"
fi

first_install=1
[ -e "$conf" ] && first_install=0
if [ "$first_install" = 1 ] && [ -z "$kiosk_id" ]; then
  usage_error "$conf does not exist yet: give --kiosk-id (and --location) for this kiosk"
fi

[ "$dry_run" = 1 ] && printf 'Dry run: nothing is changed.\n'
printf 'Provisioning LKP Kiosk from %s\n' "$repo"

# --- Packages --------------------------------------------------------------------------------

step "Debian packages"
missing=()
for p in "${runtime_packages[@]}" "${build_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  note "all installed"
else
  note "missing: ${missing[*]}"
  run apt-get update
  # Recommends are left out to keep a kiosk small; everything the kiosk needs is listed above.
  run env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

# --- Build -----------------------------------------------------------------------------------

step "Build lkp-kiosk (Release) in $build_dir"
# Build as the checkout's owner, so a root build does not leave files they cannot rebuild over.
as_owner=()
owner=$(stat -c %U "$repo")
if [ "$owner" != root ] && [ "$owner" != UNKNOWN ]; then
  as_owner=(runuser -u "$owner" --)
  note "building as $owner, who owns the checkout"
fi
# Tests and benchmarks need packages a kiosk does not have; only the program is built. Its
# built-in defaults point at the installed data, so the checkout may go once provisioned.
run "${as_owner[@]}" cmake -S "$repo" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release \
  -DLKP_BUILD_TESTS=OFF -DLKP_BUILD_BENCH=OFF \
  -DLKP_ASSET_DIR=/usr/share/lkp-kiosk/assets -DLKP_LOCALE_DIR=/usr/share/lkp-kiosk/locales
run "${as_owner[@]}" cmake --build "$build_dir" -j2 --target lkp-kiosk

# --- Install the program and its data --------------------------------------------------------

step "Install $bin and $share"
# Copy then rename: a running kiosk keeps its old binary and never sees a half-written one.
run install -m 0755 "$build_dir/bin/lkp-kiosk" "$bin.new"
run mv -f "$bin.new" "$bin"
run install -d -m 0755 "$share"
for d in assets locales; do
  # Replaced whole, so a file removed from the repository does not linger on the kiosk.
  run rm -rf "$share/$d.new"
  run cp -R "$repo/$d" "$share/$d.new"
  run chmod -R u=rwX,go=rX "$share/$d.new"
  run rm -rf "$share/$d"
  run mv "$share/$d.new" "$share/$d"
done
run install -m 0644 "$repo/kiosk/README.md" "$share/README.md"

# --- User ------------------------------------------------------------------------------------

step "System user $user"
if getent passwd "$user" >/dev/null; then
  note "exists"
else
  # No password, no shell: it only ever logs in through lkp-kiosk.service.
  run useradd --system --user-group --home-dir "$state_dir" --no-create-home \
    --shell /usr/sbin/nologin --comment "LKP Kiosk" "$user"
fi
# logind hands devices to the session anyway; the groups keep working without it (e.g. seatd).
for g in video input render; do
  if ! getent group "$g" >/dev/null; then
    note "no group $g on this system: skipped"
  elif id -nG "$user" 2>/dev/null | tr ' ' '\n' | grep -qx "$g"; then
    note "already in $g"
  else
    run usermod -a -G "$g" "$user"
  fi
done

# --- Config ----------------------------------------------------------------------------------

# Checked as the kiosk user: a file it cannot read fails here, not on the screen at 3 a.m.
check_config() {  # FILE WHAT-TO-FIX
  local check=(runuser -u "$user" -- "$bin" check-config --config "$1")
  if [ "$dry_run" = 1 ]; then
    run "${check[@]}"
  elif ! (cd / && "${check[@]}"); then
    die "the kiosk config is not valid (see the file and line above). Fix $2, then run $0 again."
  fi
}

step "Config $conf"
run install -d -m 0755 "$conf_dir"
if [ "$first_install" = 0 ]; then
  note "exists: kept as it is (provision.sh never overwrites it)"
  if [ -n "$kiosk_id" ] || [ -n "$location" ]; then
    note "warning: --kiosk-id/--location are ignored; edit $conf to change them"
  fi
  check_config "$conf" "$conf"
else
  sed_args=(-e "s/^kiosk_id = .*/kiosk_id = $kiosk_id/")
  if [ -n "$location" ]; then
    sed_args+=(-e "s/^#[[:space:]]*location = .*/location = $location/")
  else
    note "warning: no --location: answers will carry no kiosk location until $conf sets one"
  fi
  if [ "$dry_run" = 1 ]; then
    note "would write it from kiosk/kiosk.conf.example, with:"
    sed "${sed_args[@]}" "$repo/kiosk/kiosk.conf.example" | grep -E '^(kiosk_id|location|data_dir) =' | sed 's/^/      /'
    check_config "$conf" "$conf"
  else
    # Filled in and checked beside the target first, so a rejected file never becomes kiosk.conf
    # (which later runs would then keep).
    tmp=$(mktemp "$conf_dir/.kiosk.conf.XXXXXX")
    trap 'rm -f "$tmp"' EXIT
    sed "${sed_args[@]}" "$repo/kiosk/kiosk.conf.example" >"$tmp"
    chmod 0644 "$tmp"
    grep -qx "kiosk_id = $kiosk_id" "$tmp" || die "kiosk.conf.example has no 'kiosk_id = ...' line to fill in"
    if [ -n "$location" ]; then
      grep -qx "location = $location" "$tmp" || die "kiosk.conf.example has no '# location = ...' line to fill in"
    fi
    check_config "$tmp" "--location, or kiosk/kiosk.conf.example, or the installed data"
    mv "$tmp" "$conf"
    note "written for kiosk $kiosk_id${location:+ at $location}"
  fi
fi

# --- Service ---------------------------------------------------------------------------------

step "Service $unit on tty1"
run install -m 0644 "$repo/kiosk/$unit" "/etc/systemd/system/$unit"
if systemd_running; then
  run systemctl daemon-reload
else
  note "systemd is not running here (chroot or image): daemon-reload skipped"
fi
run systemctl enable "$unit"
# The kiosk owns tty1; a getty started there at boot would fight it for the VT.
run systemctl disable getty@tty1.service
if [ "$(systemctl get-default 2>/dev/null || true)" != graphical.target ]; then
  run systemctl set-default graphical.target
fi
if systemctl is-enabled display-manager.service >/dev/null 2>&1; then
  note "warning: a display manager is enabled; it will compete with the kiosk for the screen:"
  note "         systemctl disable display-manager.service"
fi
# Picks up a new binary or unit on a re-run; does nothing if the kiosk is not running.
if systemd_running; then
  run systemctl try-restart "$unit"
fi

step "Done"
if [ "$dry_run" = 1 ]; then
  note "dry run: nothing was changed"
else
  note "start the kiosk now with 'systemctl start $unit', or reboot"
  note "status: lkp-kiosk status --data-dir $state_dir    logs: journalctl -u $unit"
fi
