#pragma once
// Takes a current store's database back to an older schema, one step per schema, for the tests of
// the migrations forward: each step undoes what one schema added, as the release before it had it.
#include <functional>
#include <string>

namespace lkp::test {

// Back to schema `version` (8, 7, 6, 5 or 3: schema 4's step goes back to 3) from the current 9.
// `execute` runs one statement on the store's database (SQLite or PostgreSQL).
inline void roll_back_schema(int version, const std::function<void(const std::string&)>& execute) {
    auto set_version = [&](int v) {
        execute("UPDATE meta SET value = '" + std::to_string(v) + "' WHERE key = 'schema_version'");
    };
    // 9: the heartbeat counts moved-aside databases.
    execute("ALTER TABLE heartbeats DROP COLUMN quarantined_databases");
    set_version(8);
    if (version >= 8) return;
    // 8: the clocks of issue 14.
    for (const char* column : {"kiosk_sent_at", "clock_flag"})
        execute(std::string("ALTER TABLE responses DROP COLUMN ") + column);
    for (const char* column : {"batch_received_at", "batch_sent_at"})
        execute(std::string("ALTER TABLE kiosks DROP COLUMN ") + column);
    set_version(7);
    if (version >= 7) return;
    // 7: the staff login.
    for (const char* table : {"staff", "staff_sessions", "login_failures"}) execute(std::string("DROP TABLE ") + table);
    set_version(6);
    if (version >= 6) return;
    // 6: fleet health (schema 5 is main at b3bb54e).
    execute("DROP TABLE kiosk_days");
    for (const char* column : {"heartbeat_version", "sessions_started", "sessions_completed", "sessions_abandoned",
                               "abandoned_at", "rejected_reasons"})
        execute(std::string("ALTER TABLE heartbeats DROP COLUMN ") + column);
    set_version(5);
    if (version >= 5) return;
    // 4: the indicators (schema 3 is 7984d33).
    execute("DROP INDEX responses_by_time");
    execute("CREATE INDEX responses_by_district ON responses (survey_id, district, submitted_at)");
    for (const char* table : {"indicator_days", "operators", "audit", "reference_series", "reference_values"})
        execute(std::string("DROP TABLE ") + table);
    execute("DELETE FROM meta WHERE key = 'indicator_definitions'");
    set_version(3);
}

}  // namespace lkp::test
