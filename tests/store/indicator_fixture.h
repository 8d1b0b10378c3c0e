#pragma once
// What the indicator and web tests share: a store on either backend and answers to send it, made
// by hand or at random over 2026.
#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/kiosk_data.h"
#include "record/utc.h"
#include "store_fixture.h"

namespace lkp::test {

using Clock = std::chrono::system_clock;

inline const KioskData& data() {
    static const KioskData d = builtin_data();
    return d;
}

inline std::string district_code(std::size_t i) { return data().districts.districts.at(i).code; }

// A response of the built-in survey with these answers (null: declined), at this UTC time.
inline Response answer(const std::string& kiosk, std::int64_t seq, const std::optional<std::string>& district,
                       const Json& gender, const Json& trygghet, const Json& delaktighet, const Json& livskvalitet,
                       const std::string& submitted_at) {
    Response r = valid_response(kiosk, seq);
    r.district = district;
    for (auto& [q, v] : r.answers) {
        if (q == "gender") v = gender;
        if (q == "trygghet") v = trygghet;
        if (q == "delaktighet") v = delaktighet;
        if (q == "livskvalitet") v = livskvalitet;
    }
    auto at = *parse_utc(submitted_at);
    r.submitted_at = format_utc(at);
    r.started_at = format_utc(at - std::chrono::seconds(40));
    return r;
}

inline Json json_of(const Reply& r) { return Json::parse(r.body); }

inline bool is_problem(const Reply& r) { return r.header("Content-Type").rfind("application/problem+json", 0) == 0; }

class IndicatorTest : public StoreTest {
  protected:
    std::int64_t seq_ = 0;

    // Sends in batches of 200, every item created.
    void send(const std::vector<Response>& all) {
        for (std::size_t at = 0; at < all.size(); at += 200) {
            std::vector<Response> batch(all.begin() + static_cast<long>(at),
                                        all.begin() + static_cast<long>(std::min(all.size(), at + 200)));
            Reply r = post_batch(batch);
            ASSERT_EQ(r.status, 200) << r.body;
            for (const auto& item : results(r, batch))
                ASSERT_EQ(item.status, sync::ItemResult::Status::Created) << item.reason;
        }
    }

    // Random answers over 2026 in four districts (the first big, the last small) and no district;
    // genders K, M, X and declined; every question sometimes declined.
    std::vector<Response> random_answers(std::size_t count, unsigned seed) {
        std::mt19937 rng(seed);
        auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
        std::vector<Response> out;
        for (std::size_t i = 0; i < count; ++i) {
            int d = pick(20);
            std::optional<std::string> district;
            if (d < 18) district = district_code(d < 9 ? 0 : d < 14 ? 1 : 2);
            int g = pick(20);
            Json gender = g < 9 ? Json("K") : g < 18 ? Json("M") : g < 19 ? Json("X") : Json(nullptr);
            Json trygghet = pick(15) == 0 ? Json(nullptr) : Json(1 + pick(6));
            Json delaktighet = pick(15) == 0 ? Json(nullptr) : Json(1 + pick(10));
            Json livskvalitet = pick(15) == 0 ? Json(nullptr) : Json(pick(11));
            char when[40];
            // One draw after the other (a call's arguments are evaluated in the compiler's order:
            // GCC and clang drew different answers from one seed), last field first as GCC did.
            int minute = pick(60), hour = pick(24), day = 1 + pick(28), month = 1 + pick(10);
            std::snprintf(when, sizeof when, "2026-%02d-%02dT%02d:%02d:00Z", month, day, hour, minute);
            out.push_back(answer(kiosk_, ++seq_, district, gender, trygghet, delaktighet, livskvalitet, when));
        }
        return out;
    }

    // Every row of indicator_days as one text, in key order.
    std::vector<std::string> day_rows() {
        return server_->query(
            "SELECT survey_id || '|' || day || '|' || indicator || '|' || district || '|' || gender || '|' || "
            "CAST(flagged AS TEXT) || '|' || CAST(n AS TEXT) || '|' || CAST(numerator AS TEXT) || '|' || "
            "CAST(sum AS TEXT) || '|' || CAST(sum_of_squares AS TEXT) AS r FROM indicator_days ORDER BY r");
    }

    // The Kolada value object of one gender in a data answer.
    static const Json* gender_value(const Json& entry, const std::string& gender) {
        for (const auto& v : entry["values"])
            if (v["gender"] == gender) return &v;
        return nullptr;
    }
};

}  // namespace lkp::test
