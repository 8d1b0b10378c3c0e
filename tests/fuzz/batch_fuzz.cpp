// libFuzzer target: the store's batch and heartbeat parsers, and the client's reader of the
// store's answer, fed arbitrary bytes. They face the network, so any crash here is a crash of
// lkp-store (or of a kiosk) that a stranger can cause.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/districts.h"
#include "core/survey.h"
#include "protocol/batch.h"
#include "protocol/heartbeat.h"

namespace {

const lkp::sync::SurveyCatalog& catalog() {
    static const lkp::sync::SurveyCatalog c{{lkp::load_survey(LKP_SOURCE_DIR "/assets/surveys/helsingborg-lkp.json")},
                                            lkp::load_districts(LKP_SOURCE_DIR "/assets/districts/helsingborg.json")};
    return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view body(reinterpret_cast<const char*>(data), size);
    // A fixed "now" keeps a crash reproducible from its input alone.
    auto now = *lkp::parse_utc("2026-11-22T12:00:00.000Z");
    try {
        auto items = lkp::sync::parse_batch(body, catalog(), now);
        std::vector<std::string> ids;
        for (const auto& item : items) ids.push_back(item.id);
        // Whatever the store accepts must be something the client can read back.
        std::vector<lkp::sync::ItemResult> results;
        for (const auto& item : items)
            results.push_back(
                {item.id,
                 item.response ? lkp::sync::ItemResult::Status::Created : lkp::sync::ItemResult::Status::Rejected,
                 "invalid", item.field, item.reason});
        auto read_back = lkp::sync::parse_results(lkp::sync::encode_results("k", results), ids);
        if (read_back.size() != results.size()) __builtin_trap();
    } catch (const lkp::sync::BatchError&) {
    }
    try {
        lkp::sync::parse_heartbeat(body);
    } catch (const lkp::sync::BatchError&) {
    }
    try {
        lkp::sync::parse_results(body, {"00000000-0000-4000-8000-000000000000"});
    } catch (const std::runtime_error&) {
    }
    return 0;
}
