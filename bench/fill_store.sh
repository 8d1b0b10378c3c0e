# shellcheck shell=bash
# shellcheck disable=SC2154  # $repo and $store_bin are set by the script that sources this one
# fill_store DB COUNT: a store with the schema lkp-store makes (`kiosk add` k01..k40) and COUNT
# answers of the built-in survey in the codec's column formats, as bench/indicators.sh describes
# at its top. Sourced by bench/indicators.sh and bench/web_pages.sh; needs $repo and $store_bin.
fill_store() {
  local db=$1 count=$2 districts=$repo/assets/districts/helsingborg.json
  for i in $(seq -f "%02g" 1 40); do "$store_bin" kiosk add "k$i" --db "$db" >/dev/null; done
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
t AS (SELECT i, i % 40 AS k, i / 40 + 1 AS seq,
        julianday('2024-06-01') + floor(i * 912.0 / $count) + (i * 912.0 / $count - floor(i * 912.0 / $count)) * 0.5
          + 7.0 / 24 AS jd
      FROM n)
SELECT printf('k%02d', k + 1),
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
       printf('k%02d', k + 1)
FROM t;
COMMIT;
SQL
}

