#!/usr/bin/env bash
# Makes the lkp-kiosk and lkp-store .deb files from a build folder the way the README says
# (cpack -G DEB; the tests' own build, so what is tested is what is packaged) and checks them: their files against the source tree, conffiles, Depends, the
# maintainer scripts, lintian, and systemd-analyze verify on the units as installed.
# With --install it also makes a clean Debian 12 root (make_root.sh, while the build runs), installs
# both there with apt-get as an admin would (maintainer scripts and all) and runs what was installed
# (install_in_root.sh). That needs root and the Debian archive.
# Usage: check_debs.sh SOURCE_DIR BUILD_DIR WORK_DIR [--install]   (BUILD_DIR: lkp-kiosk and lkp-store built)
# Exits non-zero on any problem, with one FAIL line for each.
set -euo pipefail

usage() { printf 'usage: %s SOURCE_DIR BUILD_DIR WORK_DIR [--install]\n' "$0" >&2; exit 2; }
if [ $# -lt 3 ] || [ $# -gt 4 ]; then usage; fi
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
work=$3
install=0
if [ $# -eq 4 ]; then
  [ "$4" = --install ] || usage
  install=1
  # CI runs as root; a developer's run without it still checks the packages themselves.
  if [ "$(id -u)" -ne 0 ]; then
    printf 'skip: installing into a Debian 12 root needs root (chroot, mount); not done\n'
    install=0
  fi
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$work"
work=$(cd "$work" && pwd)
root=$work/root
root_pid=""
trap 'if [ -n "$root_pid" ]; then kill "$root_pid" 2>/dev/null || true; fi' EXIT

failed=0
fail() { printf 'FAIL: %s\n' "$*"; failed=$((failed + 1)); }
pass() { printf 'ok:   %s\n' "$*"; }
step() { printf '\n== %s (%ss)\n' "$*" "$SECONDS"; }

need() {  # COMMAND PACKAGE
  command -v "$1" >/dev/null && return
  printf 'Installing %s (for %s)\n' "$2" "$1"
  local sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "$2" >/dev/null
}
need lintian lintian
need dpkg-shlibdeps dpkg-dev
need fakeroot fakeroot
need systemd-analyze systemd
if [ "$install" = 1 ]; then need mmdebstrap mmdebstrap; fi
# Only now, with every apt-get above done: two at once fail on apt's lock.
if [ "$install" = 1 ]; then
  # Mostly waiting for the archive: done beside the packaging and its checks.
  bash "$here/make_root.sh" "$root" >"$work/make_root.log" 2>&1 &
  root_pid=$!
fi

# --- 1. Package, as the README says --------------------------------------------------------------
step "cpack -G DEB of $build"
out=$work/debs
rm -rf "$out"
mkdir -p "$out"
(cd "$build" && cpack -G DEB -B "$out") >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; exit 1; }
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
arch=$(dpkg --print-architecture)
kiosk_deb=$out/lkp-kiosk_${version}_${arch}.deb
store_deb=$out/lkp-store_${version}_${arch}.deb
for deb in "$kiosk_deb" "$store_deb"; do
  [ -f "$deb" ] || { fail "cpack made no $(basename "$deb"): $(ls "$out"/*.deb 2>/dev/null)"; exit 1; }
done
pass "cpack -G DEB made $(basename "$kiosk_deb") and $(basename "$store_deb")"

# --- 2. What is in them -------------------------------------------------------------------------
step "contents and control fields"
contents() { dpkg-deb --contents "$1" | awk '{print $6}' | sed 's#^\./#/#; s#/$##'; }
field() { dpkg-deb -f "$1" "$2"; }

# Every file of the city's data must be in the package that needs it, computed from the tree:
# a survey, district list or translation added to the repository and forgotten here fails.
expect_files() {  # DEB LIST-FILE
  local deb=$1 list=$2 missing
  missing=$(comm -23 <(sort -u "$list") <(contents "$deb" | sort -u))
  if [ -n "$missing" ]; then
    fail "$(basename "$deb") lacks: $(tr '\n' ' ' <<<"$missing")"
  else
    pass "$(basename "$deb") has all $(wc -l <"$list") expected files"
  fi
}
(
  cd "$src"
  printf '%s\n' /usr/bin/lkp-kiosk /lib/systemd/system/lkp-kiosk.service /etc/lkp-kiosk/kiosk.conf \
    /usr/share/doc/lkp-kiosk/README.md /usr/share/doc/lkp-kiosk/copyright /usr/share/doc/lkp-kiosk/changelog.gz
  find assets/surveys assets/districts -type f | sed 's#^#/usr/share/lkp-kiosk/#'
  find locales -maxdepth 1 -type f | sed 's#^#/usr/share/lkp-kiosk/#'
) >"$work/kiosk.expected"
(
  cd "$src"
  printf '%s\n' /usr/bin/lkp-store /lib/systemd/system/lkp-store.service /etc/lkp-store/lkp-store.conf \
    /usr/share/doc/lkp-store/README.md /usr/share/doc/lkp-store/copyright /usr/share/doc/lkp-store/changelog.gz
  find assets/surveys assets/districts assets/web locales -type f | sed 's#^#/usr/share/lkp-store/#'
) >"$work/store.expected"
expect_files "$kiosk_deb" "$work/kiosk.expected"
expect_files "$store_deb" "$work/store.expected"

# Nothing outside Debian's places, nothing of a build folder.
for deb in "$kiosk_deb" "$store_deb"; do
  stray=$(contents "$deb" | grep -Ev '^(/|/usr|/usr/bin(/lkp-(kiosk|store))?|/usr/share|/usr/share/(lkp-(kiosk|store)|doc/lkp-(kiosk|store)|lintian/overrides)(/.*)?|/usr/share/doc|/usr/share/lintian|/lib|/lib/systemd|/lib/systemd/system(/lkp-(kiosk|store)\.service)?|/etc|/etc/lkp-(kiosk|store)(/[a-z.-]+)?)$' || true)
  if [ -z "$stray" ]; then pass "$(basename "$deb"): no stray files"; else fail "$(basename "$deb") has unexpected files: $(tr '\n' ' ' <<<"$stray")"; fi
  own=$(dpkg-deb --contents "$deb" | awk '$2 != "root/root" {print $6}')
  if [ -z "$own" ]; then pass "$(basename "$deb"): every file owned by root"; else fail "$(basename "$deb"): not owned by root: $own"; fi
done

check_field() {  # DEB FIELD EXTENDED-REGEX WHAT
  local value
  value=$(field "$1" "$2")
  if grep -Eq -- "$3" <<<"$value"; then pass "$(basename "$1") $2: $4"; else fail "$(basename "$1") $2 lacks $4: '$value'"; fi
}
check_field "$kiosk_deb" Package '^lkp-kiosk$' "the name"
check_field "$store_deb" Package '^lkp-store$' "the name"
for deb in "$kiosk_deb" "$store_deb"; do
  check_field "$deb" Version "^${version//./\\.}\$" "the project version $version"
  check_field "$deb" Maintainer '^[^<]+ <[^@>]+@[^>]+>$' "a name and an address"
  # dpkg-shlibdeps' part: libc, libstdc++ and SQLite are linked by both.
  for lib in libc6 libstdc\\+\\+6 libsqlite3-0; do check_field "$deb" Depends "(^|, )$lib( |,|$)" "$lib"; done
  check_field "$deb" Depends "(^|, )adduser(,|$)" "adduser (postinst)"
  check_field "$deb" Description '.' "a description"
done
for dep in libglfw3 libfreetype6 libfribidi0 libharfbuzz0b libespeak-ng1 libcurl4 libsodium23 libsystemd0 \
  cage xwayland fonts-noto-core libgl1-mesa-dri libpam-systemd; do
  check_field "$kiosk_deb" Depends "(^|, )$dep( |,|$)" "$dep"
done
for dep in libmicrohttpd12 libpq5 libsodium23 zlib1g; do
  check_field "$store_deb" Depends "(^|, )$dep( |,|$)" "$dep"
done
# The store is a server: no display stack.
if field "$store_deb" Depends | grep -Eq '(cage|xwayland|libglfw3|libgl1)'; then
  fail "lkp-store depends on a display stack: $(field "$store_deb" Depends)"
fi

for pkg in kiosk store; do
  deb_var=${pkg}_deb
  deb=${!deb_var}
  conf=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles 2>/dev/null || true)
  want=/etc/lkp-kiosk/kiosk.conf
  [ "$pkg" = store ] && want=/etc/lkp-store/lkp-store.conf
  if [ "$conf" = "$want" ]; then pass "$(basename "$deb") conffiles: $want"; else fail "$(basename "$deb") conffiles is '$conf', not $want"; fi
  for script in postinst prerm postrm; do
    mode=$(dpkg-deb --ctrl-tarfile "$deb" | tar -tvf - "./$script" 2>/dev/null | awk '{print $1}')
    if [ "$mode" = -rwxr-xr-x ]; then pass "$(basename "$deb") $script is 0755"; else fail "$(basename "$deb") $script: mode '$mode'"; fi
  done
done

# The programs look for their data where the packages put it, not in the build's source tree.
# (The install below runs them there; these checks also run without root.)
mkdir -p "$work/x"
rm -rf "$work/x/kiosk" "$work/x/store"
dpkg-deb -x "$kiosk_deb" "$work/x/kiosk"
dpkg-deb -x "$store_deb" "$work/x/store"
help=$("$work/x/store/usr/bin/lkp-store" serve --help 2>&1 || true)
beside=$work/x/store/usr/share/lkp-store
for want in "--surveys DIR=$beside/assets/surveys" "--locales DIR=$beside/locales" \
  "--web-assets DIR=$beside/assets/web" "--districts FILE=$beside/assets/districts/"; do
  if grep -qF -- "$want" <<<"$help"; then pass "lkp-store serve $want"; else fail "lkp-store serve --help lacks '$want'"; fi
done
# Without --config the kiosk checks its built-in files: those beside the program, here the
# unpacked package's, never the source tree's.
rc=0
out_check=$(cd / && "$work/x/kiosk/usr/bin/lkp-kiosk" check-config 2>&1) || rc=$?
if [ "$rc" -eq 0 ] && grep -qF "$work/x/kiosk/usr/share/lkp-kiosk/assets/" <<<"$out_check"; then
  pass "lkp-kiosk finds its data beside itself: $work/x/kiosk/usr/share/lkp-kiosk"
else
  fail "lkp-kiosk check-config without --config (exit $rc) does not use the package's own data: $out_check"
fi

# --- 3. lintian ---------------------------------------------------------------------------------
step "lintian"
# Errors, warnings and unused overrides fail; each tag that must stay is overridden in
# packaging/PACKAGE/lintian-overrides with its reason. Other informational tags are shown, not counted.
for deb in "$kiosk_deb" "$store_deb"; do
  rc=0
  lintian --fail-on error,warning --display-info "$deb" >"$work/lintian.raw" 2>&1 || rc=$?
  # lintian's remark that it runs as root is no finding.
  grep -v 'running with root privileges is not recommended' "$work/lintian.raw" >"$work/lintian.log" || true
  # An override whose tag went away must go too, or it would hide the tag's return.
  if grep -q 'unused-override' "$work/lintian.log"; then rc=1; fi
  if [ "$rc" -eq 0 ]; then
    pass "lintian $(basename "$deb")$( [ -s "$work/lintian.log" ] && printf ' (notes: %s)' "$(tr '\n' ';' <"$work/lintian.log")")"
  else
    fail "lintian $(basename "$deb"):"
    sed 's/^/      /' "$work/lintian.log"
  fi
done

# --- 4. The units, as installed ------------------------------------------------------------------
step "systemd-analyze verify"
# The unit files as packaged, on this machine: any message fails, except that the programs and
# the users are not installed here (install_in_root.sh verifies them again where they are).
tolerated='(Command /usr/bin/(cage|lkp-kiosk|lkp-store) is not executable: No such file or directory)|([Uu]ser.*lkp-(kiosk|store).*(not found|does not exist))'
for pkg in kiosk store; do
  unit=$work/x/$pkg/lib/systemd/system/lkp-$pkg.service
  rc=0
  systemd-analyze verify --man=no "$unit" >"$work/verify.log" 2>&1 || rc=$?
  unexpected=$(grep -Ev "$tolerated" "$work/verify.log" || true)
  if [ -n "$unexpected" ] || { [ "$rc" -ne 0 ] && ! [ -s "$work/verify.log" ]; }; then
    fail "systemd-analyze verify lkp-$pkg.service (exit $rc):"
    printf '%s\n' "$unexpected" | sed 's/^/      /'
  else
    pass "systemd-analyze verify lkp-$pkg.service"
  fi
done

# The hardening must not quietly shrink: systemd's exposure score (0 best, 10 worst) of each unit
# stays at most where it is now plus a little (store 1.5, kiosk 2.3 in November 2026).
for limit in kiosk:25 store:20; do
  pkg=${limit%%:*}
  unit=$work/x/$pkg/lib/systemd/system/lkp-$pkg.service
  if systemd-analyze security --offline=yes --no-pager --threshold="${limit#*:}" "$unit" >"$work/security.log" 2>&1; then
    pass "lkp-$pkg.service: $(grep -o 'Overall exposure level.*' "$work/security.log")"
  else
    fail "lkp-$pkg.service is less hardened than before (threshold ${limit#*:}/100): $(grep -o 'Overall exposure level.*' "$work/security.log")"
  fi
done

# --- 5. A real install into a Debian 12 root ----------------------------------------------------
if [ "$install" = 1 ]; then
  step "a clean Debian 12 root"
  rc=0
  wait "$root_pid" || rc=$?
  root_pid=""
  if [ "$rc" -ne 0 ]; then
    fail "make_root.sh $root failed ($rc):"
    tail -20 "$work/make_root.log" | sed 's/^/      /'
  else
    bash "$here/install_in_root.sh" "$root" "$kiosk_deb" "$store_deb" "$src" || failed=$((failed + 1))
  fi
fi

printf '\n'
if [ "$failed" -ne 0 ]; then
  printf '%d packaging check(s) failed (%ss)\n' "$failed" "$SECONDS"
  exit 1
fi
printf 'all packaging checks passed (%ss)\n' "$SECONDS"
