#!/usr/bin/env bash
# Every include goes down or sideways, never up: each folder names the folders it may include.
# Also the ownership rule: only app/kiosk_db runs SQL on the kiosk's file, so only it and the
# store's own SQLite backend may include the SQLite layer.
# Usage: check_layers.sh SOURCE_DIR      Exit 1 and one line per offending include.
set -euo pipefail
cd "$1"

# folder: the include prefixes it may use (besides files of its own folder)
declare -A allowed=(
  [lib/record]="record/"
  [lib/sqlite]="sqlite/"
  [lib/indicators]="indicators/"
  [lib/tables]="tables/"
  [app/core]="core/ record/"
  [app/i18n]="i18n/"
  [app/speech]="speech/"
  [app/kiosk_db]="kiosk_db/ record/ sqlite/"
  [app/export]="export/ core/ record/ kiosk_db/ tables/ indicators/"
  [app/staff]="staff/ core/"
  [app/platform]="platform/ i18n/ core/"
  [app/ui]="ui/ platform/ i18n/ core/ record/ staff/"
  [app/shell]="shell/ core/ record/ kiosk_db/ client/ staff/ export/ indicators/"
  [sync/protocol]="protocol/ core/ record/"
  [sync/client]="client/ protocol/ kiosk_db/ core/ record/"
  [sync/server]="server/ protocol/ core/ record/ sqlite/ indicators/ tables/ web/ staff/"
  [sync/server/web]="web/ server/ staff/ protocol/ core/ record/ indicators/ tables/"
  [sync/server/staff]="staff/ server/ protocol/ record/"
)

bad=0
for folder in "${!allowed[@]}"; do
  [ -d "$folder" ] || continue
  for file in "$folder"/*.h "$folder"/*.cpp; do
    [ -f "$file" ] || continue
    while IFS= read -r inc; do
      [ -f "$folder/$inc" ] && continue   # a file of its own folder
      ok=0
      for prefix in ${allowed[$folder]}; do
        [[ "$inc" == "$prefix"* ]] && ok=1
      done
      if [ $ok = 0 ]; then
        echo "$file includes \"$inc\": $folder may include only ${allowed[$folder]}"
        bad=1
      fi
    done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$file")
    if grep -q '^#include <sqlite3.h>' "$file" && [ "$folder" != lib/sqlite ]; then
      echo "$file includes <sqlite3.h>: only lib/sqlite talks to SQLite's C API"
      bad=1
    fi
  done
done
# Folders that hold code but have no rule yet: a new folder must say where it sits.
for folder in lib/* app/* sync/*; do
  [ -d "$folder" ] && ls "$folder"/*.cpp "$folder"/*.h >/dev/null 2>&1 || continue
  [ -n "${allowed[$folder]+x}" ] || { echo "$folder has code but no layer rule in tests/check_layers.sh"; bad=1; }
done
[ $bad = 0 ] && echo "layers ok: no include goes up, only app/kiosk_db and lkp-store's backend use the SQLite layer"
exit $bad
