#!/usr/bin/env bash
# Puts LKP Kiosk on a Debian 12 kiosk PC: installs the lkp-kiosk package (built here from this
# checkout with cmake and cpack, or the .deb given with --deb) with apt-get, writes the config and
# enables the unit. Run as root. Safe to run again (after a git pull, to update; or to repair):
# every step checks first, and an existing /etc/lkp-kiosk/kiosk.conf is never overwritten.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: kiosk/provision.sh [--kiosk-id ID] [--location CODE] [--deb FILE] [--dry-run]

  --kiosk-id ID     kiosk_id for a new /etc/lkp-kiosk/kiosk.conf (needed on the first install)
  --location CODE   district code where the kiosk stands, e.g. 001 (Norr), 022, 041, x-raa
  --deb FILE        install this lkp-kiosk .deb instead of building one from the checkout
  --dry-run         print what would be done, change nothing (root not needed)

Builds the lkp-kiosk package (cmake, cpack) unless --deb is given, installs it with apt-get
(the program, its data in /usr/share/lkp-kiosk, the unit, the user lkp-kiosk), writes the config
if there is none, checks it, and enables lkp-kiosk.service on tty1.
EOF
}

die() { printf 'provision: error: %s\n' "$*" >&2; exit "${2:-1}"; }
usage_error() { printf 'provision: %s\n\n' "$*" >&2; usage >&2; exit 2; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kiosk_id=""
location=""
deb=""
dry_run=0

while [ $# -gt 0 ]; do
  case "$1" in
    --kiosk-id) [ $# -ge 2 ] || usage_error "--kiosk-id needs a value"; kiosk_id=$2; shift 2 ;;
    --location) [ $# -ge 2 ] || usage_error "--location needs a value"; location=$2; shift 2 ;;
    --deb) [ $# -ge 2 ] || usage_error "--deb needs a value"; deb=$2; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage_error "unknown argument: $1" ;;
  esac
done

user=lkp-kiosk
conf_dir=/etc/lkp-kiosk
conf=$conf_dir/kiosk.conf
state_dir=/var/lib/lkp-kiosk
bin=/usr/bin/lkp-kiosk
unit=lkp-kiosk.service
# Its own folder: only the programs, without the tests' and benchmarks' build dependencies.
build_dir=$repo/build-deb

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

if [ -n "$deb" ]; then
  [ -f "$deb" ] || usage_error "--deb $deb: no such file"
  deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")
  deb_package=$(dpkg-deb --field "$deb" Package 2>/dev/null) || usage_error "--deb $deb is not a .deb file"
  [ "$deb_package" = lkp-kiosk ] || usage_error "--deb $deb is the package '$deb_package', not lkp-kiosk"
fi

# The package installs the example config as kiosk.conf; still holding the example's kiosk_id,
# it is not this kiosk's yet and is filled in like a missing one.
example_id=$(sed -n 's/^kiosk_id = //p' "$repo/kiosk/kiosk.conf.example")
first_install=1
if [ -e "$conf" ] && ! grep -qx "kiosk_id = $example_id" "$conf"; then first_install=0; fi
if [ "$first_install" = 1 ] && [ -z "$kiosk_id" ]; then
  usage_error "$conf is not this kiosk's yet: give --kiosk-id (and --location) for this kiosk"
fi

[ "$dry_run" = 1 ] && printf 'Dry run: nothing is changed.\n'
printf 'Provisioning LKP Kiosk from %s\n' "$repo"

# --- The package -----------------------------------------------------------------------------

if [ -z "$deb" ]; then
  step "Build the lkp-kiosk package in $build_dir"
  # What the build needs; what the kiosk needs to run comes with the package's Depends below.
  run "$repo/scripts/install-deps.sh" run
  if ! dpkg-query -W -f='${Status}' dpkg-dev 2>/dev/null | grep -q "install ok installed"; then
    # dpkg-shlibdeps, which cpack runs for the package's Depends.
    run env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends dpkg-dev
  fi
  # Build as the checkout's owner, so a root build does not leave files they cannot rebuild over.
  as_owner=()
  owner=$(stat -c %U "$repo")
  if [ "$owner" != root ] && [ "$owner" != UNKNOWN ]; then
    as_owner=(runuser -u "$owner" --)
    note "building as $owner, who owns the checkout"
  fi
  # Tests and benchmarks need packages a kiosk does not have: only the programs are built (cpack
  # packages lkp-store too; it is not installed here).
  run "${as_owner[@]}" cmake -S "$repo" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DLKP_BUILD_TESTS=OFF -DLKP_BUILD_BENCH=OFF
  run "${as_owner[@]}" cmake --build "$build_dir" -j2 --target lkp-kiosk lkp-store
  run "${as_owner[@]}" cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B "$build_dir"
  version=$(sed -n 's/^project(lkp_kiosk VERSION \([0-9.]*\).*/\1/p' "$repo/CMakeLists.txt")
  deb=$build_dir/lkp-kiosk_${version}_$(dpkg --print-architecture).deb
fi

step "Install $deb"
# apt-get resolves the Depends (cage, Xwayland, Mesa, the Noto fonts, the libraries) from the
# archive; the package's postinst makes the user lkp-kiosk. Recommends are left out to keep a
# kiosk small. A newer package replaces the program in place; a running kiosk is restarted on it.
run apt-get update
# A kiosk.conf edited here is kept when a new package brings a changed example (no question asked).
# --reinstall: a rebuild after a git pull often keeps the version number, and apt-get would
# otherwise call the installed package the newest and leave the old program in place.
run env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends --reinstall \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$deb"

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
# The package installs the unit in /lib/systemd/system but enables nothing: a build machine that
# installs it must not lose its tty1. Here it is wanted.
if [ -e "/etc/systemd/system/$unit" ]; then
  # Left by provision.sh before the package existed; it would hide the package's unit.
  run rm -f "/etc/systemd/system/$unit"
  if systemd_running; then run systemctl daemon-reload; fi
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
step "Done"
if [ "$dry_run" = 1 ]; then
  note "dry run: nothing was changed"
else
  note "start the kiosk now with 'systemctl start $unit', or reboot"
  note "status: lkp-kiosk status --data-dir $state_dir    logs: journalctl -u $unit"
fi
