// lkp-kiosk: the survey kiosk and the commands staff use beside it.
#include <CLI/CLI.hpp>
#include <csignal>
#include <functional>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli.h"

namespace {

CLI::Option* add_config(CLI::App& app, lkp::ConfigOptions& o) {
    return app.add_option("--config", o.config, "The kiosk's config file (default: the built-in settings)")
        ->type_name("FILE");
}

std::vector<CLI::Option*> add_data(CLI::App& app, lkp::DataOptions& o) {
    return {add_config(app, o),
            app.add_option("--data-dir", o.data_dir, "Folder of the kiosk's database (default: the config's data_dir)")
                ->type_name("DIR")};
}

// Digits only, up to 2^64 - 1: unsigned conversion alone takes "-1" and too many digits as the
// largest number.
const CLI::Validator kWholeNumber(
    [](std::string& s) {
        bool fits = !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
        try {
            if (fits) static_cast<void>(std::stoull(s));
        } catch (const std::out_of_range&) {
            fits = false;
        }
        return fits ? std::string() : "must be a whole number from 0 to 18446744073709551615, not '" + s + "'";
    },
    "WHOLE NUMBER");

// Bad usage: one line naming the problem, and where to read about the command. A word
// nothing took (a mistyped option) is named first: the rest of what went wrong follows from it.
int usage_error(const CLI::App& app, const CLI::ParseError& e) {
    std::string path = app.get_name();  // the deepest command given: "lkp-kiosk sync"
    for (const CLI::App* a = &app; !a->get_subcommands().empty();) {
        a = a->get_subcommands().front();
        path += " " + a->get_name();
    }
    std::vector<std::string> extras = app.remaining(true);
    std::string what = extras.empty() ? e.what() : CLI::ExtrasError(extras).what();
    std::cerr << "lkp-kiosk: " << what << "\n(see " << path << " --help)\n";
    return lkp::kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
    // A file-size limit must surface as a write error we report, not kill the kiosk mid-commit.
    std::signal(SIGXFSZ, SIG_IGN);

    CLI::App app(
        "LKP Kiosk: without a command, runs the kiosk (fullscreen on the configured monitor unless "
        "--windowed); the commands are for staff.",
        "lkp-kiosk");
    app.set_version_flag("--version", "lkp-kiosk " LKP_VERSION, "Print the version and exit");
    const std::string exit_status = "Exit status: 0 success, 1 the work failed, 2 bad usage or a bad file.";
    app.footer(exit_status);  // the commands inherit it
    app.require_subcommand(0, 1);
    std::vector<std::pair<CLI::App*, std::function<int()>>> commands;

    lkp::RunOptions run;  // no command: the kiosk itself
    std::vector<CLI::Option*> run_options = add_data(app, run);
    run_options.push_back(
        app.add_option("--windowed", run.windowed, "Run in a window of this size instead of fullscreen, e.g. 1920x1080")
            ->type_name("WxH"));
    run_options.push_back(
        app.add_option("--ui-tree", run.ui_tree, "Keep FILE (JSON) up to date with every tappable element on screen")
            ->type_name("FILE"));
    run_options.push_back(
        app.add_option("--screenshot-dir", run.screenshot_dir, "Save a screenshot of each new screen in DIR")
            ->type_name("DIR"));
    auto add_command = [&](const char* name, const char* about, std::function<int()> action) {
        CLI::App* sub = app.add_subcommand(name, about);
        for (CLI::Option* o : run_options) sub->excludes(o);  // the kiosk's own options do not go before a command
        commands.emplace_back(sub, std::move(action));
        return sub;
    };

    lkp::ExportOptions ex;
    CLI::App* export_cmd =
        add_command("export", "Write every stored response to a CSV or JSON file", [&] { return lkp::cmd_export(ex); });
    add_data(*export_cmd, ex);
    export_cmd->add_option("--format", ex.format, "csv or json")->required()->check(CLI::IsMember({"csv", "json"}));
    export_cmd->add_option("--out", ex.out, "The file to write (replaced whole, never half-written)")
        ->required()
        ->type_name("FILE")
        ->check(CLI::Validator([](std::string& s) { return s.empty() ? std::string("empty file name") : ""; }, ""));

    lkp::StatusOptions st;
    CLI::App* status_cmd =
        add_command("status", "Totals, unsent answers and the response rate (sessions started, completed, abandoned)",
                    [&] { return lkp::cmd_status(st); });
    add_data(*status_cmd, st);
    status_cmd->add_flag("--json", st.json, "Print the figures as JSON");

    lkp::SimulateOptions sim;
    CLI::App* simulate_cmd =
        add_command("simulate", "Drive the real session logic with random answers, stored flagged as synthetic",
                    [&] { return lkp::cmd_simulate(sim); });
    add_data(*simulate_cmd, sim);
    simulate_cmd->add_option("--count", sim.count, "How many sessions to simulate")
        ->required()
        ->type_name("N")
        ->check(CLI::Range(1, 10'000'000));
    simulate_cmd->add_option("--seed", sim.seed, "Seed of the random answers; the same seed gives the same answers")
        ->type_name("S")
        ->capture_default_str()
        ->check(kWholeNumber);

    lkp::SetPinOptions pin;
    CLI::App* pin_cmd = add_command(
        "set-pin", "Set the PIN (6 to 12 digits, read from stdin) that opens staff mode; kept only as a hash",
        [&] { return lkp::cmd_set_pin(pin); });
    add_data(*pin_cmd, pin);

    lkp::SyncOptions sy;
    CLI::App* sync_cmd = add_command(
        "sync", "Send waiting answers to the indicator store (until stopped, or with --once until none wait)",
        [&] { return lkp::cmd_sync(sy); });
    add_data(*sync_cmd, sy);
    sync_cmd->add_option("--store-url", sy.store_url, "The store's http:// or https:// address (default: the config's)")
        ->type_name("URL");
    sync_cmd->add_option("--token-file", sy.token_file, "File holding this kiosk's token (default: the config's)")
        ->type_name("FILE");
    sync_cmd->add_option("--ca-bundle", sy.ca_bundle, "CA certificates to check the store's certificate with")
        ->type_name("FILE");
    sync_cmd->add_option("--pinned-public-key", sy.pinned_public_key, "Accept only the store key with this hash")
        ->type_name("sha256//KEY");
    sync_cmd->add_option("--batch-size", sy.batch_size, "Answers per request (default: the config's)")
        ->type_name("N")
        ->check(CLI::Range(1, 1000));
    sync_cmd->add_option("--timeout", sy.timeout, "Seconds to wait for the store per request (default: the config's)")
        ->type_name("S")
        ->check(CLI::Range(1, 3600));
    sync_cmd->add_option("--backoff-cap", sy.backoff_cap, "Longest wait in seconds between failed tries")
        ->type_name("S")
        ->check(CLI::Range(1, 86400));
    CLI::Option* once = sync_cmd->add_flag("--once", sy.once, "Send until none wait, then exit");
    sync_cmd->add_option("--max-failures", sy.max_failures, "With --once: give up after N failed tries in a row")
        ->type_name("N")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000))
        ->needs(once);
    sync_cmd->add_flag("--requeue-rejected", sy.requeue_rejected, "First put answers the store rejected back in line");

    lkp::CheckConfigOptions cc;
    CLI::App* check_cmd =
        add_command("check-config", "Load and check the config, survey, district list and translations, then exit",
                    [&] { return lkp::cmd_check_config(cc); });
    add_config(*check_cmd, cc);

    app.footer(exit_status + "\nRun 'lkp-kiosk COMMAND --help' for a command's options.");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);  // --help, --version
        return usage_error(app, e);
    }
    for (const auto& [sub, action] : commands)
        if (sub->parsed()) return action();
    return lkp::run_kiosk(run);
}
