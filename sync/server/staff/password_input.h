#pragma once
// Where `lkp-store staff add|passwd` takes a new password from: one line of a stdin that is no
// terminal; at a terminal, asked twice without echo; or made at random (--generate, or nothing
// given), then printed once.
#include <string>

namespace lkp::server::staff {

struct NewPassword {
    std::string password;
    bool generated = false;  // the caller prints it: it is shown only then
};

// Reads the password for `name` from stdin as above. Throws BadStaffInput (exit 2) naming the
// problem: the two entries differ, stdin holds more than one line, or the password breaks a rule.
NewPassword read_new_password(const std::string& name, bool generate);

}  // namespace lkp::server::staff
