#pragma once
// Staff mode's export: every answer on this kiosk as CSV (the store's format for Swedish Excel)
// and JSON (with staff mode's audit), written to a removable drive mounted at `export_dir`.
// A file appears under its name only once it is whole and flushed (written under a temporary
// name, fsynced, renamed: lib/tables), so pulling the stick early leaves no half file that looks
// whole. What went wrong is said in a way staff can act on: no stick, read-only, full.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/districts.h"
#include "core/survey.h"
#include "kiosk_db/kiosk_database.h"
#include "record/response.h"

namespace lkp {

// A folder holding this file counts as a stick even when nothing is mounted there: for a shared
// folder an operator sets up on purpose, and for tests that cannot mount.
inline constexpr const char* kExportMarker = "LKP-EXPORT";

struct StickExport {
    enum class Result {
        Written,
        NotConfigured,  // no export_dir in the config
        NoStick,        // nothing mounted there (and no marker)
        ReadOnly,
        Full,
        Failed,  // anything else: `detail` says what
    };
    Result result = Result::Failed;
    std::string csv_file, json_file;  // names within export_dir, when written
    std::int64_t answers = 0;
    std::string detail;  // the system's words, for Failed (and logs)
};

struct ExportContents {
    const std::vector<Response>& responses;
    const std::vector<StaffAuditEntry>& audit;
    const Survey& survey;
    const DistrictList& districts;
    const std::map<std::string, std::string>& language_names;  // code -> its own name
    std::string kiosk_id;
};

// Why `dir` cannot take an export now (NotConfigured, NoStick, ReadOnly), or Written when it can.
StickExport::Result stick_state(const std::string& dir);

// Writes lkp-svar-KIOSK-YYYYMMDD-HHMMSS.json and .csv (Stockholm time of `now`) to `dir`.
StickExport export_to_stick(const std::string& dir, const ExportContents& contents,
                            std::chrono::system_clock::time_point now);

}  // namespace lkp
