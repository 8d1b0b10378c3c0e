#pragma once
// A session driven by hand: each event or timer tick comes at a clock the test moves on, so
// timeouts are tested without waiting for them.
#include <chrono>

#include "core/session.h"

namespace lkp::test {

class SessionClock {
  public:
    explicit SessionClock(Session& session) : session_(session) {}

    // `e`, `after` past the last event or tick.
    Outcome send(const Event& e, std::chrono::milliseconds after = std::chrono::seconds(1)) {
        now = now + after;
        return session_.handle(e, now);
    }
    // Lets the session's timers run for `d`.
    Outcome wait(std::chrono::milliseconds d) {
        now = now + d;
        return session_.tick(now);
    }

    Instant now = Instant::now();

  private:
    Session& session_;  // bound before the fixture constructs it, used only after
};

}  // namespace lkp::test
