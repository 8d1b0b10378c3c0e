// Staff mode (issue 11) as a state machine and joined to a real kiosk database: the PIN pad, the
// lock-out (also across a restart), the idle close, test mode and its flag, and the audit.
#include "staff/staff_mode.h"

#include <gtest/gtest.h>

#include "shell/staff_desk.h"
#include "support/test_support.h"

namespace lkp {
namespace {

using namespace std::chrono_literals;
using staff::StaffMode;
using staff::View;
namespace ev = staff::event;

// One PIN hash for the whole file: argon2id is slow on purpose.
const std::string& pin_hash() {
    static const std::string hash = staff::hash_pin("428193");
    return hash;
}

struct Clocks {
    staff::Mono mono = std::chrono::steady_clock::time_point{} + 1000h;
    staff::Wall wall = std::chrono::system_clock::now();
    void pass(std::chrono::seconds s) {
        mono += s;
        wall += s;
    }
};

staff::StaffOutcome type(StaffMode& m, const std::string& pin, const Clocks& c) {
    for (char d : pin) m.handle(ev::Digit{d}, c.mono, c.wall);
    return m.handle(ev::Submit{}, c.mono, c.wall);
}

TEST(StaffMode, NoPinSetMeansNoStaffMode) {
    StaffMode m(std::nullopt, {});
    Clocks c;
    m.handle(ev::CornerHeld{}, c.mono, c.wall);
    EXPECT_EQ(m.view(), View::Closed);
    EXPECT_FALSE(m.available());
}

TEST(StaffMode, TheRightPinOpensTheOverviewAndIsAudited) {
    StaffMode m(pin_hash(), {});
    Clocks c;
    m.handle(ev::Digit{'1'}, c.mono, c.wall);
    EXPECT_EQ(m.digits_entered(), 0u) << "a closed staff mode takes nothing";
    m.handle(ev::CornerHeld{}, c.mono, c.wall);
    ASSERT_EQ(m.view(), View::Pin);
    m.handle(ev::Digit{'9'}, c.mono, c.wall);
    m.handle(ev::Erase{}, c.mono, c.wall);
    EXPECT_EQ(m.digits_entered(), 0u);
    staff::StaffOutcome out = type(m, "428193", c);
    EXPECT_EQ(m.view(), View::Overview);
    EXPECT_TRUE(out.refresh);
    ASSERT_EQ(out.audit.size(), 1u);
    EXPECT_EQ(out.audit[0].first, "pin_right");
    EXPECT_EQ(m.digits_entered(), 0u) << "the digits are forgotten at once";
}

TEST(StaffMode, AShortPinIsSaidSoAndNotCountedAsWrong) {
    StaffMode m(pin_hash(), {});
    Clocks c;
    m.handle(ev::CornerHeld{}, c.mono, c.wall);
    staff::StaffOutcome out = type(m, "12345", c);
    EXPECT_TRUE(out.audit.empty());
    ASSERT_TRUE(m.notice());
    EXPECT_EQ(m.notice()->id, "staff.pin.too_short");
    EXPECT_EQ(m.wrong_since_right(), 0);
}

TEST(StaffMode, WrongPinsCountDownToALockThatHoldsAcrossARestart) {
    StaffMode m(pin_hash(), {});
    Clocks c;
    m.handle(ev::CornerHeld{}, c.mono, c.wall);
    std::vector<staff::Wall> audit;  // what the audit table would hold
    for (int i = 1; i <= staff::kFreeTries; ++i) {
        staff::StaffOutcome out = type(m, "111111", c);
        ASSERT_EQ(out.audit.size(), 1u);
        EXPECT_EQ(out.audit[0].first, "pin_wrong");
        audit.push_back(c.wall);
        EXPECT_FALSE(m.locked_until(c.wall)) << i << " wrong PINs are free";
        EXPECT_EQ(m.tries_before_lock(), staff::kFreeTries - i);
        EXPECT_EQ(m.notice()->id, "staff.pin.wrong");
        EXPECT_EQ(m.notice()->params.at("wrong"), std::to_string(i));
        c.pass(1s);
    }
    type(m, "111111", c);  // the sixth: locked for a minute
    audit.push_back(c.wall);
    auto until = m.locked_until(c.wall);
    ASSERT_TRUE(until);
    EXPECT_EQ(*until - c.wall, std::chrono::minutes(1));
    // Locked: digits and even the right PIN are refused.
    staff::StaffOutcome refused = type(m, "428193", c);
    EXPECT_TRUE(refused.audit.empty());
    EXPECT_EQ(m.view(), View::Pin);

    // A restart: the wrong PINs come back from the audit, and so does the lock.
    StaffMode restarted(pin_hash(), audit);
    c.pass(30s);
    ASSERT_TRUE(restarted.locked_until(c.wall));
    EXPECT_EQ(*restarted.locked_until(c.wall) - c.wall, 30s);
    c.pass(30s);
    EXPECT_FALSE(restarted.locked_until(c.wall)) << "a minute after the sixth wrong PIN";
    restarted.handle(ev::CornerHeld{}, c.mono, c.wall);
    type(restarted, "111111", c);  // the seventh: five minutes
    EXPECT_EQ(*restarted.locked_until(c.wall) - c.wall, std::chrono::minutes(5));
    c.pass(std::chrono::minutes(5));
    type(restarted, "428193", c);
    EXPECT_EQ(restarted.view(), View::Overview);
    EXPECT_EQ(restarted.wrong_since_right(), 0) << "a right PIN starts the count again";
}

TEST(StaffMode, ClosesItselfAfterAMinuteWithoutATouch) {
    StaffMode m(pin_hash(), {});
    Clocks c;
    m.handle(ev::CornerHeld{}, c.mono, c.wall);
    type(m, "428193", c);
    ASSERT_EQ(m.next_deadline(), c.mono + staff::kIdleClose);
    c.pass(59s);
    m.touched(c.mono);
    EXPECT_EQ(m.tick(c.mono, c.wall).audit.size(), 0u);
    c.pass(59s);
    EXPECT_EQ(m.view(), View::Overview) << "a touch 59 s ago keeps it open";
    EXPECT_EQ(*m.closes_in(c.mono), 1s);
    c.pass(1s);
    staff::StaffOutcome out = m.tick(c.mono, c.wall);
    EXPECT_EQ(m.view(), View::Closed);
    ASSERT_EQ(out.audit.size(), 1u);
    EXPECT_EQ(out.audit[0].first, "leave");
    EXPECT_EQ(m.next_deadline(), std::nullopt) << "nothing left to wake for";
}

TEST(StaffMode, TestModeLastsFifteenMinutesOrUntilStaffLeave) {
    StaffMode m(pin_hash(), {});
    Clocks c;
    m.handle(ev::CornerHeld{}, c.mono, c.wall);
    type(m, "428193", c);
    staff::StaffOutcome on = m.handle(ev::StartTest{}, c.mono, c.wall);
    EXPECT_TRUE(on.test_mode_changed);
    EXPECT_TRUE(m.test_mode());
    EXPECT_EQ(m.view(), View::Closed) << "staff go and answer the survey";
    c.pass(std::chrono::minutes(15) - 1s);
    EXPECT_FALSE(m.tick(c.mono, c.wall).test_mode_changed);
    c.pass(1s);
    staff::StaffOutcome off = m.tick(c.mono, c.wall);
    EXPECT_TRUE(off.test_mode_changed);
    EXPECT_FALSE(m.test_mode());
    EXPECT_EQ(off.audit.at(0).first, "test_mode_off");

    // On again; staff come back through the PIN and leave: it ends with them.
    m.handle(ev::CornerHeld{}, c.mono, c.wall);
    type(m, "428193", c);
    m.handle(ev::StartTest{}, c.mono, c.wall);
    m.handle(ev::CornerHeld{}, c.mono, c.wall);
    type(m, "428193", c);
    EXPECT_TRUE(m.test_mode());
    staff::StaffOutcome left = m.handle(ev::Leave{}, c.mono, c.wall);
    EXPECT_TRUE(left.test_mode_changed);
    EXPECT_FALSE(m.test_mode());
    EXPECT_EQ(m.view(), View::Closed);
}

// The desk with a real database: the audit is stored, the lock comes back from it, test mode
// flags the session's answers, and the overview counts what the database holds.
TEST(StaffDesk, AuditsWrongPinsInTheDatabaseAndNeverThePin) {
    test::TempDir dir;
    staff::write_pin_file(dir.path(), pin_hash());
    KioskData data = test::builtin_data();
    Session session(data.survey, data.districts, data.session_settings());
    BackgroundSync sync([] {});
    std::vector<std::string> log;
    auto db = KioskDatabase::open(dir.path());
    {
        StaffDesk desk(data, dir.path(), "1.2.3", [&](const std::string& l) { log.push_back(l); });
        desk.attach(&db, Instant::now());
        for (int i = 0; i < 6; ++i) {
            desk.handle(staff::event::CornerHeld{}, Instant::now(), session, sync);
            for (char d : std::string("777777")) desk.handle(staff::event::Digit{d}, Instant::now(), session, sync);
            desk.handle(staff::event::Submit{}, Instant::now(), session, sync);
        }
        EXPECT_TRUE(desk.mode().locked_until(std::chrono::system_clock::now()));
    }
    EXPECT_EQ(db.wrong_pins_since_right().size(), 6u);
    EXPECT_EQ(test::read_file(db.path()).find("777777"), std::string::npos);
    EXPECT_EQ(test::read_file(db.path() + "-wal").find("777777"), std::string::npos);

    StaffDesk after_restart(data, dir.path(), "1.2.3");
    after_restart.attach(&db, Instant::now());
    EXPECT_TRUE(after_restart.mode().locked_until(std::chrono::system_clock::now()));
}

TEST(StaffDesk, TestModeFlagsTheSessionsAnswersAndTheOverviewCountsRealOnes) {
    test::TempDir dir;
    staff::write_pin_file(dir.path(), pin_hash());
    KioskData data = test::builtin_data();
    Session session(data.survey, data.districts, data.session_settings());
    BackgroundSync sync([] {});
    auto db = KioskDatabase::open(dir.path());
    Response real = test::sample_response();
    db.save(real);
    Response outside = test::sample_response();
    outside.id = "11111111-2222-4333-8444-555555555555";
    outside.district = std::nullopt;
    db.save(outside);

    StaffDesk desk(data, dir.path(), "1.2.3");
    desk.attach(&db, Instant::now());
    auto open = [&] {
        desk.handle(staff::event::CornerHeld{}, Instant::now(), session, sync);
        for (char d : std::string("428193")) desk.handle(staff::event::Digit{d}, Instant::now(), session, sync);
        desk.handle(staff::event::Submit{}, Instant::now(), session, sync);
    };
    open();
    ASSERT_EQ(desk.mode().view(), View::Overview);
    const staff::Overview& o = desk.mode().overview();
    EXPECT_EQ(o.total, 2);
    EXPECT_EQ(o.districts.size(), 2u);
    EXPECT_EQ(o.program_version, "1.2.3");
    EXPECT_EQ(o.survey, data.survey.id + " v" + std::to_string(data.survey.version));
    EXPECT_TRUE(o.disk_free_bytes);

    desk.handle(staff::event::StartTest{}, Instant::now(), session, sync);
    EXPECT_TRUE(session.test_mode());
    Response test_answer = test::sample_response();
    test_answer.id = "99999999-2222-4333-8444-555555555555";
    test_answer.flags = {"test"};
    db.save(test_answer);
    open();
    EXPECT_EQ(desk.mode().overview().total, 2) << "a test answer is not a real one";
    desk.handle(staff::event::Leave{}, Instant::now(), session, sync);
    EXPECT_FALSE(session.test_mode());

    std::vector<std::string> actions;
    for (const auto& a : db.staff_audit(100)) actions.push_back(a.action);
    std::reverse(actions.begin(), actions.end());
    EXPECT_EQ(actions, (std::vector<std::string>{"pin_right", "test_mode_on", "pin_right", "test_mode_off", "leave"}));
}

}  // namespace
}  // namespace lkp
