#include "staff_mode.h"

#include <algorithm>

namespace lkp::staff {

namespace {

template <class... F>
struct Overloaded : F... {
    using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

std::chrono::seconds ceil_seconds(std::chrono::steady_clock::duration d) {
    return std::max(std::chrono::seconds(0), std::chrono::ceil<std::chrono::seconds>(d));
}

}  // namespace

StaffMode::StaffMode(std::optional<std::string> pin_hash, std::vector<Wall> wrong_since_right)
    : pin_hash_(std::move(pin_hash)), wrong_(std::move(wrong_since_right)) {}

int StaffMode::tries_before_lock() const {
    int n = static_cast<int>(wrong_.size());
    return n < kFreeTries ? kFreeTries - n : 0;
}

std::optional<std::chrono::seconds> StaffMode::closes_in(Mono mono) const {
    if (view_ == View::Closed) return std::nullopt;
    return ceil_seconds(last_touch_ + kIdleClose - mono);
}

std::optional<std::chrono::seconds> StaffMode::test_mode_left(Mono mono) const {
    if (!test_until_) return std::nullopt;
    return ceil_seconds(*test_until_ - mono);
}

std::optional<Mono> StaffMode::next_deadline() const {
    std::optional<Mono> at;
    if (view_ != View::Closed) at = last_touch_ + kIdleClose;
    if (test_until_ && (!at || *test_until_ < *at)) at = test_until_;
    return at;
}

StaffOutcome StaffMode::close(const std::string& why) {
    StaffOutcome out;
    if (test_until_) {
        test_until_.reset();
        out.test_mode_changed = true;
        out.audit.push_back({"test_mode_off", why});
    }
    if (view_ == View::Overview) out.audit.push_back({"leave", why});
    view_ = View::Closed;
    pin_.clear();
    notice_.reset();
    return out;
}

StaffOutcome StaffMode::submit(Mono mono, Wall wall) {
    StaffOutcome out;
    if (locked_until(wall)) return out;  // the pad shows the countdown and takes nothing
    if (pin_.size() < kShortestPin) {
        notice_ = Notice{"staff.pin.too_short", {{"digits", std::to_string(kShortestPin)}}, true};
        return out;
    }
    bool right = pin_hash_ && pin_matches(*pin_hash_, pin_);
    pin_.clear();
    if (!right) {
        wrong_.push_back(wall);
        out.audit.push_back({"pin_wrong", std::to_string(wrong_.size()) + " since the last right PIN"});
        if (locked_until(wall))
            notice_ = Notice{"staff.pin.locked", {}, true};
        else
            notice_ = Notice{"staff.pin.wrong",
                             {{"wrong", std::to_string(wrong_.size())}, {"left", std::to_string(tries_before_lock())}},
                             true};
        return out;
    }
    wrong_.clear();
    out.audit.push_back({"pin_right", ""});
    view_ = View::Overview;
    notice_.reset();
    out.refresh = true;
    last_touch_ = mono;
    return out;
}

StaffOutcome StaffMode::handle(const StaffEvent& e, Mono mono, Wall wall) {
    StaffOutcome out;
    if (view_ == View::Closed && !std::holds_alternative<event::CornerHeld>(e)) return out;
    last_touch_ = mono;
    return std::visit(Overloaded{
                          [&](const event::CornerHeld&) {
                              if (!pin_hash_ || view_ != View::Closed) return out;
                              view_ = View::Pin;
                              pin_.clear();
                              notice_.reset();
                              return out;
                          },
                          [&](const event::Digit& d) {
                              if (view_ == View::Pin && d.digit >= '0' && d.digit <= '9' && pin_.size() < kLongestPin &&
                                  !locked_until(wall))
                                  pin_ += d.digit;
                              return out;
                          },
                          [&](const event::Erase&) {
                              if (view_ == View::Pin && !pin_.empty()) pin_.pop_back();
                              return out;
                          },
                          [&](const event::Submit&) { return view_ == View::Pin ? submit(mono, wall) : out; },
                          [&](const event::Cancel&) { return view_ == View::Pin ? close("cancelled") : out; },
                          [&](const event::Export&) {
                              if (view_ != View::Overview) return out;
                              out.export_now = true;
                              return out;
                          },
                          [&](const event::StartTest&) {
                              if (view_ != View::Overview) return out;
                              test_until_ = mono + kTestModeLength;
                              out.test_mode_changed = true;
                              out.audit.push_back({"test_mode_on", ""});
                              // Staff go and answer: the kiosk shows the attract screen, with the test banner.
                              view_ = View::Closed;
                              notice_.reset();
                              return out;
                          },
                          [&](const event::SyncNow&) {
                              if (view_ != View::Overview) return out;
                              out.sync_now = true;
                              out.audit.push_back({"sync_now", ""});
                              notice_ = Notice{"staff.sync.started", {}, false};
                              return out;
                          },
                          [&](const event::Leave&) { return view_ == View::Overview ? close("left") : out; },
                      },
                      e);
}

StaffOutcome StaffMode::tick(Mono mono, Wall) {
    StaffOutcome out;
    if (view_ != View::Closed && mono >= last_touch_ + kIdleClose) {
        out = close("closed after " + std::to_string(kIdleClose.count()) + " s without a touch");
        return out;
    }
    if (test_until_ && mono >= *test_until_) {
        test_until_.reset();
        out.test_mode_changed = true;
        out.audit.push_back({"test_mode_off", "after " + std::to_string(kTestModeLength.count()) + " minutes"});
    }
    return out;
}

}  // namespace lkp::staff
