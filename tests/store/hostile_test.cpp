// The store on the open internet: hostile clients, tried with real sockets against the real
// lkp-store binary. The attacker is another machine (127.0.0.2); the real kiosk and the health
// probe come from 127.0.0.1. During each attack the neighbours are served within 3 s and the
// store's memory stays under 300 MiB; after it the store is alive and healthy (issue 13).
//
// LKP_TEST_STORE_BIN=/path/to/lkp-store runs the suite against another build of the store.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "protocol/batch.h"
#include "protocol/heartbeat.h"
#include "raw_client.h"
#include "record/response_codec.h"
#include "record/utc.h"
#include "store_fixture.h"

namespace lkp::test {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kMaxRssKb = 300 * 1024;  // 300 MiB
constexpr Millis kInTime = 3s;                 // what a neighbour may wait during an attack
// How long an attack runs before the neighbours are tried: its time to bite (a worker pool
// filling, a queue growing), not a wait for something the test could poll.
constexpr Millis kBite = 1500ms;
constexpr std::size_t kMiB = 1024 * 1024;

const std::string kSmuggled = "GET /v1/health?smuggled=1 HTTP/1.1\r\nHost: x\r\n\r\n";

std::string repeat(const std::string& s, std::size_t n) {
    std::string out;
    out.reserve(s.size() * n);
    for (std::size_t i = 0; i < n; ++i) out += s;
    return out;
}

// `text` safe to print in a failure message: control bytes (and U+202E) as \xNN, newlines kept.
std::string visible(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (text.compare(i, 3, "\u202e") == 0) {
            out += "\\u202e";
            i += 2;
        } else if ((c < 0x20 && c != '\n') || c == 0x7f) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", c);
            out += hex;
        } else {
            out += text[i];
        }
    }
    return out;
}

// The start of an answer's body, for a failure message.
std::string brief(const std::string& body) { return visible(body.size() > 300 ? body.substr(0, 300) + "..." : body); }

std::string tail(const std::string& log, std::size_t n = 1500) {
    return visible(log.size() > n ? "..." + log.substr(log.size() - n) : log);
}

// What openssl s_client said about the handshake, without the certificate and session dump.
std::string handshake_summary(const std::string& out) {
    std::string summary;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);)
        if (line.find("Cipher") != std::string::npos || line.find("alert") != std::string::npos ||
            line.find("error") != std::string::npos || line.find("handshake") != std::string::npos)
            summary += line + "\n";
    return summary;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

// A batch's headers, as the kiosk of `token` sends them (no token: an unauthenticated client).
HeaderList batch_headers(const std::string& token, HeaderList more = {}) {
    HeaderList h{{"Idempotency-Key", new_uuid_v4()}, {"Content-Type", "application/json"}};
    if (!token.empty()) h.emplace_back("Authorization", "Bearer " + token);
    h.insert(h.end(), more.begin(), more.end());
    return h;
}

class Hostile : public StoreTest {
  protected:
    void SetUp() override {
        StoreTest::SetUp();
        if (IsSkipped()) return;
        watch();
    }

    // The store again with other `serve` arguments; the real kiosk and the sampler follow it.
    void restart(std::vector<std::string> args) {
        sampler_.reset();
        neighbour_.reset();
        start_server(std::move(args));
        watch();
    }

    void watch() {
        neighbour_ = std::make_unique<RealKiosk>(*server_);
        sampler_ = std::make_unique<MemorySampler>(server_->pid());
    }

    // While an attack runs: GET /v1/health and a real kiosk's batch each answered within 3 s.
    void expect_neighbours_served(const std::string& during) {
        ProbeResult health = probe_health(server_->port(), kInTime);
        EXPECT_TRUE(health.ok) << during << ": " << health.what << " after " << health.took.count() << " ms";
        ProbeResult kiosk = neighbour_->deliver(kInTime);
        EXPECT_TRUE(kiosk.ok) << during << ": the real kiosk's batch: " << kiosk.what << " after " << kiosk.took.count()
                              << " ms";
        expect_small(during);
    }

    void expect_small(const std::string& when) {
        EXPECT_LT(sampler_->peak_rss_kb(), kMaxRssKb)
            << when << ": the store's RSS peaked at " << sampler_->peak_rss_kb() / 1024 << " MiB";
    }

    // After every test: the store lives, answers health, and never held more than 300 MiB.
    void TearDown() override {
        if (!server_ || !sampler_) return;
        std::optional<std::size_t> hwm = sampler_->hwm_kb();
        EXPECT_TRUE(hwm) << "the store is gone (crashed?):\n" << tail(server_->log());
        if (hwm) {
            EXPECT_LT(*hwm, kMaxRssKb) << "the store's VmHWM: " << *hwm / 1024 << " MiB";
        }
        expect_small("over the whole test");
        if (healthy_at_end_ && hwm && !server_->tls()) {
            ProbeResult health = probe_health(server_->port(), kInTime);
            EXPECT_TRUE(health.ok) << "after the attack: " << health.what << "\n" << tail(server_->log());
        }
        sampler_.reset();
    }

    void expect_no_smuggling(bool body_later);

    std::string batch_request(const std::string& body, const std::string& token, HeaderList more = {}) {
        return http_request("POST", sync::kBatchPath, batch_headers(token, std::move(more)), body);
    }

    std::unique_ptr<RealKiosk> neighbour_;
    std::unique_ptr<MemorySampler> sampler_;
    bool healthy_at_end_ = true;
};

// ---- 1. Deep nesting: one small request once overflowed the stack

// A batch of one item whose first answer is `value` (raw JSON text).
std::string batch_with_answer(const std::string& kiosk, const std::string& value, std::string& id) {
    Response r = valid_response(kiosk);
    id = r.id;
    Json item = record::to_wire(r);
    item["answers"][builtin_data().survey.questions.at(0).id] = "@VALUE@";
    std::string body = Json{{"responses", {item}}}.dump();
    return body.replace(body.find("\"@VALUE@\""), 9, value);
}

TEST_P(Hostile, DeepNestingIsRefusedNotACrash) {
    constexpr std::size_t kDepth = 100'000;
    std::vector<std::pair<std::string, std::string>> values{
        {"arrays", repeat("[", kDepth) + repeat("]", kDepth)},
        {"objects", repeat("{\"a\":", kDepth) + "1" + repeat("}", kDepth)}};
    std::vector<std::string> requests;
    for (const auto& [what, value] : values) {
        SCOPED_TRACE(what + " 100,000 deep");
        std::string id;
        requests.push_back(batch_request(batch_with_answer(kiosk_, value, id), token_));
        std::optional<HttpResponse> r = exchange(server_->port(), requests.back(), kAttacker, 10s);
        ASSERT_TRUE(r) << "no answer; the store's log:\n" << tail(server_->log());
        if (r->status == 200) {
            auto results = sync::parse_results(r->body, {id});
            EXPECT_EQ(results.at(0).status, sync::ItemResult::Status::Rejected) << brief(r->body);
        } else {
            EXPECT_EQ(r->status, 400) << brief(r->body);
        }
        EXPECT_LT(r->body.size(), 4096u) << "the answer echoes the input";
    }
    std::size_t next = 0;
    Repeat attack([&] { exchange(server_->port(), requests[next++ % requests.size()], kAttacker, 10s); });
    std::this_thread::sleep_for(kBite);
    expect_neighbours_served("deep nesting, sent again and again");
}

// ---- 2-4. Slow and idle connections: no worker may wait on a client

TEST_P(Hostile, SlowHeadersFrom40Sockets) {
    std::string request = batch_request("{}", "");
    Swarm swarm(server_->port(), {{.count = 40, .opening = request.substr(0, 1), .drip = request.substr(1)}});
    ASSERT_TRUE(swarm.wait_established(10s));
    std::this_thread::sleep_for(kBite);
    expect_neighbours_served("40 sockets sending a header byte every 3 s: " + swarm.summary());
}

TEST_P(Hostile, SlowHeadersFrom200Sockets) {
    std::string request = batch_request("{}", "");
    Swarm swarm(server_->port(), {{.count = 200, .opening = request.substr(0, 1), .drip = request.substr(1)}});
    ASSERT_TRUE(swarm.wait_established(10s));
    std::this_thread::sleep_for(kBite);
    expect_neighbours_served("200 sockets sending a header byte every 3 s: " + swarm.summary());
}

TEST_P(Hostile, SlowBodies) {
    constexpr std::size_t kLength = 100'000;
    std::string body = "{\"responses\": [" + std::string(kLength - 15, ' ');
    HeaderList length{{"Content-Length", std::to_string(kLength)}};
    std::string anonymous = batch_request("", "", length), other_kiosk = batch_request("", token_, length);
    Swarm swarm(server_->port(), {{.count = 20, .opening = anonymous, .drip = body},
                                  {.count = 20, .opening = other_kiosk, .drip = body}});
    ASSERT_TRUE(swarm.wait_established(10s));
    std::this_thread::sleep_for(kBite);
    expect_neighbours_served("40 slow uploads, half without a token: " + swarm.summary());

    // Without a token: 401 within 1 s of the headers, the body never waited for, then closed.
    // (One the store turns away at once, for the address's connection limit, waits for nothing either.)
    auto seen_at = Clock::now();
    auto sessions = swarm.sessions(0);
    swarm.stop();
    int answered = 0, waited = 0, not_401 = 0, late = 0, kept_open = 0;
    for (const SwarmSession& s : sessions) {
        if (s.refused) continue;
        if (!s.answered_after) {
            if (s.closed_after ? *s.closed_after > 1s : seen_at - s.opened >= 1s) ++waited;
            continue;
        }
        ++answered;
        not_401 += s.status != 401;
        late += *s.answered_after > 1s;
        if (s.closed_after ? *s.closed_after > *s.answered_after + 1s : seen_at - s.opened >= *s.answered_after + 1s)
            ++kept_open;
    }
    EXPECT_GT(answered, 0) << "no upload without a token was answered";
    EXPECT_EQ(waited, 0) << "uploads without a token neither answered nor closed within 1 s";
    EXPECT_EQ(not_401, 0) << "uploads without a token answered other than 401";
    EXPECT_EQ(late, 0) << "uploads without a token answered later than 1 s after their headers";
    EXPECT_EQ(kept_open, 0) << "uploads without a token not closed within 1 s of their answer";
}

TEST_P(Hostile, IdleSockets) {
    Swarm swarm(server_->port(), {{.count = 200}});
    ASSERT_TRUE(swarm.wait_established(10s));
    std::this_thread::sleep_for(kBite);
    expect_neighbours_served("200 connections that send nothing: " + swarm.summary());
}

// ---- 5-6. Request smuggling and pipelining: a connection's bytes are read as the client meant them

// A request refused before its body is read, whose body is a second request.
struct Refusal {
    std::string name;
    int status;
    std::string head;  // the request line and headers; the body is kSmuggled
};

// Exactly one answer, `status`, then the close: the body was never read as a request. The body
// goes in the same write as the head, or (`body_later`) once the refusal came (1 s at most).
void expect_one_answer_then_close(int port, const Refusal& r, bool body_later) {
    SCOPED_TRACE(r.name + (body_later ? ", the body sent after the answer" : ", in one write"));
    RawConnection c(port);
    ASSERT_TRUE(c.connected());
    if (body_later) {
        c.send(r.head);
        c.read_responses(1, 1s);
        c.send(kSmuggled);
    } else {
        c.send(r.head + kSmuggled);
    }
    bool closed = c.read_until_closed(1500ms);
    ParsedResponses got = c.responses();
    ASSERT_EQ(got.responses.size(), 1u) << "answers: " << got.responses.size() << "; bytes:\n" << visible(c.received());
    EXPECT_EQ(got.responses[0].status, r.status) << brief(got.responses[0].body);
    EXPECT_TRUE(got.rest.empty()) << "after the answer: " << visible(got.rest);
    EXPECT_TRUE(closed) << "the connection stayed open after the refusal";
}

// Every early refusal of the store (404, 405, 413, 415, 401, 429) with a request in its body.
void Hostile::expect_no_smuggling(bool body_later) {
    restart({"--max-inflight", "1"});  // a 429 on demand
    auto head = [](const std::string& request) { return request.substr(0, request.size() - kSmuggled.size()); };
    HeaderList json{{"Content-Type", "application/json"}};
    std::vector<Refusal> refusals{
        {"404 unknown path", 404, head(http_request("POST", "/nope", json, kSmuggled))},
        {"405 GET with a body", 405, head(http_request("GET", sync::kBatchPath, json, kSmuggled))},
        {"413 declared too long", 413,
         head(batch_request(kSmuggled, token_, {{"Content-Length", std::to_string(9 * kMiB)}}))},
        {"415 Content-Encoding br", 415, head(batch_request(kSmuggled, token_, {{"Content-Encoding", "br"}}))},
        {"401 no token", 401, head(batch_request(kSmuggled, ""))},
        {"401 unknown token", 401, head(batch_request(kSmuggled, "lkp_" + std::string(43, 'A')))},
    };
    for (const auto& r : refusals) expect_one_answer_then_close(server_->port(), r, body_later);

    {
        // Two slow uploads of the attacker's kiosk hold its batch slots (and, with --max-inflight 1,
        // the store's only one); the next batch is refused 429 until they end. One that was
        // answered (a slot of an earlier request not yet given back) is started again.
        std::vector<std::unique_ptr<RawConnection>> holders(2);
        auto hold = [&] {
            for (auto& h : holders) {
                if (h) h->read_available();
                if (h && !h->closed() && h->received().empty()) continue;
                h = std::make_unique<RawConnection>(server_->port());
                h->send(batch_request("", token_, {{"Content-Length", "100000"}}) + "{");
            }
        };
        Refusal busy{"429 busy", 429, head(batch_request(kSmuggled, token_))};
        bool refused = false;
        std::map<int, int> answers;  // status (0: none) -> how many
        for (auto until = Clock::now() + 5s; !refused && Clock::now() < until;) {
            hold();
            RawConnection c(server_->port());
            c.send(busy.head + kSmuggled);
            c.read_responses(1, kInTime);
            auto got = c.responses();
            int status = got.responses.empty() ? 0 : got.responses[0].status;
            ++answers[status];
            refused = status == 429;
            if (!refused) std::this_thread::sleep_for(20ms);  // the holders' headers may not be read yet
        }
        std::string seen;
        for (const auto& [status, n] : answers) seen += " " + std::to_string(n) + "x" + std::to_string(status);
        ASSERT_TRUE(refused) << "no 429 while two slow uploads of the kiosk were in flight; answers:" << seen << "\n"
                             << tail(server_->log());
        expect_one_answer_then_close(server_->port(), busy, body_later);
    }
    EXPECT_EQ(server_->log().find("smuggled"), std::string::npos) << tail(server_->log());
    expect_neighbours_served("after the smuggling attempts");
}

TEST_P(Hostile, NoSmugglingAfterAnEarlyRefusal) { expect_no_smuggling(false); }

// The body arrives after the store refused the head (cpp-httplib then read it as the next request).
TEST_P(Hostile, NoSmugglingWhenTheBodyFollowsAnEarlyRefusal) { expect_no_smuggling(true); }

TEST_P(Hostile, PipelinedRequestsAreAllAnswered) {
    RawConnection c(server_->port());
    ASSERT_TRUE(c.connected());
    std::string get = http_request("GET", sync::kHealthPath);
    ASSERT_EQ(c.send(get + get), 2 * get.size());
    c.read_responses(2, kInTime);
    ParsedResponses got = c.responses();
    ASSERT_EQ(got.responses.size(), 2u) << visible(c.received());
    EXPECT_EQ(got.responses[0].status, 200);
    EXPECT_EQ(got.responses[1].status, 200);
    expect_neighbours_served("after pipelining");
}

// ---- 7. Oversized headers: bounded in size and count

TEST_P(Hostile, OversizedHeadersAreRefused) {
    {
        SCOPED_TRACE("a 64 MiB header line");
        std::size_t before = MemorySampler::status_kb(server_->pid(), "VmRSS").value_or(0);
        RawConnection c(server_->port());
        ASSERT_TRUE(c.connected());
        c.send("GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ");
        const std::string chunk(kMiB, 'a');
        std::size_t sent = 0;
        while (sent < 64 * kMiB && !c.closed() && c.received().empty()) {
            std::size_t n = c.send(chunk, 2s);
            sent += n;
            if (n < chunk.size()) break;  // closed, or the store stopped reading
            c.read_available();
        }
        c.read_until_closed(kInTime);
        ParsedResponses got = c.responses();
        EXPECT_LT(sent, 32 * kMiB) << "the store read " << sent / kMiB << " MiB of one header line";
        if (!got.responses.empty()) {
            EXPECT_TRUE(got.responses[0].status == 431 || got.responses[0].status == 400) << got.responses[0].status;
        }
        EXPECT_TRUE(c.closed()) << "the store neither refused nor closed the connection";
        EXPECT_LT(sampler_->peak_rss_kb(), before + 32 * 1024)
            << "the store's RSS grew from " << before / 1024 << " to " << sampler_->peak_rss_kb() / 1024 << " MiB";
    }
    {
        SCOPED_TRACE("8,450 small headers");
        HeaderList many;
        for (int i = 1; i <= 8450; ++i) many.emplace_back("X-A" + std::to_string(i), "1");
        RawConnection c(server_->port());
        ASSERT_TRUE(c.connected());
        c.send(http_request("GET", sync::kHealthPath, many));
        c.read_responses(1, kInTime);
        ParsedResponses got = c.responses();
        ASSERT_FALSE(got.responses.empty()) << "no answer" << (c.closed() ? " (closed)" : "");
        EXPECT_TRUE(got.responses[0].status == 431 || got.responses[0].status == 400) << got.responses[0].status;
    }
    {
        SCOPED_TRACE("20 ordinary headers");
        HeaderList some;
        for (int i = 1; i <= 20; ++i) some.emplace_back("X-Header-" + std::to_string(i), "value " + std::to_string(i));
        std::optional<HttpResponse> r = exchange(server_->port(), http_request("GET", sync::kHealthPath, some));
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 200);
    }
    expect_neighbours_served("after oversized headers");
}

// ---- 8. Memory amplification: small gzip uploads that inflate to large JSON trees, in parallel

// head, then `each` as often as fits under `size` bytes in all (its last comma dropped), then tail.
std::string repeated_json(std::string head, const std::string& each, const std::string& tail, std::size_t size) {
    head.reserve(size);
    while (head.size() + each.size() + tail.size() < size) head += each;
    head.pop_back();
    return head + tail;
}

// gzip of {"responses":[{},{},...]} inflating to just under `size` bytes.
std::string empty_items(std::size_t size) { return gzip(repeated_json("{\"responses\":[", "{},", "]}", size)); }

TEST_P(Hostile, MemoryAmplificationInParallel) {
    // Eight kiosks on eight machines, so that no per-kiosk or per-address limit turns any away
    // before its body is inflated: all eight are parsed at once.
    const std::string under = empty_items(sync::kMaxBodyBytes - 64), over = empty_items(9 * kMiB);
    ASSERT_LT(under.size(), 64u * 1024);
    std::mutex mutex;
    std::map<int, std::vector<int>> statuses;  // by attacker
    std::vector<std::unique_ptr<Repeat>> attackers;
    for (int i = 0; i < 8; ++i) {
        std::string from = "127.0.0." + std::to_string(2 + i);
        std::string request = batch_request(i == 0 ? over : under, server_->add_kiosk("amplifier-" + std::to_string(i)),
                                            {{"Content-Encoding", "gzip"}});
        attackers.push_back(std::make_unique<Repeat>([&, i, from, request] {
            // A store over the limit has failed already; pushing a shared machine into swap proves no more.
            if (sampler_->peak_rss_kb() >= kMaxRssKb) return std::this_thread::sleep_for(50ms);
            std::optional<HttpResponse> r = exchange(server_->port(), request, from, 5s);
            std::lock_guard lock(mutex);
            statuses[i].push_back(r ? r->status : 0);
        }));
    }
    std::this_thread::sleep_for(kBite);
    expect_neighbours_served("8 gzip uploads of empty items at once");
    bool all_answered = eventually(
        [&] {
            std::lock_guard lock(mutex);
            return statuses.size() == 8;
        },
        5s);
    attackers.clear();
    EXPECT_TRUE(all_answered) << "not every attacker was answered";
    for (const auto& [i, list] : statuses)
        for (int status : list) EXPECT_TRUE(status == 413 || status == 400) << "attacker " << i << " got " << status;
}

// ---- 9. Escape codes: nothing from a client reaches a terminal or a log line raw

TEST_P(Hostile, EscapeCodesReachNoTerminalAndNoLog) {
    const std::string hostile =
        "\x1b]0;pwned\x07"
        "\x1b[2J"
        "\nk9 fake line"
        "\u202e";
    auto send_heartbeat = [&](const std::string& version, const std::string& error) {
        sync::Heartbeat h{.kiosk_id = kiosk_,
                          .program_version = version,
                          .unsent = 1,
                          .rejected = 0,
                          .last_error = error,
                          .sent_at = format_utc(std::chrono::system_clock::now())};
        std::optional<HttpResponse> r = exchange(
            server_->port(), http_request("POST", sync::kHeartbeatPath,
                                          {{"Authorization", "Bearer " + token_}, {"Content-Type", "application/json"}},
                                          sync::encode_heartbeat(h)));
        ASSERT_TRUE(r);
        EXPECT_TRUE(r->status == 204 || r->status == 400) << r->status << " " << brief(r->body);
    };
    send_heartbeat("0.1.0" + hostile, hostile);
    send_heartbeat("0.1.0", hostile);  // only the error hostile: a store refusing odd versions stores this one

    auto list = server_->cli({"kiosk", "list"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_FALSE(has_control_bytes(list.out)) << visible(list.out);
    auto listed = lines(list.out);
    EXPECT_EQ(listed.size(), 2u) << "one line per kiosk (" << kiosk_ << ", " << neighbour_->name() << "):\n"
                                 << visible(list.out);
    for (const auto& line : listed)
        EXPECT_TRUE(line.rfind(kiosk_ + " ", 0) == 0 || line.rfind(neighbour_->name() + " ", 0) == 0) << visible(line);

    // A request line with an encoded newline and ESC, and a raw ESC in a header: each request
    // stays one log line, without a control byte.
    std::size_t logged = server_->log().size();
    auto new_log = [&] { return server_->log().substr(logged); };
    std::optional<HttpResponse> forged =
        exchange(server_->port(), http_request("GET", "/v1/nope%0aFORGED%20line%1b[2J%0d"));
    ASSERT_TRUE(forged);
    eventually([&] { return new_log().find("nope") != std::string::npos; }, 2s);
    std::optional<HttpResponse> agent =
        exchange(server_->port(), http_request("GET", sync::kHealthPath, {{"User-Agent", "evil\x1b[2Jagent"}}));
    ASSERT_TRUE(agent);
    std::size_t before_agent = new_log().size();
    eventually([&] { return new_log().size() > before_agent; }, 2s);

    std::string log = server_->log();
    EXPECT_EQ(log.find('\x1b'), std::string::npos) << "ESC in the log:\n" << tail(log);
    EXPECT_FALSE(has_control_bytes(new_log())) << visible(new_log());
    auto logged_lines = lines(new_log());
    EXPECT_LE(std::count_if(logged_lines.begin(), logged_lines.end(),
                            [](const std::string& l) { return l.find("nope") != std::string::npos; }),
              1)
        << visible(new_log());
    for (const auto& line : logged_lines)
        EXPECT_NE(line.rfind("FORGED", 0), 0u) << "a forged log line: " << visible(line);
    expect_neighbours_served("after escape codes");
}

// ---- TLS: no cipher without forward secrecy

TEST_P(Hostile, TlsRefusesCiphersWithoutForwardSecrecy) {
    TempDir tls;
    Certificate c = self_signed_certificate(tls, "store");
    restart({"--tls-cert", c.cert, "--tls-key", c.key});
    auto handshake = [&](const std::string& cipher) {
        return run_with_limit({"/bin/sh", "-c",
                               "openssl s_client -connect 127.0.0.1:" + std::to_string(server_->port()) +
                                   " -tls1_2 -cipher " + cipher + " </dev/null 2>&1"},
                              10s);
    };
    TimedRun weak = handshake("AES128-SHA");
    ASSERT_TRUE(weak.finished);
    EXPECT_NE(weak.exit_code, 0) << handshake_summary(weak.out);
    EXPECT_EQ(weak.out.find("Cipher is AES128-SHA"), std::string::npos) << handshake_summary(weak.out);
    TimedRun strong = handshake("ECDHE-RSA-AES128-GCM-SHA256");
    ASSERT_TRUE(strong.finished);
    EXPECT_EQ(strong.exit_code, 0) << handshake_summary(strong.out);
    EXPECT_NE(strong.out.find("Cipher is ECDHE-RSA-AES128-GCM-SHA256"), std::string::npos)
        << handshake_summary(strong.out);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, Hostile, ::testing::Values(Backend::Sqlite), backend_name);

// ---- 10. NUL bytes, on both backends: refused by field, the same way every time, never cut

class HostileOnBothBackends : public Hostile {};

TEST_P(HostileOnBothBackends, NulBytesAreRejectedByField) {
    auto item_with = [&](const char* field, Json value, Response& r, std::int64_t seq) {
        r = valid_response(kiosk_, seq);
        Json item = record::to_wire(r);
        item[field] = std::move(value);
        return item;
    };
    Response flagged, good, located, good2;
    Json bad_flags = item_with("flags", Json::array({std::string("a\0b", 3)}), flagged, 1);
    good = valid_response(kiosk_, 2);
    std::string body = Json{{"responses", {bad_flags, Json(record::to_wire(good))}}}.dump();
    std::string key = new_uuid_v4();
    auto send = [&](const std::string& b) {
        return exchange(
            server_->port(),
            http_request(
                "POST", sync::kBatchPath,
                {{"Authorization", "Bearer " + token_}, {"Idempotency-Key", key}, {"Content-Type", "application/json"}},
                b),
            kAttacker, 10s);
    };
    std::optional<HttpResponse> first = send(body);
    ASSERT_TRUE(first);
    ASSERT_EQ(first->status, 200) << brief(first->body);
    auto results = sync::parse_results(first->body, {flagged.id, good.id});
    EXPECT_EQ(results.at(0).status, sync::ItemResult::Status::Rejected);
    EXPECT_EQ(results.at(0).field, "flags") << results.at(0).reason;
    EXPECT_EQ(results.at(1).status, sync::ItemResult::Status::Created);
    std::optional<HttpResponse> again = send(body);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 200);
    EXPECT_EQ(again->body, first->body) << "a resend must get the same answer";

    Json bad_location = item_with("location", std::string("Ce\0ntrum", 8), located, 3);
    good2 = valid_response(kiosk_, 4);
    key = new_uuid_v4();
    std::optional<HttpResponse> cut = send(Json{{"responses", {bad_location, Json(record::to_wire(good2))}}}.dump());
    ASSERT_TRUE(cut);
    ASSERT_EQ(cut->status, 200) << brief(cut->body);
    results = sync::parse_results(cut->body, {located.id, good2.id});
    EXPECT_EQ(results.at(0).status, sync::ItemResult::Status::Rejected) << "a NUL in location was cut, not refused";
    EXPECT_EQ(results.at(0).field, "location") << results.at(0).reason;
    EXPECT_EQ(results.at(1).status, sync::ItemResult::Status::Created);

    auto ids = server_->response_ids(kiosk_);
    std::sort(ids.begin(), ids.end());
    std::vector<std::string> expected{good.id, good2.id};
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(ids, expected);
    expect_neighbours_served("after NUL bytes");
}

INSTANTIATE_TEST_SUITE_P(Backends, HostileOnBothBackends, ::testing::Values(Backend::Sqlite, Backend::Postgres),
                         backend_name);

// ---- 11. What refusing the largest allowed bodies costs. These two measure memory, so they are
// here, where the code runs as packaged, and not in the store and unit suites, which the test
// command runs under ASan (its shadow memory and quarantine took the store to 175 MiB).

// Four gzip uploads of 8 MiB of "{}," at once, from four kiosks (no per-kiosk limit turns one
// away): each built about 300 MB of JSON tree before the item limit was checked while parsing.
TEST_P(HostileOnBothBackends, EmptyItemsUpToTheBodyLimitCostLittleMemory) {
    const std::string packed = empty_items(sync::kMaxBodyBytes - 8);
    ASSERT_LT(packed.size(), 64u * 1024);
    std::vector<std::thread> threads;
    std::vector<Reply> replies(4);
    std::vector<std::string> tokens;
    for (std::size_t i = 0; i < replies.size(); ++i)
        tokens.push_back(server_->add_kiosk("inflater-" + std::to_string(i)));
    for (std::size_t i = 0; i < replies.size(); ++i)
        threads.emplace_back([&, i] {
            replies[i] = post(sync::kBatchPath, packed,
                              {{"Authorization", "Bearer " + tokens[i]},
                               {"Idempotency-Key", new_uuid_v4()},
                               {"Content-Encoding", "gzip"}});
        });
    for (auto& t : threads) t.join();
    for (const Reply& r : replies) EXPECT_EQ(r.status, 413) << brief(r.body);
    std::optional<std::size_t> hwm = sampler_->hwm_kb();
    ASSERT_TRUE(hwm) << "the store is gone";
    EXPECT_LT(*hwm / 1024, 150u) << "the store peaked at " << *hwm / 1024 << " MiB";
}

// ---- 503: an unauthenticated client learns nothing of where or how the data is kept

// PostgreSQL, stopped under the running store: the one way to make storage unavailable that
// works as root too (who can read a SQLite file whatever its mode).
class HostileStorageDown : public Hostile {};

TEST_P(HostileStorageDown, UnavailableStorageTellsNoPathOrSql) {
    cluster_.reset();  // this suite's own cluster; a later suite starts another
    healthy_at_end_ = false;

    std::string database = postgres_url_.substr(postgres_url_.rfind('/') + 1);
    std::string port = postgres_url_.substr(postgres_url_.rfind(':') + 1);
    port = port.substr(0, port.find('/'));
    std::vector<std::string> secrets{"/tmp/",  "postgresql://", "lkp@",   database, "127.0.0.1", port,    "SELECT",
                                     "INSERT", "UPDATE",        "DELETE", " FROM ", "WHERE",     "kiosks"};
    for (const auto& request : {http_request("GET", sync::kHealthPath),
                                batch_request("{\"responses\": []}", "lkp_" + std::string(43, 'A'))}) {
        SCOPED_TRACE(request.substr(0, request.find('\r')));
        std::optional<HttpResponse> r = exchange(server_->port(), request, kAttacker, 10s);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 503) << brief(r->body);
        for (const auto& secret : secrets)
            EXPECT_EQ(r->body.find(secret), std::string::npos) << secret << ": " << brief(r->body);
    }
}

INSTANTIATE_TEST_SUITE_P(Postgres, HostileStorageDown, ::testing::Values(Backend::Postgres), backend_name);

// ---- 12. The parser alone, in this process: bodies of the allowed size are cheap to refuse

// VmRSS or VmHWM of this process in KiB (Linux).
std::size_t own_status_kib(const char* key) { return MemorySampler::status_kb(getpid(), key).value_or(0); }

// What parsing `body` costs, in KiB above the memory in use before; `status` is its verdict.
std::size_t peak_kib_of_parsing(const std::string& body, int& status) {
    std::ofstream("/proc/self/clear_refs") << "5";  // VmHWM = VmRSS
    std::size_t before = own_status_kib("VmRSS");
    static const KioskData data = builtin_data();
    status = 200;
    try {
        sync::parse_batch(body, sync::SurveyCatalog{{data.survey}, data.districts},
                          *parse_utc("2026-11-22T12:00:00.000Z"));
    } catch (const sync::BatchError& e) {
        status = e.status();
    }
    std::size_t peak = own_status_kib("VmHWM");
    return peak > before ? peak - before : 0;
}

// 8 MiB of "{}," (an 8 KB gzip upload) built a 300 MB tree before the 1,000-item check. Limits
// checked while parsing keep every body of the allowed size cheap to refuse, whatever its shape.
TEST(HostileParser, BodiesOfTheAllowedSizeCostLittleMemoryToRefuse) {
    ASSERT_GT(own_status_kib("VmHWM"), 0u) << "no /proc/self/status";
    const std::size_t limit_kib = 64 * 1024;
    int status = 0;
    EXPECT_LT(peak_kib_of_parsing(repeated_json("{\"responses\":[", "{},", "]}", sync::kMaxBodyBytes), status),
              limit_kib);
    EXPECT_EQ(status, 413);

    // One item with a million answers (each a map node) is no cheaper way in.
    std::string body = "{\"responses\":[{\"answers\":{";
    for (std::size_t n = 0; body.size() < sync::kMaxBodyBytes - 64; ++n) body += "\"" + std::to_string(n) + "\":0,";
    body.pop_back();
    body += "}}]}";
    EXPECT_LT(peak_kib_of_parsing(body, status), limit_kib);
    EXPECT_EQ(status, 413);

    EXPECT_LT(peak_kib_of_parsing(repeated_json("{\"responses\":[[", "0,", "]]}", sync::kMaxBodyBytes), status),
              limit_kib);
    EXPECT_EQ(status, 413);
}

}  // namespace
}  // namespace lkp::test
