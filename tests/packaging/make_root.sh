#!/usr/bin/env bash
# Makes a clean Debian 12 root (essential packages and apt, from the Debian archive) for
# install_in_root.sh: what a freshly installed server or kiosk PC has before our packages.
# The suites match a kept-up-to-date Debian 12, whose library versions the packages' Depends
# (from dpkg-shlibdeps on this machine) may ask for. Usage: make_root.sh ROOT   (as root)
set -euo pipefail

[ $# -eq 1 ] || { printf 'usage: %s ROOT\n' "$0" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { printf 'make_root: needs root\n' >&2; exit 2; }
command -v mmdebstrap >/dev/null || {
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null
}
# A root with something still mounted in it (install_in_root.sh mounts /proc and /dev, in a mount
# namespace that ends with it) must not be deleted: rm would go into the host's /dev.
for m in proc dev sys; do
  if mountpoint -q "$1/$m" 2>/dev/null; then
    printf 'make_root: %s is still mounted: not deleting %s\n' "$1/$m" "$1" >&2
    exit 1
  fi
done
rm -rf "$1"
mmdebstrap --quiet --mode=root --variant=apt bookworm "$1" \
  "deb http://deb.debian.org/debian bookworm main" \
  "deb http://deb.debian.org/debian bookworm-updates main" \
  "deb http://deb.debian.org/debian-security bookworm-security main"
