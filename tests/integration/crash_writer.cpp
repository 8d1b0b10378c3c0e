// Child process for the crash and power-loss tests: stores responses in a loop and prints each id
// only after its commit has returned, so the parent knows exactly what the store promised to keep.
//
// `--synchronous off|normal` (tests only) weakens the kiosk's connection after it was opened, so
// the power-loss test can show that it notices answers lost by a store that does not flush.
#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "kiosk_db/kiosk_database.h"
#include "record/utc.h"
#include "record/uuid.h"

namespace {

// KioskDatabase keeps its connection to itself; SQLite's auto-extension hook hands every new
// connection to us first, and the last one opened is the kiosk's.
sqlite3* last_connection = nullptr;
int remember_connection(sqlite3* db, char**, const sqlite3_api_routines*) {
    last_connection = db;
    return SQLITE_OK;
}

}  // namespace

int main(int argc, char** argv) {
    std::string synchronous;
    if (argc == 4 && std::string(argv[2]) == "--synchronous") synchronous = argv[3];
    if ((argc != 2 && synchronous.empty()) ||
        (!synchronous.empty() && synchronous != "off" && synchronous != "normal")) {
        std::fprintf(stderr, "usage: crash_writer DATA_DIR [--synchronous off|normal]\n");
        return 2;
    }
    if (!synchronous.empty()) sqlite3_auto_extension(reinterpret_cast<void (*)()>(remember_connection));
    auto store = lkp::KioskDatabase::open(argv[1]);
    if (!synchronous.empty()) {
        std::string pragma = "PRAGMA synchronous = " + synchronous;
        const std::int64_t want = synchronous == "off" ? 0 : 1;
        if (!last_connection || sqlite3_exec(last_connection, pragma.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK ||
            store.durability().synchronous != want) {
            std::fprintf(stderr, "crash_writer: could not set %s on the kiosk's connection\n", pragma.c_str());
            return 3;
        }
    }
    for (;;) {
        lkp::Response r;
        r.id = lkp::new_uuid_v4();
        r.kiosk_id = "crash-test";
        r.survey_id = "helsingborg-lkp";
        r.survey_version = 1;
        r.language = "sv";
        r.district = "001";
        r.answers = {{"trygghet", 1}, {"delaktighet", 5}, {"livskvalitet", nullptr}};
        r.started_at = r.submitted_at = lkp::format_utc(std::chrono::system_clock::now());
        store.record_started(false);
        store.save(r);
        std::string line = r.id + "\n";
        if (::write(1, line.data(), line.size()) != static_cast<ssize_t>(line.size())) return 1;
    }
}
