#pragma once
// The figures residents see on the attract screen, fetched by the sync thread from the store's
// public GET /v1/indicators (docs/indicators.md): the kiosk's own district and the city, everyone
// (gender T), per year, the newest year the city has a published figure in. At most once an hour
// (sooner again after a failure); each new snapshot is written to the data folder whole
// (core/results.h) before the loop hears of it. A failure leaves the old cache as it is.
#include <atomic>
#include <chrono>
#include <optional>
#include <string>

#include "core/results.h"
#include "sync_engine.h"
#include "uploader.h"

namespace lkp::sync {

struct ResultsFetchSettings {
    std::string store_url;
    TlsSettings tls;
    std::chrono::seconds connect_timeout{10}, timeout{30};
    std::string survey_id;
    int survey_version = 0;
    std::string district;    // the kiosk's `location`; empty: the city alone
    std::string cache_path;  // results_cache_path(data dir)
    std::chrono::seconds every{3600};
    std::chrono::seconds after_failure{600};

    // The running kiosk's: the sync's store and TLS settings, the cache in its data folder.
    static ResultsFetchSettings for_kiosk(const SyncSettings& sync, const std::string& survey_id, int survey_version,
                                          const std::string& district);
};

// The snapshot in the store's reply to /v1/indicators?period=year&district=...: the newest period
// in which the city's figure of some indicator is shown (else the newest period; else, from a store
// with no answers yet, `year` and no rows), every indicator of the reply with its district and city
// figure for everyone. nullopt with `error` naming what is wrong, e.g. a reply of another survey
// version.
std::optional<ResultsSnapshot> results_from_indicators_reply(const std::string& body,
                                                             const ResultsFetchSettings& settings,
                                                             const std::string& fetched_at, int year,
                                                             std::string& error);

// The request's path and query: this year and the one before.
std::string indicators_request_path(const ResultsFetchSettings& settings, int year);

class ResultsFetcher {
  public:
    // `abort` ends a transfer in progress at once (the sync thread's stop flag).
    explicit ResultsFetcher(ResultsFetchSettings settings, const std::atomic<bool>* abort = nullptr);

    struct Fetched {
        std::optional<ResultsSnapshot> snapshot;  // written to the cache already
        std::string error;                        // for the log; the old cache stays
    };
    // Fetches now, writes the cache, and schedules the next fetch.
    Fetched fetch(std::chrono::steady_clock::time_point now);
    // The first is due at once; then `every` after a success, `after_failure` after a failure.
    bool due(std::chrono::steady_clock::time_point now) const { return now >= next_; }
    std::chrono::steady_clock::time_point next_fetch() const { return next_; }

  private:
    ResultsFetchSettings settings_;
    Uploader http_;
    std::chrono::steady_clock::time_point next_{};
};

}  // namespace lkp::sync
