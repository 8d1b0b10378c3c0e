// libFuzzer target: the store's whole HTTP request path. Each input is written as raw bytes to a
// real connection of the real front (libmicrohttpd, the /v1 router, gzip, the batch parser, the
// SQLite backend, the public figure routes), so a crash here is one a stranger on the network could
// cause. A request that carries "Bearer fuzz-token" reaches the authenticated kiosk paths,
// "Bearer fuzz-operator" the exports.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "api.h"
#include "core/districts.h"
#include "core/survey.h"
#include "http_server.h"
#include "indicator_api.h"
#include "store_backend.h"
#include "tokens.h"

namespace {

struct Store {
    lkp::sync::SurveyCatalog catalog{{lkp::load_survey(LKP_SOURCE_DIR "/assets/surveys/helsingborg-lkp.json")},
                                     lkp::load_districts(LKP_SOURCE_DIR "/assets/districts/helsingborg.json")};
    std::unique_ptr<lkp::server::StoreBackend> backend;
    std::unique_ptr<lkp::server::IndicatorTables> tables;
    std::unique_ptr<lkp::server::IndicatorApi> figures;
    std::unique_ptr<lkp::server::Api> api;
    std::unique_ptr<lkp::server::http::Server> server;

    Store() {
        char dir[] = "/tmp/lkp-http-fuzz-XXXXXX";
        if (!mkdtemp(dir)) std::abort();
        backend = lkp::server::open_sqlite(std::string(dir) + "/store.db");
        backend->add_kiosk("k1", lkp::server::token_hash("fuzz-token"), "2026-11-22T12:00:00.000Z");
        backend->add_operator("op", lkp::server::token_hash("fuzz-operator"), "2026-11-22T12:00:00.000Z");
        tables = std::make_unique<lkp::server::IndicatorTables>(*backend, catalog.districts, 5);
        figures = std::make_unique<lkp::server::IndicatorApi>(*backend, catalog, *tables);
        // No rate limit: the fuzzer sends far faster than any kiosk.
        api =
            std::make_unique<lkp::server::Api>(*backend, catalog, lkp::server::KioskLimits{2, 1e9, 1e9}, figures.get());
        lkp::server::http::Limits limits;
        limits.idle_timeout_s = 2;
        server = std::make_unique<lkp::server::http::Server>(
            [this](const lkp::server::http::RequestHead& head) { return api->route(head); }, limits);
        server->start("127.0.0.1", 0);
    }
};

Store& store() {
    static Store s;
    return s;
}

// libFuzzer's timeout timer sends SIGALRM without SA_RESTART, so any of the harness's own
// blocking calls can end with EINTR. A loopback connect() does sleep under load (measured: 1 in 10
// with a fast timer and busy cores); this is the likeliest cause of the one abort in connect_to seen
// in a clean-clone run under load.
bool connected_after_interrupt(int fd) {
    pollfd p{fd, POLLOUT, 0};
    while (poll(&p, 1, -1) < 0)
        if (errno != EINTR) return false;
    int error = 0;
    socklen_t length = sizeof error;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return false;
    errno = error;
    return error == 0;
}

int connect_to(const Store& s, long timeout_ms) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        std::perror("http_fuzz: socket");
        std::abort();
    }
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(s.server->port()));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 &&
        !(errno == EINTR && connected_after_interrupt(fd))) {
        std::perror("http_fuzz: connect to the store");
        std::abort();
    }
    timeval limit{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    return fd;
}

// Sends everything it can, then reads until the store closes or stays silent for the timeout
// (an incomplete request is rightly waited for until the idle timeout). Returns what came back.
std::string exchange(int fd, const std::uint8_t* data, std::size_t size) {
    std::size_t sent = 0;
    while (sent < size) {
        ssize_t n = send(fd, data + sent, size - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // the store closed early, as it may after a refusal
        sent += static_cast<std::size_t>(n);
    }
    shutdown(fd, SHUT_WR);
    std::string answer;
    char buffer[65536];
    for (;;) {
        ssize_t n = recv(fd, buffer, sizeof buffer, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        answer.append(buffer, static_cast<std::size_t>(n));
    }
    close(fd);
    return answer;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Store& s = store();
    exchange(connect_to(s, 250), data, size);
    // Whatever came before, the store still answers a plain health check promptly.
    static unsigned inputs = 0;
    if (++inputs % 64 == 0) {
        static const std::string health = "GET /v1/health HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n";
        std::string answer =
            exchange(connect_to(s, 5000), reinterpret_cast<const std::uint8_t*>(health.data()), health.size());
        if (answer.rfind("HTTP/1.1 200 ", 0) != 0) {
            std::fprintf(stderr, "http_fuzz: the health check got %zu bytes: %.200s\n", answer.size(), answer.c_str());
            __builtin_trap();
        }
    }
    return 0;
}
