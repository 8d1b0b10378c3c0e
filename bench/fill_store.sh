# Shared by bench/indicators.sh and bench/fleet.sh: fill_store, a SQLite store of many answers made
# fast. Needs $repo and $store_bin.
# shellcheck shell=bash disable=SC2154  # repo and store_bin are the sourcing script's
#
# The fill: the schema comes from lkp-store (`kiosk add`, 40 kiosks k01..k40 unless told otherwise,
# k001..k200 for 200), the rows from one INSERT ... SELECT over a recursive CTE in the sqlite3 CLI,
# spread evenly over the kiosks, in the codec's column formats exactly
# as a real batch stores them (lib/record/response_codec.cpp; compared with a row from
# `lkp-kiosk sync`): answers as compact JSON in survey order with null for a declined question,
# times as 2026-11-22T10:15:00.000Z, flags as a JSON array, random UUID v4 ids. The answers are
# spread evenly over 912 days up to 2026-11-29, 07:00-19:00 UTC; each answer is drawn uniformly
# (trygghet 1-6, delaktighet 1-10, livskvalitet 0-10, 2-5 % declined), district uniformly from
# the 41 in assets/districts/helsingborg.json, 'outside' or none, gender 47.5 % K, 47.5 % M, 5 % X,
# 5 % declined, 1 % flagged "test". content_hash is random hex of the real length (SHA-256): it is
# only compared when a kiosk sends the same id again, which never happens here.
# `PRAGMA synchronous=OFF` holds for the fill's own connection only; serve sets its own.

# fill_store DB COUNT [KIOSKS=40]: a store with the schema lkp-store makes and COUNT answers from
# KIOSKS kiosks (see the top).
fill_store() {
  local db=$1 count=$2 kiosks=${3:-40} districts=$repo/assets/districts/helsingborg.json
  local width=$((kiosks < 100 ? 2 : 3))
  for i in $(seq -f "%0${width}g" 1 "$kiosks"); do "$store_bin" kiosk add "k$i" --db "$db" >/dev/null; done
  sqlite3 "$db" <<SQL
PRAGMA synchronous=OFF;
PRAGMA cache_size=-2000000;
-- JSON arrays to draw from: the district codes; the district answer (a code, 'outside', or none);
-- languages, Swedish most often; age bands, index 12 (past the end) reads as declined.
CREATE TEMP TABLE pick AS SELECT
  (SELECT json_group_array(value ->> 'code') FROM json_each(readfile('$districts'), '\$.districts')) AS codes,
  (SELECT json_insert(json_group_array(value ->> 'code'), '\$[#]', 'outside', '\$[#]', NULL, '\$[#]', NULL)
     FROM json_each(readfile('$districts'), '\$.districts')) AS answered,
  json('["sv","sv","sv","sv","sv","sv","sv","sv","sv","sv","sv","sv","sv","sv","sv","sv","sv-easy",
         "en","en","ar","ar","fa","so","ti","tr","uk","pl","bs","fi","da","yi"]') AS langs,
  json('["0-15","16-29","16-29","30-44","30-44","30-44","45-64","45-64","45-64","65-79","65-79","80+"]') AS ages;
BEGIN;
-- Every random() is used exactly once: SQLite may copy a CTE's expression into each place it is used.
INSERT INTO responses (kiosk, id, seq, survey_id, survey_version, location, language, district, answers,
                       started_at, submitted_at, flags, content_hash, received_at, kiosk_id)
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $count - 1),
t AS (SELECT i, i % $kiosks AS k, i / $kiosks + 1 AS seq,
        julianday('2024-06-01') + floor(i * 912.0 / $count) + (i * 912.0 / $count - floor(i * 912.0 / $count)) * 0.5
          + 7.0 / 24 AS jd
      FROM n)
SELECT printf('k%0${width}d', k + 1),
       lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) ||
         '-' || substr('89ab', 1 + abs(random()) % 4, 1) || substr(lower(hex(randomblob(2))), 2) || '-' ||
         lower(hex(randomblob(6))),
       seq, 'helsingborg-lkp', 1,
       json_extract((SELECT codes FROM pick), '\$[' || (k % 41) || ']'),
       json_extract((SELECT langs FROM pick), '\$[' || (abs(random()) % 31) || ']'),
       json_extract((SELECT answered FROM pick), '\$[' || (abs(random()) % 44) || ']'),
       '{"trygghet":' || CASE abs(random()) % 50 WHEN 0 THEN 'null' ELSE 1 + abs(random()) % 6 END ||
         ',"delaktighet":' || CASE abs(random()) % 20 WHEN 0 THEN 'null' ELSE 1 + abs(random()) % 10 END ||
         ',"livskvalitet":' || CASE abs(random()) % 40 WHEN 0 THEN 'null' ELSE abs(random()) % 11 END ||
         ',"age_band":' ||
           coalesce('"' || json_extract((SELECT ages FROM pick), '\$[' || (abs(random()) % 13) || ']') || '"', 'null') ||
         ',"gender":' || CASE abs(random()) % 20 WHEN 0 THEN 'null' WHEN 1 THEN '"X"'
           ELSE CASE abs(random()) % 2 WHEN 0 THEN '"K"' ELSE '"M"' END END || '}',
       strftime('%Y-%m-%dT%H:%M:%fZ', jd - (20 + abs(random()) % 100) / 86400.0),
       strftime('%Y-%m-%dT%H:%M:%fZ', jd),
       CASE abs(random()) % 100 WHEN 0 THEN '["test"]' ELSE '[]' END,
       lower(hex(randomblob(32))),
       strftime('%Y-%m-%dT%H:%M:%fZ', jd + (1 + abs(random()) % 600) / 86400.0),
       printf('k%0${width}d', k + 1)
FROM t;
COMMIT;
SQL
}
