#include "background_sync.h"

namespace lkp {

BackgroundSync::BackgroundSync(std::function<void()> wake_loop) : wake_loop_(std::move(wake_loop)) {}

void BackgroundSync::start(sync::SyncSettings settings) {
    client_ = std::make_unique<sync::SyncClient>(std::move(settings), [this] {
        changed_ = true;
        wake_loop_();
    });
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
