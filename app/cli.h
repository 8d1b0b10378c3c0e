#pragma once
// The command line: `lkp-kiosk [run options]` or `lkp-kiosk COMMAND [options]`.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lkp {

// Exit codes: 0 ok, 1 the work failed (disk, database), 2 bad usage or a bad file.
inline constexpr int kExitOk = 0, kExitFailure = 1, kExitUsage = 2;

struct Args {
    std::string command;                          // "run" when none is given
    std::map<std::string, std::string> options;   // "--data-dir" -> "DIR"; flags map to ""
    std::optional<std::string> get(const std::string& name) const {
        auto it = options.find(name);
        return it == options.end() ? std::nullopt : std::optional<std::string>(it->second);
    }
    bool has(const std::string& name) const { return options.count(name) > 0; }
};

struct KioskConfig;
struct KioskData;

// --data-dir, else the config's data_dir, else $XDG_DATA_HOME (or ~/.local/share)/lkp-kiosk.
std::string data_dir(const Args& args, const KioskConfig& config);
// Loads the city's files named by --config (or the defaults); prints the problem and
// returns nullopt when one is wrong (the caller exits with kExitUsage).
std::optional<KioskData> load_data(const Args& args);

int run_kiosk(const Args& args);
int cmd_export(const Args& args);
int cmd_status(const Args& args);
int cmd_simulate(const Args& args);
int cmd_check_config(const Args& args);
int cmd_sync(const Args& args);

}  // namespace lkp
