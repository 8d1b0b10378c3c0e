#include "background_sync.h"

#include <cstdio>

namespace lkp {

BackgroundSync::BackgroundSync(std::function<void()> wake_loop) : wake_loop_(std::move(wake_loop)) {}

void BackgroundSync::start(sync::SyncSettings settings, const Survey& survey, const std::string& location,
                           std::chrono::milliseconds wake_every) {
    results_ = sync::ResultsFetchSettings::for_kiosk(settings, survey.id, survey.version, location);
    settings_ = std::move(settings);
    wake_every_ = wake_every;
    start_client();
}

void BackgroundSync::start_client() {
    client_ = std::make_unique<sync::SyncClient>(
        *settings_,
        [this] {
            changed_ = true;
            wake_loop_();
        },
        results_, wake_every_);
}

void BackgroundSync::stop() { client_.reset(); }

void BackgroundSync::restart() {
    if (settings_ && !client_) start_client();
}

std::optional<std::chrono::steady_clock::time_point> BackgroundSync::alive_at() const {
    if (!client_) return std::nullopt;
    return client_->alive_at();
}

std::optional<ResultsSnapshot> BackgroundSync::take_results() {
    return client_ ? client_->take_results() : std::nullopt;
}

std::optional<ResultsSnapshot> read_cached_results(const std::string& data_dir, const Survey& survey) {
    std::string problem;
    auto cached = load_results_cache(results_cache_path(data_dir), survey.id, survey.version, problem);
    if (!problem.empty()) std::fprintf(stderr, "lkp-kiosk: %s\n", problem.c_str());
    return cached;
}

void BackgroundSync::answer_saved() {
    if (client_) client_->notify();
}

void BackgroundSync::sync_now() {
    if (client_) client_->sync_now();
}

void BackgroundSync::check_status() {
    if (client_ && changed_.exchange(false)) status_.update(client_->status());
}

}  // namespace lkp
