#pragma once
// Shared by the test suites: temporary folders, running the real binary, the built-in data.
#include <string>
#include <vector>

#include "core/kiosk_data.h"
#include "core/results.h"
#include "sqlite/database.h"

namespace lkp::test {

// A connection of the test's own to a real SQLite file, to look inside it or to spoil it.
inline Database open_raw(const std::string& path) { return Database(path, SQLITE_OPEN_READWRITE); }

// A fresh directory under /tmp, removed with its contents when the object goes away.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

  private:
    std::string path_;
};

// A small real file system: a tmpfs of `size` ("64k", "2m") mounted on `path` (made if missing)
// for the object's life. It stands in for a USB stick or a data folder's disk. Mounting needs
// root (the test command runs as root on CI): mounted() says whether it worked.
class SmallDisk {
  public:
    SmallDisk(std::string path, const std::string& size);
    ~SmallDisk();
    SmallDisk(const SmallDisk&) = delete;
    bool mounted() const { return mounted_; }
    const std::string& path() const { return path_; }
    bool make_read_only();
    // Writes a file of zeros until the disk says ENOSPC: the disk is then full for everyone.
    void fill();
    void free_space();  // removes what fill() wrote

  private:
    std::string path_;
    bool mounted_ = false;
};

void write_file(const std::string& path, const std::string& content);
std::string read_file(const std::string& path);
bool exists(const std::string& path);

struct RunResult {
    int exit_code = -1;
    std::string out, err;
};
// Runs a program with arguments (no shell), capturing stdout and stderr.
RunResult run(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env = {});
// The same with `input` as the program's stdin (a file, so not a terminal).
RunResult run_with_input(const std::vector<std::string>& argv, const std::string& input);

// A self-signed certificate for 127.0.0.1, made by openssl in `dir`: NAME.pem and its key NAME.key.
struct Certificate {
    std::string cert, key;
};
Certificate self_signed_certificate(const TempDir& dir, const std::string& name);

// The kiosk data as shipped (assets/ and locales/ in the source tree).
KioskData builtin_data();

// A completed response as the kiosk stores it: kiosk "k1", the built-in survey, Swedish, district
// 022, no location, trygghet 2, delaktighet declined, livskvalitet 8, a new id. Tests change fields.
Response sample_response();

// A valid response of the built-in survey from `kiosk`: every question answered with its first
// allowed value, submitted a minute ago, a new id.
Response valid_response(const std::string& kiosk, std::int64_t seq = 1);

// Figures as the store could publish them for district 041 (Söder) and the city, in 2026:
// trygghet_trygg_andel's district cell hidden (too few answers), the others shown.
ResultsSnapshot sample_results(const Survey& survey);

}  // namespace lkp::test
