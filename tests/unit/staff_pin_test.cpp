// The staff PIN (issue 11): what counts as a PIN, its argon2id hash (never the digits), the file it
// is kept in, and the lock-out after wrong PINs, at the edges of each step.
#include "staff/staff_pin.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "support/test_support.h"

namespace lkp::staff {
namespace {

using namespace std::chrono_literals;

TEST(StaffPin, SixToTwelveDigitsAndNothingElse) {
    for (const char* ok : {"123456", "000000", "123456789012"}) EXPECT_FALSE(pin_problem(ok)) << ok;
    for (const char* bad : {"", "12345", "1234567890123", "12345a", " 123456", "123456 ", "１２３４５６", "-12345"})
        EXPECT_TRUE(pin_problem(bad)) << bad;
    EXPECT_NE(pin_problem("12345")->find("6 to 12 digits"), std::string::npos);
    EXPECT_NE(pin_problem("12a456")->find("digits only"), std::string::npos);
}

TEST(StaffPin, OnlyTheHashIsKeptAndOnlyTheKioskUserMayReadIt) {
    test::TempDir dir;
    EXPECT_FALSE(read_pin_file(dir.path())) << "no file: no staff mode";
    std::string hash = hash_pin("428193");
    EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
    EXPECT_EQ(hash.find("428193"), std::string::npos);
    write_pin_file(dir.path(), hash);
    std::string file = dir.file(kPinFile);
    EXPECT_EQ(test::read_file(file).find("428193"), std::string::npos);
    struct stat st {};
    ASSERT_EQ(stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    auto read = read_pin_file(dir.path());
    ASSERT_TRUE(read);
    EXPECT_TRUE(pin_matches(*read, "428193"));
    EXPECT_FALSE(pin_matches(*read, "428194"));
    EXPECT_FALSE(pin_matches(*read, "4281930"));
    EXPECT_NE(hash_pin("428193"), hash) << "salted: the same PIN never hashes the same twice";
}

TEST(StaffPin, AFileThatIsNoHashIsNamed) {
    test::TempDir dir;
    test::write_file(dir.file(kPinFile), "428193\n");  // digits written by hand
    try {
        read_pin_file(dir.path());
        FAIL() << "a plain PIN in the file was taken";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("set-pin"), std::string::npos) << e.what();
    }
}

TEST(StaffPinLock, FiveFreeTriesThenOneFiveAndFifteenMinutes) {
    EXPECT_EQ(lock_after(0), 0min);
    EXPECT_EQ(lock_after(kFreeTries), 0min);
    EXPECT_EQ(lock_after(kFreeTries + 1), 1min);
    EXPECT_EQ(lock_after(kFreeTries + 2), 5min);
    EXPECT_EQ(lock_after(kFreeTries + 3), 15min);
    EXPECT_EQ(lock_after(kFreeTries + 30), 15min);
}

TEST(StaffPinLock, TheLockRunsFromTheLastWrongPinAndEndsOnTime) {
    Clock::time_point t0{std::chrono::hours(24 * 365 * 57)};
    std::vector<Clock::time_point> wrong;
    for (int i = 0; i < kFreeTries; ++i) wrong.push_back(t0 + std::chrono::seconds(i));
    EXPECT_FALSE(locked_until(wrong, t0 + 5s)) << "five wrong PINs still leave the pad open";
    wrong.push_back(t0 + 10s);  // the sixth
    auto until = locked_until(wrong, t0 + 10s);
    ASSERT_TRUE(until);
    EXPECT_EQ(*until, t0 + 10s + 1min);
    EXPECT_TRUE(locked_until(wrong, t0 + 10s + 1min - 1ms)) << "a millisecond before the end";
    EXPECT_FALSE(locked_until(wrong, t0 + 10s + 1min)) << "open again at the end";
    wrong.push_back(t0 + 2min);  // the seventh: five minutes
    EXPECT_EQ(*locked_until(wrong, t0 + 2min), t0 + 7min);
    // The order they are given in does not matter: the lock runs from the newest.
    std::reverse(wrong.begin(), wrong.end());
    EXPECT_EQ(*locked_until(wrong, t0 + 3min), t0 + 7min);
    EXPECT_FALSE(locked_until({}, t0)) << "after a right PIN nothing is counted";
}

}  // namespace
}  // namespace lkp::staff
