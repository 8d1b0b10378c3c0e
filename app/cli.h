#pragma once
// The command line: `lkp-kiosk [run options]` or `lkp-kiosk COMMAND [options]`. main.cpp declares
// the commands and their options with CLI11, which fills one of these structs per command.
#include <cstdint>
#include <optional>
#include <string>

namespace lkp {

// Exit codes: 0 ok, 1 the work failed (disk, database), 2 bad usage or a bad file.
inline constexpr int kExitOk = 0, kExitFailure = 1, kExitUsage = 2;

// --config FILE: every command that reads the city's files.
struct ConfigOptions {
    std::optional<std::string> config;
};

// --data-dir DIR beside it: every command that opens the kiosk's database.
struct DataOptions : ConfigOptions {
    std::optional<std::string> data_dir;
};

// The kiosk itself (no command given).
struct RunOptions : DataOptions {
    std::optional<std::string> windowed;  // "WIDTHxHEIGHT", checked by run_kiosk
    std::optional<std::string> ui_tree;
    std::optional<std::string> screenshot_dir;
};

struct ExportOptions : DataOptions {
    std::string format;  // "csv" or "json"
    std::string out;
};

struct StatusOptions : DataOptions {
    bool json = false;
};

struct SimulateOptions : DataOptions {
    int count = 0;  // 1 to 10,000,000
    std::uint64_t seed = 1;
};

struct CheckConfigOptions : ConfigOptions {};

// The staff PIN, read from stdin.
struct SetPinOptions : DataOptions {};

// Unset values fall back to the config's.
struct SyncOptions : DataOptions {
    std::optional<std::string> store_url, token_file, ca_bundle, pinned_public_key;
    std::optional<int> batch_size;   // 1 to 1000
    std::optional<int> timeout;      // seconds, 1 to 3600
    std::optional<int> backoff_cap;  // seconds, 1 to 86400
    bool once = false;
    int max_failures = 5;  // 1 to 1000, only with --once
    bool requeue_rejected = false;
};

struct KioskConfig;
struct KioskData;

// --data-dir, else the config's data_dir, else $XDG_DATA_HOME (or ~/.local/share)/lkp-kiosk.
std::string data_dir(const DataOptions& args, const KioskConfig& config);
// Loads the city's files named by --config (or the defaults); prints the problem and
// returns nullopt when one is wrong (the caller exits with kExitUsage).
std::optional<KioskData> load_data(const ConfigOptions& args);

int run_kiosk(const RunOptions& args);
int cmd_export(const ExportOptions& args);
int cmd_status(const StatusOptions& args);
int cmd_simulate(const SimulateOptions& args);
int cmd_check_config(const CheckConfigOptions& args);
int cmd_set_pin(const SetPinOptions& args);
int cmd_sync(const SyncOptions& args);

}  // namespace lkp
