// How long staff wait for "Exportera till USB": the staff desk's export of every answer on the
// kiosk (KioskDatabase::all_responses, then CSV and JSON through lib/tables, each fsynced and
// renamed) to a folder, timed with steady_clock, ROUNDS times; prints each round and the median.
// It runs on the kiosk's UI thread, so this is also how long the staff screen stands still.
//
// Usage: bench_stick_export DATA_DIR OUT_DIR [ROUNDS]
//   DATA_DIR  a kiosk data folder (fill it with `lkp-kiosk simulate --data-dir DATA_DIR --count N`)
//   OUT_DIR   where the files go (a tmpfs or a real stick); a marker file is put there
#include "export/stick_export.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <vector>

#include "core/kiosk_data.h"
#include "kiosk_db/kiosk_database.h"

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s DATA_DIR OUT_DIR [ROUNDS]\n", argv[0]);
        return 2;
    }
    std::string out_dir = argv[2];
    int rounds = argc > 3 ? std::max(1, std::atoi(argv[3])) : 5;
    try {
        lkp::KioskData data = lkp::load_kiosk_data(std::nullopt, {});
        auto db = lkp::KioskDatabase::open_existing(argv[1]);
        if (!db) throw std::runtime_error(std::string(argv[1]) + ": no kiosk database");
        std::filesystem::create_directories(out_dir);
        std::ofstream(out_dir + "/" + lkp::kExportMarker).flush();
        std::map<std::string, std::string> names;
        for (const auto& c : data.translations.languages()) names[c.language] = c.native_name;
        std::vector<double> ms;
        for (int i = 0; i < rounds; ++i) {
            auto start = std::chrono::steady_clock::now();
            std::vector<lkp::Response> responses = db->all_responses();
            std::vector<lkp::StaffAuditEntry> audit = db->staff_audit(100000);
            lkp::StickExport r = lkp::export_to_stick(
                out_dir, {responses, audit, data.survey, data.districts, names, "bench"},
                std::chrono::system_clock::now() + std::chrono::seconds(i));  // a new name each round
            double took = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
            if (r.result != lkp::StickExport::Result::Written) throw std::runtime_error("export failed: " + r.detail);
            std::printf("round %d: %lld answers in %.0f ms (%s, %ju bytes)\n", i + 1, static_cast<long long>(r.answers),
                        took, r.csv_file.c_str(),
                        static_cast<std::uintmax_t>(std::filesystem::file_size(out_dir + "/" + r.csv_file)));
            ms.push_back(took);
            std::filesystem::remove(out_dir + "/" + r.csv_file);
            std::filesystem::remove(out_dir + "/" + r.json_file);
        }
        std::sort(ms.begin(), ms.end());
        std::printf("median %.0f ms over %d rounds\n", ms[ms.size() / 2], rounds);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_stick_export: %s\n", e.what());
        return 1;
    }
    return 0;
}
