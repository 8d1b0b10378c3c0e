// Child process for the crash test: stores responses in a loop and prints each id only after
// its commit has returned, so the parent knows exactly what the store promised to keep.
#include <unistd.h>

#include <cstdio>
#include <string>

#include "kiosk_db/kiosk_database.h"
#include "record/utc.h"
#include "record/uuid.h"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: crash_writer DATA_DIR\n");
        return 2;
    }
    auto store = lkp::KioskDatabase::open(argv[1]);
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
