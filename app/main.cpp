// lkp-kiosk: the survey kiosk and the commands staff use beside it.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <set>
#include <string>

#include "cli.h"

namespace {

const char* kUsage = R"(Usage:
  lkp-kiosk [--config FILE] [--data-dir DIR] [--windowed WxH] [--ui-tree FILE] [--screenshot-dir DIR]
      Run the kiosk. Without --windowed it is fullscreen on the configured monitor.
  lkp-kiosk export --data-dir DIR --format csv|json --out FILE [--config FILE]
      Write every stored response to FILE.
  lkp-kiosk status --data-dir DIR [--json]
      Totals, unsent answers and the response rate (sessions started, completed, abandoned).
  lkp-kiosk simulate --data-dir DIR --count N [--seed S] [--config FILE]
      Drive the real session logic with random answers, stored flagged as synthetic.
  lkp-kiosk sync --data-dir DIR --store-url URL --token-file FILE [--once] [--config FILE]
            [--ca-bundle FILE] [--pinned-public-key sha256//KEY] [--batch-size N] [--timeout S]
            [--backoff-cap S] [--max-failures N] [--requeue-rejected]
      Send waiting answers to the indicator store. --once: until none wait, then exit.
  lkp-kiosk check-config [--config FILE]
      Load and check the config, survey, district list and translations, then exit.
  lkp-kiosk --help | --version
Exit status: 0 success, 1 the work failed, 2 bad usage or a bad file.
)";

struct CommandSpec {
    int (*run)(const lkp::Args&);
    std::set<std::string> flags;    // options without a value
    std::set<std::string> valued;   // options that take a value
};

const std::map<std::string, CommandSpec>& commands() {
    static const std::map<std::string, CommandSpec> c = {
        {"run", {lkp::run_kiosk, {}, {"--config", "--data-dir", "--windowed", "--ui-tree", "--screenshot-dir"}}},
        {"export", {lkp::cmd_export, {}, {"--config", "--data-dir", "--format", "--out"}}},
        {"status", {lkp::cmd_status, {"--json"}, {"--config", "--data-dir"}}},
        {"simulate", {lkp::cmd_simulate, {}, {"--config", "--data-dir", "--count", "--seed"}}},
        {"check-config", {lkp::cmd_check_config, {}, {"--config"}}},
        {"sync", {lkp::cmd_sync, {"--once", "--requeue-rejected"},
                  {"--config", "--data-dir", "--store-url", "--token-file", "--ca-bundle", "--pinned-public-key",
                   "--batch-size", "--timeout", "--backoff-cap", "--max-failures"}}},
    };
    return c;
}

int usage_error(const std::string& what) {
    std::fprintf(stderr, "lkp-kiosk: %s\n(see lkp-kiosk --help)\n", what.c_str());
    return lkp::kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
    // A file-size limit must surface as a write error we report, not kill the kiosk mid-commit.
    std::signal(SIGXFSZ, SIG_IGN);
    lkp::Args args;
    int i = 1;
    if (argc > 1 && argv[1][0] != '-') {
        args.command = argv[1];
        i = 2;
    } else {
        args.command = "run";
    }
    if (argc > 1 && (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h"))) {
        std::fputs(kUsage, stdout);
        return lkp::kExitOk;
    }
    if (argc > 1 && !std::strcmp(argv[1], "--version")) {
        std::puts("lkp-kiosk " LKP_VERSION);
        return lkp::kExitOk;
    }
    auto spec = commands().find(args.command);
    if (spec == commands().end() || (args.command == "run" && i == 2))
        return usage_error("unknown command \"" + args.command + "\"");
    for (; i < argc; ++i) {
        std::string name = argv[i];
        std::string value;
        bool inline_value = false;
        if (auto eq = name.find('='); eq != std::string::npos && name.rfind("--", 0) == 0) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
            inline_value = true;
        }
        if (spec->second.flags.count(name)) {
            if (inline_value) return usage_error(name + " takes no value");
        } else if (spec->second.valued.count(name)) {
            if (!inline_value) {
                if (i + 1 >= argc) return usage_error(name + " needs a value");
                value = argv[++i];
            }
        } else {
            return usage_error("unknown option \"" + name + "\" for " +
                               (args.command == "run" ? std::string("the kiosk") : "\"" + args.command + "\""));
        }
        if (args.options.count(name)) return usage_error(name + " given twice");
        args.options[name] = value;
    }
    return spec->second.run(args);
}
