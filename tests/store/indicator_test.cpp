// The indicators lkp-store publishes, on both backends: figures equal to the answers added up by
// hand in the test, sums kept as batches arrive equal to a rebuild from the rows, disclosure
// control in every answer, Stockholm's calendar, Kolada's routes and envelope, and bad requests.
#include <cmath>
#include <filesystem>
#include <map>
#include <random>
#include <set>

#include "core/kiosk_data.h"
#include "indicator_fixture.h"
#include "indicators/interval.h"
#include "record/utc.h"
#include "record/uuid.h"
#include "store_fixture.h"

namespace lkp::test {
namespace {

// What the test itself adds up for one area (nullopt: the city) and one gender ("T": all).
struct HandSums {
    double n = 0, unsafe = 0, sum = 0;
};
HandSums by_hand(const std::vector<Response>& all, const std::string& question,
                 const std::optional<std::string>& district, const std::string& gender) {
    HandSums h;
    for (const auto& r : all) {
        if (district && r.district != district) continue;
        const Json* g = r.answer("gender");
        if (gender != "T" && !(g && g->is_string() && *g == gender)) continue;
        const Json* v = r.answer(question);
        if (!v || v->is_null()) continue;
        h.n += 1;
        if (question == "trygghet" && v->get<int>() >= 3 && v->get<int>() <= 5) h.unsafe += 1;
        h.sum += v->get<double>();
    }
    return h;
}

TEST_P(IndicatorTest, FiguresEqualTheAnswersAddedUpByHand) {
    std::vector<Response> all = random_answers(600, 7);
    send(all);
    std::string d0 = district_code(0);
    Reply r = get("/v1/oudata/kpi/trygghet_otrygg_andel,livskvalitet_medel,delaktighet_nii/ou/" + d0 + "/year/2026");
    ASSERT_EQ(r.status, 200) << r.body;
    Json body = json_of(r);
    ASSERT_EQ(body["count"], 3) << r.body;
    int checked = 0;
    for (const auto& entry : body["values"]) {
        EXPECT_EQ(entry["ou"], d0);
        EXPECT_EQ(entry["period"], 2026);
        for (const std::string g : {"T", "K", "M"}) {
            const Json* v = gender_value(entry, g);
            ASSERT_NE(v, nullptr) << entry.dump();
            if ((*v)["value"].is_null()) continue;  // suppressed: another test looks at those
            std::string kpi = entry["kpi"];
            std::string question = kpi.substr(0, kpi.find('_'));
            HandSums h = by_hand(all, question, d0, g);
            EXPECT_EQ((*v)["n"], h.n) << kpi << " " << g;
            double expected = kpi == "trygghet_otrygg_andel" ? 100.0 * h.unsafe / h.n
                              : kpi == "delaktighet_nii"     ? (h.sum / h.n - 1) * 100 / 9
                                                             : h.sum / h.n;
            EXPECT_NEAR((*v)["value"].get<double>(), expected, 0.005) << kpi << " " << g;
            EXPECT_LT((*v)["ci_low"].get<double>(), expected);
            EXPECT_GT((*v)["ci_high"].get<double>(), expected);
            if (kpi == "trygghet_otrygg_andel") {
                auto w = indicators::wilson(static_cast<std::int64_t>(h.unsafe), static_cast<std::int64_t>(h.n));
                EXPECT_NEAR((*v)["ci_low"].get<double>(), 100 * w.low, 0.005);
                EXPECT_NEAR((*v)["ci_high"].get<double>(), 100 * w.high, 0.005);
            }
            EXPECT_EQ((*v)["status"], "");
            EXPECT_EQ((*v)["count"], 1);
            ++checked;
        }
    }
    EXPECT_GE(checked, 6) << "the big district's figures must mostly be shown";

    // The city: every answer, also those without a district.
    Reply city = get("/v1/data/kpi/livskvalitet_medel/municipality/1283/year/2026");
    ASSERT_EQ(city.status, 200) << city.body;
    Json c = json_of(city)["values"].at(0);
    EXPECT_EQ(c["municipality"], "1283");
    HandSums h = by_hand(all, "livskvalitet", std::nullopt, "T");
    EXPECT_EQ((*gender_value(c, "T"))["n"], h.n);
    EXPECT_NEAR((*gender_value(c, "T"))["value"].get<double>(), h.sum / h.n, 0.005);
}

// Sums kept batch by batch equal the sums of a rebuild from the stored rows, and a resent batch
// (duplicates) adds nothing.
TEST_P(IndicatorTest, SumsKeptAsAnswersArriveEqualARebuild) {
    std::vector<Response> all = random_answers(500, 11);
    send(all);
    std::vector<Response> again(all.begin(), all.begin() + 50);
    Reply resent = post_batch(again);
    ASSERT_EQ(resent.status, 200);
    for (const auto& item : results(resent, again)) EXPECT_EQ(item.status, sync::ItemResult::Status::Duplicate);
    std::vector<std::string> kept = day_rows();
    ASSERT_GT(kept.size(), 300u);
    server_->execute("UPDATE indicator_days SET n = n + 1");  // so the rebuild must really recompute
    auto rebuild = server_->cli({"indicators", "rebuild"});
    ASSERT_EQ(rebuild.exit_code, 0) << rebuild.err;
    EXPECT_NE(rebuild.out.find("500"), std::string::npos) << rebuild.out;
    EXPECT_EQ(day_rows(), kept);
}

// No cell of fewer than 5 answers shows a value or n, and none can be worked out from what is
// shown: T - K - M (the rest of the genders), the city minus its districts, the year minus its
// other quarters.
TEST_P(IndicatorTest, SmallCellsAreHiddenAndCannotBeWorkedOut) {
    std::vector<Response> all = random_answers(300, 5);
    // A district of three answers, and in the big district two of gender X.
    for (int i = 0; i < 3; ++i)
        all.push_back(
            answer(kiosk_, ++seq_, district_code(3), "K", 2, 5, 7, "2026-03-0" + std::to_string(i + 1) + "T10:00:00Z"));
    send(all);
    Reply r = get("/v1/indicators?period=quarter");
    ASSERT_EQ(r.status, 200) << r.body;
    Json body = json_of(r);
    EXPECT_EQ(body["min_cell"], 5);
    EXPECT_NE(body["note"].get<std::string>().find("självvalt urval"), std::string::npos);
    std::map<std::tuple<std::string, std::string, std::string, std::string>, Json> cell;
    int hidden = 0, shown = 0;
    for (const auto& v : body["values"]) {
        std::string area = v["district"].is_null() ? "" : v["district"].get<std::string>();
        cell[{v["indicator"], area, v["gender"], v["period"]}] = v;
        if (v["status"] == "shown") {
            ++shown;
            ASSERT_FALSE(v["n"].is_null()) << v.dump();
            EXPECT_TRUE(v["n"] == 0 || v["n"].get<int>() >= 5) << v.dump();  // no answers is no secret
        } else {
            ++hidden;
            for (const char* f :
                 {"value", "n", "ci_low", "ci_high", "first_date", "last_date", "vs_city", "vs_previous"})
                EXPECT_TRUE(v[f].is_null()) << f << " of a hidden cell: " << v.dump();
        }
    }
    EXPECT_GT(hidden, 0);
    EXPECT_GT(shown, 0);
    auto small = [](std::int64_t rest) { return rest > 0 && rest < 5; };
    // The small district itself.
    auto small_district = std::make_tuple(std::string("trygghet_otrygg_andel"), district_code(3), std::string("T"),
                                          std::string("2026-Q1"));
    EXPECT_EQ(cell[small_district]["status"], "too_few");
    for (const auto& [key, v] : cell) {
        const auto& [ind, area, gender, period] = key;
        if (gender != "T" || v["status"] != "shown") continue;
        // T - K - M
        const Json& k = cell[{ind, area, "K", period}];
        const Json& m = cell[{ind, area, "M", period}];
        if (k["status"] == "shown" && m["status"] == "shown") {
            EXPECT_FALSE(small(v["n"].get<int>() - k["n"].get<int>() - m["n"].get<int>())) << ind << area << period;
        }
    }
    // The city minus every district shown reveals the answers without a district only when all are shown.
    for (const auto& [key, v] : cell) {
        const auto& [ind, area, gender, period] = key;
        if (!area.empty() || v["status"] != "shown") continue;
        std::int64_t rest = v["n"].get<int>();
        bool all_shown = true;
        for (const auto& d : data().districts.districts) {
            const Json& dv = cell[{ind, d.code, gender, period}];
            if (dv["status"] == "shown")
                rest -= dv["n"].get<int>();
            else
                all_shown = false;
        }
        if (all_shown) {
            EXPECT_FALSE(small(rest)) << ind << " " << gender << " " << period;
        }
    }
}

// An answer at 23:30 UTC on 31 December is at 00:30 in Stockholm: the next year.
TEST_P(IndicatorTest, PeriodsFollowStockholmsCalendar) {
    std::vector<Response> all;
    for (int i = 0; i < 6; ++i)
        all.push_back(
            answer(kiosk_, ++seq_, district_code(0), "K", 1, 5, 7, "2025-12-31T23:30:0" + std::to_string(i) + "Z"));
    for (int i = 0; i < 7; ++i)
        all.push_back(
            answer(kiosk_, ++seq_, district_code(0), "K", 1, 5, 7, "2025-12-31T22:30:0" + std::to_string(i) + "Z"));
    send(all);
    Reply r = get("/v1/data/kpi/livskvalitet_medel/municipality/1283/year/2025,2026");
    ASSERT_EQ(r.status, 200) << r.body;
    std::map<int, Json> by_year;
    Json body = json_of(r);
    for (const auto& e : body["values"]) by_year[e["period"].get<int>()] = *gender_value(e, "T");
    EXPECT_EQ(by_year[2025]["n"], 7) << r.body;
    EXPECT_EQ(by_year[2026]["n"], 6) << r.body;
    EXPECT_EQ(by_year[2026]["first_date"], "2026-01-01");
    EXPECT_EQ(by_year[2025]["last_date"], "2025-12-31");
}

// Figures are kept between requests, but a stored batch makes them be computed again.
TEST_P(IndicatorTest, FiguresFollowNewAnswersAtOnce) {
    auto city_n = [&] {
        Json body = json_of(get("/v1/data/kpi/livskvalitet_medel/municipality/1283/year/2026"));
        return body["values"].empty() ? Json(nullptr) : (*gender_value(body["values"][0], "T"))["n"];
    };
    std::vector<Response> first, second;
    for (int i = 0; i < 6; ++i)
        first.push_back(
            answer(kiosk_, ++seq_, district_code(0), "K", 1, 5, 7, "2026-05-01T10:00:0" + std::to_string(i) + "Z"));
    send(first);
    EXPECT_EQ(city_n(), 6);
    EXPECT_EQ(city_n(), 6);
    for (int i = 0; i < 3; ++i)
        second.push_back(
            answer(kiosk_, ++seq_, district_code(0), "K", 1, 5, 7, "2026-05-02T10:00:0" + std::to_string(i) + "Z"));
    send(second);
    EXPECT_EQ(city_n(), 9);
}

// The years kept in memory and added to batch by batch give the figures a fresh start reads
// from the database, for every period kind.
TEST_P(IndicatorTest, FiguresAddedUpInMemoryEqualThoseReadAfterARestart) {
    std::vector<Response> all = random_answers(900, 29);
    send(std::vector<Response>(all.begin(), all.begin() + 100));
    const std::vector<std::string> paths = {"/v1/indicators?period=month", "/v1/indicators?period=quarter",
                                            "/v1/data/kpi/trygghet_otrygg_andel/year/2026"};
    for (const auto& p : paths) ASSERT_EQ(get(p).status, 200);  // the year is now in memory
    send(std::vector<Response>(all.begin() + 100, all.end()));
    std::vector<std::string> kept;
    for (const auto& p : paths) kept.push_back(get(p).body);
    server_->stop();
    server_->start();
    for (std::size_t i = 0; i < paths.size(); ++i) EXPECT_EQ(get(paths[i]).body, kept[i]) << paths[i];
}

// Answers flagged test, synthetic or suspect are left out of every figure.
TEST_P(IndicatorTest, FlaggedAnswersAreLeftOut) {
    std::vector<Response> all;
    for (int i = 0; i < 6; ++i) {
        all.push_back(
            answer(kiosk_, ++seq_, district_code(0), "M", 1, 5, 7, "2026-05-0" + std::to_string(i + 1) + "T10:00:00Z"));
        Response t =
            answer(kiosk_, ++seq_, district_code(0), "M", 4, 5, 0, "2026-05-0" + std::to_string(i + 1) + "T11:00:00Z");
        t.flags = {i % 2 ? "test" : "synthetic"};
        all.push_back(t);
    }
    send(all);
    Json body = json_of(get("/v1/data/kpi/trygghet_otrygg_andel/municipality/1283/year/2026"));
    const Json& e = body["values"].at(0);
    EXPECT_EQ((*gender_value(e, "T"))["n"], 6);
    EXPECT_EQ((*gender_value(e, "T"))["value"], 0.0);
}

TEST_P(IndicatorTest, KoladaMetadataRoutes) {
    Json kpis = json_of(get("/v1/kpi"));
    ASSERT_EQ(kpis["count"], data().survey.indicators.size());
    std::set<std::string> ids;
    for (const auto& k : kpis["values"]) {
        ids.insert(k["id"]);
        EXPECT_FALSE(k["title"].get<std::string>().empty());
        EXPECT_EQ(k["is_divided_by_gender"], 1);
    }
    EXPECT_TRUE(ids.count("trygghet_otrygg_andel") && ids.count("trygghet_trygg_andel"));
    Json one = json_of(get("/v1/kpi/trygghet_otrygg_andel"));
    ASSERT_EQ(one["count"], 1);
    EXPECT_EQ(one["values"][0]["unit"], "procent");
    Json m = json_of(get("/v1/municipality/1283"));
    EXPECT_EQ(m["values"][0]["title"], "Helsingborg");
    Json ous = json_of(get("/v1/ou?municipality=1283"));
    EXPECT_EQ(ous["count"], data().districts.districts.size());
    Json ou = json_of(get("/v1/ou/" + district_code(2)));
    ASSERT_EQ(ou["count"], 1);
    EXPECT_EQ(ou["values"][0]["title"], data().districts.districts[2].name);
}

// Kolada's paging: per_page values at a time and the URL of the next page.
TEST_P(IndicatorTest, PagesFollowOneAnother) {
    send(random_answers(200, 3));
    Json first = json_of(get("/v1/ou?municipality=1283&per_page=30"));
    ASSERT_EQ(first["count"], 30);
    ASSERT_TRUE(first["next_page"].is_string());
    Json second = json_of(get(first["next_page"]));
    EXPECT_EQ(second["count"], data().districts.districts.size() - 30);
    EXPECT_TRUE(second["next_page"].is_null());
    EXPECT_NE(first["values"][0]["id"], second["values"][0]["id"]);
    Json data_page = json_of(get("/v1/oudata/kpi/livskvalitet_medel/year/2026?per_page=2"));
    EXPECT_EQ(data_page["count"], 2);
    EXPECT_TRUE(data_page["next_page"].is_string());
}

TEST_P(IndicatorTest, BadRequestsAreRefusedAsProblems) {
    const std::vector<std::pair<std::string, int>> cases = {
        {"/v1/kpi/no_such_kpi", 404},
        {"/v1/oudata/kpi/no_such_kpi/year/2026", 404},
        {"/v1/oudata/kpi/livskvalitet_medel/ou/x-nowhere/year/2026", 404},
        {"/v1/ou/x-nowhere", 404},
        {"/v1/municipality/0180", 404},
        {"/v1/data/kpi/livskvalitet_medel/municipality/0180/year/2026", 404},
        {"/v1/oudata/kpi/livskvalitet_medel/year/26", 400},
        {"/v1/oudata/kpi/livskvalitet_medel/year/2026-Q1", 400},
        {"/v1/oudata/kpi/livskvalitet_medel/year/2026?per_page=5001", 400},
        {"/v1/oudata/kpi/livskvalitet_medel/year/2026?per_page=0", 400},
        {"/v1/oudata/kpi/livskvalitet_medel/year/2026?page=x", 400},
        {"/v1/oudata/kpi/livskvalitet_medel", 404},
        {"/v1/indicators?survey=nope", 404},
        {"/v1/indicators?period=week", 400},
        {"/v1/indicators?from=2026-02-30", 400},
        {"/v1/indicators?to=yesterday", 400},
        {"/v1/indicators?from=2026-05-01&to=2026-04-01", 400},
        {"/v1/indicators?district=x-nowhere", 404},
    };
    for (const auto& [path, status] : cases) {
        Reply r = get(path);
        EXPECT_EQ(r.status, status) << path << ": " << r.body;
        EXPECT_TRUE(is_problem(r)) << path << ": " << r.header("Content-Type");
    }
    Reply post_kpi = post("/v1/kpi", "{}", {});
    EXPECT_EQ(post_kpi.status, 405);
}

// Our own route: each district's difference from the city and from the period before, with the
// difference's 95 % interval around it.
TEST_P(IndicatorTest, OwnRouteGivesDifferencesFromTheCityAndThePeriodBefore) {
    send(random_answers(800, 17));
    std::string d0 = district_code(0);
    Reply r = get("/v1/indicators?period=half&district=" + d0 + "&from=2026-01-01&to=2026-12-31");
    ASSERT_EQ(r.status, 200) << r.body;
    int city_diffs = 0, previous_diffs = 0;
    std::map<std::string, Json> by_key;
    Json body = json_of(r);
    for (const auto& v : body["values"]) {
        std::string area = v["district"].is_null() ? "" : v["district"].get<std::string>();
        EXPECT_TRUE(area.empty() || area == d0) << v.dump();
        by_key[v["indicator"].get<std::string>() + area + v["gender"].get<std::string>() +
               v["period"].get<std::string>()] = v;
    }
    for (const auto& [key, v] : by_key) {
        if (!v["vs_city"].is_null()) {
            ++city_diffs;
            const Json& city = by_key.at(v["indicator"].get<std::string>() + v["gender"].get<std::string>() +
                                         v["period"].get<std::string>());
            EXPECT_NEAR(v["vs_city"]["difference"].get<double>(),
                        v["value"].get<double>() - city["value"].get<double>(), 0.011);
            EXPECT_LE(v["vs_city"]["ci_low"].get<double>(), v["vs_city"]["difference"].get<double>());
            EXPECT_GE(v["vs_city"]["ci_high"].get<double>(), v["vs_city"]["difference"].get<double>());
        }
        if (!v["vs_previous"].is_null()) {
            ++previous_diffs;
            EXPECT_EQ(v["period"], "2026-H2") << "only H2 has a period before it in the answers";
        }
    }
    EXPECT_GT(city_diffs, 0);
    EXPECT_GT(previous_diffs, 0);
}

TEST_P(IndicatorTest, MinCellBelowThreeIsRefused) {
    auto r = server_->cli({"serve", "--min-cell", "2", "--listen", "127.0.0.1:1"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("at least 3"), std::string::npos) << r.err;
}

// A series in Kolada's published shape is kept beside the kiosks' own; a file of another shape is
// refused with a message naming what is wrong, exit 2, and nothing is stored.
TEST_P(IndicatorTest, ReferenceSeriesAreImportedOrRefusedWhole) {
    TempDir dir;
    write_file(
        dir.path() + "/ref.json",
        R"({"values":[{"kpi":"N07403","municipality":"1283","period":2023,"values":[)"
        R"({"gender":"T","count":1,"status":"","value":71.5},{"gender":"K","count":1,"status":"","value":68}]}],"count":1})");
    auto ok = server_->cli({"reference", "import", dir.path() + "/ref.json", "--title", "Trygghet, SCB", "--indicator",
                            "trygghet_trygg_andel"});
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
    Json body = json_of(get("/v1/indicators"));
    ASSERT_EQ(body["reference"].size(), 1u) << body.dump();
    EXPECT_EQ(body["reference"][0]["kpi"], "N07403");
    EXPECT_EQ(body["reference"][0]["source"], "Källa: Kolada");
    EXPECT_EQ(body["reference"][0]["values"].size(), 2u);

    write_file(dir.path() + "/bad.json",
               R"({"values":[{"kpi":"N1","municipality":"1283","period":"last year","values":[]}]})");
    auto bad = server_->cli({"reference", "import", dir.path() + "/bad.json", "--title", "x"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("values[0].period"), std::string::npos) << bad.err;
    EXPECT_EQ(server_->query("SELECT count(*) FROM reference_values")[0], "2");
    auto audit = server_->cli({"audit"});
    EXPECT_NE(audit.out.find("reference imported"), std::string::npos) << audit.out;
}

// What an independent reader (Python's csv module, openpyxl, json) finds in an export file.
Json read_back(const std::string& kind, const std::string& file, const std::string& numbers = "") {
    std::vector<std::string> argv{LKP_PYTHON3, std::string(LKP_SOURCE_DIR) + "/tests/unit/tables_read.py", kind, file};
    if (!numbers.empty()) argv.push_back(numbers);
    RunResult r = run(argv);
    if (r.exit_code != 0) throw std::runtime_error("tables_read.py " + kind + " failed: " + r.err);
    return Json::parse(r.out);
}

// indicator|area|gender|period -> "value n" as the API gives them (the city's area is 1283).
std::map<std::string, std::string> api_figures(const Json& body) {
    std::map<std::string, std::string> out;
    for (const auto& v : body["values"])
        out[v["indicator"].get<std::string>() + "|" +
            (v["district"].is_null() ? "1283" : v["district"].get<std::string>()) + "|" +
            v["gender"].get<std::string>() + "|" + v["period"].get<std::string>()] =
            v["value"].dump() + " " + v["n"].dump();
    return out;
}

std::string number_text(const Json& v) {
    if (v.is_null()) return "null";
    double d = v.get<double>();
    return std::floor(d) == d ? Json(static_cast<std::int64_t>(d)).dump() : Json(d).dump();
}

// The indicator exports, read back by independent readers, hold the API's figures (suppressed
// cells empty in both); district names keep å, ä and ö.
TEST_P(IndicatorTest, IndicatorExportsHoldTheApisFigures) {
    send(random_answers(500, 23));
    std::map<std::string, std::string> api = api_figures(json_of(get("/v1/indicators?period=year")));
    ASSERT_GT(api.size(), 100u);
    TempDir dir;
    auto figures_of_rows = [](const Json& rows, bool numbers_are_objects) {
        std::map<std::string, std::string> out;
        for (std::size_t i = 1; i < rows.size(); ++i) {
            const Json& r = rows[i];
            auto cell = [&](std::size_t c) { return numbers_are_objects && r[c].is_object() ? r[c]["value"] : r[c]; };
            if (cell(2) != "kiosk") continue;
            std::string value = number_text(cell(9).is_number() ? cell(9) : Json(nullptr));
            std::string n =
                cell(10).is_number() ? Json(static_cast<std::int64_t>(cell(10).get<double>())).dump() : "null";
            out[cell(0).get<std::string>() + "|" + cell(6).get<std::string>() + "|" + cell(8).get<std::string>() + "|" +
                cell(5).get<std::string>()] = value + " " + n;
        }
        return out;
    };
    std::map<std::string, std::string> api_numbers;
    for (const auto& [k, v] : api) {
        Json value = Json::parse(v.substr(0, v.find(' ')));
        api_numbers[k] = number_text(value) + v.substr(v.find(' '));
    }

    auto csv = server_->cli({"export", "indicators", "--period", "year", "--out", dir.path() + "/ind.csv"});
    ASSERT_EQ(csv.exit_code, 0) << csv.err;
    Json csv_rows = read_back("csv", dir.path() + "/ind.csv", "9,10")["rows"];
    EXPECT_EQ(csv_rows[0][9], "värde");
    EXPECT_EQ(figures_of_rows(csv_rows, false), api_numbers);
    EXPECT_NE(csv_rows.dump().find("Ättekulla"), std::string::npos);
    EXPECT_NE(csv_rows.dump().find("Bårslöv"), std::string::npos);

    auto xlsx = server_->cli(
        {"export", "indicators", "--period", "year", "--format", "xlsx", "--out", dir.path() + "/ind.xlsx"});
    ASSERT_EQ(xlsx.exit_code, 0) << xlsx.err;
    Json book = read_back("xlsx", dir.path() + "/ind.xlsx");
    ASSERT_EQ(book["sheets"].size(), 2u);
    EXPECT_EQ(book["sheets"][1]["title"], "Om data");
    EXPECT_NE(book["sheets"][1].dump().find("självvalt urval"), std::string::npos);
    Json sheet = book["sheets"][0]["rows"];
    EXPECT_EQ(figures_of_rows(sheet, true), api_numbers);
    for (std::size_t i = 1; i < sheet.size(); ++i)
        if (sheet[i][9].is_object()) {
            EXPECT_EQ(sheet[i][9]["type"], "n") << "a figure is a number in the spreadsheet";
            if (sheet[i][14].is_object()) {
                EXPECT_EQ(sheet[i][14]["type"], "d") << "a date is a date";
            }
        }

    auto json = server_->cli({"export", "indicators", "--period", "year", "--out", dir.path() + "/ind.json"});
    ASSERT_EQ(json.exit_code, 0) << json.err;
    Json doc = read_back("json", dir.path() + "/ind.json");
    std::map<std::string, std::string> from_json;
    for (const auto& r : doc["Indikatorer"])
        if (r["serie"] == "kiosk")
            from_json[r["indikator"].get<std::string>() + "|" + r["område_kod"].get<std::string>() + "|" +
                      r["kön"].get<std::string>() + "|" + r["period"].get<std::string>()] =
                number_text(r["värde"]) + " " + r["n"].dump();
    EXPECT_EQ(from_json, api_numbers);
    EXPECT_TRUE(doc.contains("about"));
}

// Raw responses: no time of day unless asked, language names in their own script, flagged
// answers only when asked, and the same file over HTTP for an operator, never without a token.
TEST_P(IndicatorTest, ResponseExportsCutTimesToTheDayAndNeedAnOperatorOverHttp) {
    std::vector<Response> all;
    for (int i = 0; i < 4; ++i) {
        Response r =
            answer(kiosk_, ++seq_, district_code(1), "K", 2, 6, 8, "2026-07-01T12:03:0" + std::to_string(i) + "Z");
        r.language = i % 2 ? "ar" : "ti";
        all.push_back(r);
    }
    Response flagged = answer(kiosk_, ++seq_, district_code(1), "M", 5, 1, 1, "2026-07-02T08:00:00Z");
    flagged.flags = {"test"};
    all.push_back(flagged);
    send(all);
    TempDir dir;
    auto cut = server_->cli({"export", "responses", "--out", dir.path() + "/svar.csv"});
    ASSERT_EQ(cut.exit_code, 0) << cut.err;
    Json rows = read_back("csv", dir.path() + "/svar.csv")["rows"];
    ASSERT_EQ(rows.size(), 5u) << "the header and the four unflagged answers";
    EXPECT_EQ(rows[0][7], "datum");
    std::set<std::string> languages;
    for (std::size_t i = 1; i < rows.size(); ++i) {
        EXPECT_EQ(rows[i][7], "2026-07-01");
        EXPECT_EQ(rows[i].dump().find("14:03"), std::string::npos) << rows[i].dump();
        EXPECT_EQ(rows[i].dump().find(token_), std::string::npos);
        languages.insert(rows[i][6].get<std::string>());
    }
    EXPECT_EQ(languages, (std::set<std::string>{"العربية", "ትግርኛ"}));
    for (std::size_t i = 2; i < rows.size(); ++i)
        EXPECT_LT(rows[i - 1][0].get<std::string>(), rows[i][0].get<std::string>())
            << "a day's rows go out in id order, which says nothing of who answered first";

    auto exact =
        server_->cli({"export", "responses", "--exact-times", "--include-flagged", "--out", dir.path() + "/exakt.csv"});
    ASSERT_EQ(exact.exit_code, 0) << exact.err;
    Json exact_rows = read_back("csv", dir.path() + "/exakt.csv")["rows"];
    ASSERT_EQ(exact_rows.size(), 6u);
    EXPECT_EQ(exact_rows[0][7], "tid");
    EXPECT_EQ(exact_rows[1][7], "2026-07-01 14:03:00") << "Stockholm's summer time";

    std::string path = "/v1/exports/responses?format=csv";
    EXPECT_EQ(get(path).status, 401);
    httplib::Client client(server_->url());
    EXPECT_EQ(client.Get(path, {{"Authorization", "Bearer " + token_}})->status, 401)
        << "a kiosk's token is no operator's";
    auto added = server_->cli({"operator", "add", "analyst-1"});
    ASSERT_EQ(added.exit_code, 0) << added.err;
    std::string op_token = added.out.substr(added.out.rfind("lkp_"));
    op_token = op_token.substr(0, op_token.find('\n'));
    auto res = client.Get(path, {{"Authorization", "Bearer " + op_token}});
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    EXPECT_NE(res->get_header_value("Content-Disposition").find("lkp-svar-"), std::string::npos);
    write_file(dir.path() + "/http.csv", res->body);
    EXPECT_EQ(read_back("csv", dir.path() + "/http.csv")["rows"], rows);
    EXPECT_EQ(client.Get("/v1/exports/responses?format=pdf", {{"Authorization", "Bearer " + op_token}})->status, 400);
    ASSERT_EQ(server_->cli({"operator", "revoke", "analyst-1"}).exit_code, 0);
    EXPECT_EQ(client.Get(path, {{"Authorization", "Bearer " + op_token}})->status, 401);

    std::string audit = server_->cli({"audit"}).out;
    EXPECT_NE(audit.find("operator:analyst-1  export responses"), std::string::npos) << audit;
    EXPECT_NE(audit.find("exact_times"), std::string::npos) << audit;
}

// The export reads rows in time order from an index and writes them day by day (Stockholm's
// day), each day's in id order; a district's export keeps that district's rows only.
TEST_P(IndicatorTest, ResponseExportsGoDayByDayInIdOrderWhateverOrderTheyCameIn) {
    // Times around Stockholm's midnight in summer (22:00 UTC), sent out of order; later answers
    // get smaller ids, so that id order is never time order.
    const std::vector<std::string> times = {"2026-07-02T08:00:00Z", "2026-07-01T21:59:59.999Z", "2026-07-01T22:00:00Z",
                                            "2026-07-01T06:00:00Z", "2026-07-03T12:00:00Z",     "2026-07-01T21:00:00Z",
                                            "2026-07-02T21:59:00Z", "2026-07-01T22:00:00.001Z"};
    std::vector<Response> all;
    for (std::size_t i = 0; i < times.size(); ++i) {
        Response r = answer(kiosk_, ++seq_, district_code(i % 2), "K", 2, 6, 8, times[i]);
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(parse_utc(times[i])->time_since_epoch());
        std::string digits = std::to_string(999'999'999'999LL - ms.count() % 1'000'000'000'000LL);
        r.id = "3f1c2a9e-5b7d-4c1e-9a2b-" + std::string(12 - std::min<std::size_t>(12, digits.size()), '0') + digits;
        all.push_back(r);
    }
    send(all);
    TempDir dir;
    ASSERT_EQ(server_->cli({"export", "responses", "--out", dir.path() + "/dag.csv"}).exit_code, 0);
    ASSERT_EQ(server_->cli({"export", "responses", "--exact-times", "--out", dir.path() + "/tid.csv"}).exit_code, 0);
    Json by_day = read_back("csv", dir.path() + "/dag.csv")["rows"];
    Json by_time = read_back("csv", dir.path() + "/tid.csv")["rows"];
    ASSERT_EQ(by_day.size(), times.size() + 1);
    ASSERT_EQ(by_time.size(), times.size() + 1);
    std::map<std::string, std::string> local_time;  // id -> Stockholm time
    for (std::size_t i = 2; i < by_time.size(); ++i)
        EXPECT_LE(by_time[i - 1][7].get<std::string>(), by_time[i][7].get<std::string>())
            << "exact times in time order";
    for (std::size_t i = 1; i < by_time.size(); ++i) local_time[by_time[i][0]] = by_time[i][7];
    std::vector<std::string> days;
    for (std::size_t i = 1; i < by_day.size(); ++i) {
        const std::string id = by_day[i][0], day = by_day[i][7];
        EXPECT_EQ(day, local_time[id].substr(0, 10)) << "each row on its own Stockholm day: " << local_time[id];
        if (i > 1 && day == by_day[i - 1][7].get<std::string>()) {
            EXPECT_LT(by_day[i - 1][0].get<std::string>(), id) << "a day's rows in id order";
        } else {
            days.push_back(day);
        }
    }
    EXPECT_EQ(days, (std::vector<std::string>{"2026-07-01", "2026-07-02", "2026-07-03"})) << "each day once, in order";

    ASSERT_EQ(server_->cli({"export", "responses", "--district", district_code(1), "--out", dir.path() + "/omr.csv"})
                  .exit_code,
              0);
    Json district_rows = read_back("csv", dir.path() + "/omr.csv")["rows"];
    ASSERT_EQ(district_rows.size(), 1 + times.size() / 2);
    for (std::size_t i = 1; i < district_rows.size(); ++i) EXPECT_EQ(district_rows[i][8], district_code(1));
}

// A district file is the city's data, but a name that a spreadsheet would take for a formula
// must come out as text (OWASP's CSV injection): "=1+1" stays "=1+1", never 2.
TEST_P(IndicatorTest, ADistrictNamedLikeAFormulaComesOutAsText) {
    TempDir dir;
    std::string list = read_file(std::string(LKP_SOURCE_DIR) + "/assets/districts/helsingborg.json");
    Json districts = Json::parse(list);
    std::string code = district_code(0);
    for (auto& d : districts["districts"])
        if (d["code"] == code) d["name"] = "=1+1";
    // Quotes and a backslash in another name: /v1/indicators writes its JSON as text itself.
    const std::string quoted = "Norra \"Östra\" \\ Väst";
    const std::string other = district_code(1);
    for (auto& d : districts["districts"])
        if (d["code"] == other) d["name"] = quoted;
    write_file(dir.path() + "/districts.json", districts.dump());
    start_server({"--districts", dir.path() + "/districts.json"});
    std::vector<Response> all;
    for (int i = 0; i < 5; ++i) all.push_back(answer(kiosk_, ++seq_, code, "K", 2, 6, 8, "2026-07-01T12:03:00Z"));
    send(all);
    Reply figures = get("/v1/indicators?district=" + other);
    ASSERT_EQ(figures.status, 200);
    Json parsed = Json::parse(figures.body);
    ASSERT_FALSE(parsed["values"].empty());
    for (const auto& v : parsed["values"])
        if (!v["district"].is_null()) {
            EXPECT_EQ(v["district_name"], quoted);
        }
    for (const char* format : {"csv", "xlsx"}) {
        std::string file = dir.path() + "/svar." + format;
        auto r = server_->cli({"export", "responses", "--districts", dir.path() + "/districts.json", "--out", file});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        Json read = read_back(format, file);
        const Json& rows = std::string(format) == "csv" ? read["rows"] : read["sheets"][0]["rows"];
        ASSERT_EQ(rows.size(), 6u);
        for (std::size_t i = 1; i < rows.size(); ++i) {
            if (std::string(format) == "csv") {
                EXPECT_EQ(rows[i][9], "'=1+1") << "a leading apostrophe keeps Excel from computing it";
            } else {
                EXPECT_EQ(rows[i][9]["type"], "s") << "a string cell, not a formula";
                EXPECT_EQ(rows[i][9]["value"], "=1+1");
            }
        }
    }
}

// Bad export requests: a message naming the problem, exit 2, and no file.
TEST_P(IndicatorTest, BadExportRequestsWriteNothing) {
    TempDir dir;
    const std::vector<std::vector<std::string>> cases = {
        {"export", "indicators", "--format", "pdf", "--out", dir.path() + "/x.pdf"},
        {"export", "indicators", "--from", "2026-13-01", "--out", dir.path() + "/x.csv"},
        {"export", "responses", "--district", "x-nowhere", "--out", dir.path() + "/x.csv"},
        {"export", "indicators", "--period", "week", "--out", dir.path() + "/x.csv"},
        {"export", "indicators", "--min-cell", "1", "--out", dir.path() + "/x.csv"},
    };
    for (const auto& args : cases) {
        auto r = server_->cli(args);
        EXPECT_EQ(r.exit_code, 2) << args[3] << ": " << r.err;
        EXPECT_FALSE(r.err.empty());
    }
    EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

INSTANTIATE_TEST_SUITE_P(Backends, IndicatorTest, ::testing::Values(Backend::Sqlite, Backend::Postgres), backend_name);

}  // namespace
}  // namespace lkp::test
