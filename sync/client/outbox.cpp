#include "outbox.h"

#include <zlib.h>

#include <chrono>
#include <stdexcept>

namespace lkp::sync {

namespace {

std::string now_utc() { return format_utc(std::chrono::system_clock::now()); }

}  // namespace

std::optional<PendingBatch> Outbox::pending(std::size_t max_items) {
    if (auto batch = saved()) return batch;
    auto batch = build(max_items);
    if (batch) save(*batch);
    return batch;
}

std::optional<PendingBatch> Outbox::saved() {
    auto row = store_.database().prepare("SELECT idempotency_key, body, seqs, ids, attempts FROM sync_batch WHERE id = 1");
    if (!row.step()) return std::nullopt;
    return PendingBatch{row.text_col(0), row.blob_col(1), Json::parse(row.text_col(2)).get<std::vector<std::int64_t>>(),
                        Json::parse(row.text_col(3)).get<std::vector<std::string>>(), static_cast<int>(row.int_col(4))};
}

std::optional<PendingBatch> Outbox::build(std::size_t max_items, std::int64_t after_seq) {
    auto rows = store_.database().prepare(
        std::string("SELECT ") + kResponseColumns +
        " FROM outbox JOIN responses USING (seq) WHERE outbox.rejected_at IS NULL AND seq > ? ORDER BY seq LIMIT ?");
    rows.bind(1, after_seq).bind(2, static_cast<std::int64_t>(max_items));
    std::vector<Response> responses;
    while (rows.step()) responses.push_back(read_response(rows));
    if (responses.empty()) return std::nullopt;
    PendingBatch batch{new_uuid_v4(), gzip(encode_batch(responses)), {}, {}, 0};
    for (const auto& r : responses) {
        batch.seqs.push_back(r.seq);
        batch.ids.push_back(r.id);
    }
    return batch;
}

void Outbox::save(const PendingBatch& batch) {
    store_.database()
        .prepare("INSERT INTO sync_batch (id, idempotency_key, body, seqs, ids, created_at) VALUES (1, ?, ?, ?, ?, ?)")
        .bind(1, batch.key)
        .bind_blob(2, batch.body)
        .bind(3, Json(batch.seqs).dump())
        .bind(4, Json(batch.ids).dump())
        .bind(5, now_utc())
        .run();
}

void Outbox::count_attempt() {
    store_.database().exec("UPDATE sync_batch SET attempts = attempts + 1 WHERE id = 1");
}

Delivery Outbox::apply(const PendingBatch& batch, const std::vector<ItemResult>& results) {
    Database& db = store_.database();
    std::string now = now_utc();
    Delivery d;
    Transaction t(db);
    auto remove = db.prepare("DELETE FROM outbox WHERE seq = ?");
    auto mark = db.prepare(
        "UPDATE outbox SET rejected_at = ?, rejected_code = ?, rejected_field = ?, rejected_reason = ? WHERE seq = ?");
    for (std::size_t i = 0; i < results.size(); ++i) {
        const ItemResult& r = results[i];
        if (r.delivered()) {
            remove.bind(1, batch.seqs[i]).run();
            remove.reset();
            ++(r.status == ItemResult::Status::Created ? d.created : d.duplicate);
        } else {
            mark.bind(1, now).bind(2, r.code).bind(3, r.field).bind(4, r.reason).bind(5, batch.seqs[i]).run();
            mark.reset();
            ++d.rejected;
        }
    }
    db.exec("DELETE FROM sync_batch WHERE id = 1");
    set_state("last_success_at", now);
    t.commit();
    return d;
}

void Outbox::reject_all(const PendingBatch& batch, const std::string& code, const std::string& reason) {
    std::vector<ItemResult> results;
    for (const auto& id : batch.ids) results.push_back({id, ItemResult::Status::Rejected, code, "", reason});
    Database& db = store_.database();
    std::string now = now_utc();
    Transaction t(db);
    auto mark = db.prepare(
        "UPDATE outbox SET rejected_at = ?, rejected_code = ?, rejected_field = '', rejected_reason = ? WHERE seq = ?");
    for (auto seq : batch.seqs) {
        mark.bind(1, now).bind(2, code).bind(3, reason).bind(4, seq).run();
        mark.reset();
    }
    db.exec("DELETE FROM sync_batch WHERE id = 1");
    set_state("last_error", reason);
    set_state("last_error_at", now);
    t.commit();
}

void Outbox::drop_pending() { store_.database().exec("DELETE FROM sync_batch WHERE id = 1"); }

void Outbox::record_error(const std::string& message) {
    Transaction t(store_.database());
    set_state("last_error", message);
    set_state("last_error_at", now_utc());
    t.commit();
}

std::int64_t Outbox::requeue_rejected() {
    Database& db = store_.database();
    db.exec("UPDATE outbox SET rejected_at = NULL, rejected_code = NULL, rejected_field = NULL, rejected_reason = NULL "
            "WHERE rejected_at IS NOT NULL");
    return sqlite3_changes(db.handle());
}

OutboxStatus Outbox::status() {
    Database& db = store_.database();
    OutboxStatus st;
    auto counts = db.prepare(
        "SELECT count(*) FILTER (WHERE rejected_at IS NULL), count(*) FILTER (WHERE rejected_at IS NOT NULL), "
        "min(queued_at) FILTER (WHERE rejected_at IS NULL) FROM outbox");
    counts.step();
    st.unsent = counts.int_col(0);
    st.rejected = counts.int_col(1);
    if (auto oldest = counts.opt_text_col(2)) {
        if (auto t = parse_utc(*oldest)) {
            auto age = std::chrono::system_clock::now() - *t;
            st.oldest_unsent_age_s = std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::seconds>(age).count());
        }
    }
    auto state = db.prepare("SELECT key, value FROM sync_state");
    while (state.step()) {
        std::string key = state.text_col(0);
        if (key == "last_success_at") st.last_success_at = state.text_col(1);
        else if (key == "last_error") st.last_error = state.text_col(1);
        else if (key == "last_error_at") st.last_error_at = state.text_col(1);
    }
    return st;
}

std::vector<Rejection> Outbox::rejections(int limit) {
    auto rows = store_.database().prepare(
        "SELECT rejected_code, rejected_field, rejected_reason, count(*) FROM outbox WHERE rejected_at IS NOT NULL "
        "GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT ?");
    rows.bind(1, std::int64_t{limit});
    std::vector<Rejection> out;
    while (rows.step()) out.push_back({rows.text_col(0), rows.text_col(1), rows.text_col(2), rows.int_col(3)});
    return out;
}

void Outbox::set_state(const std::string& key, const std::string& value) {
    store_.database()
        .prepare("INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(1, key)
        .bind(2, value)
        .run();
}

std::string gzip(const std::string& data) {
    z_stream zs{};
    // Fastest level: JSON of answers shrinks about 10x even so, and the kiosk's CPU stays free.
    if (deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("zlib: deflateInit2 failed");
    std::string out(deflateBound(&zs, static_cast<uLong>(data.size())), '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&zs, Z_FINISH);
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) throw std::runtime_error("zlib: deflate failed");
    out.resize(zs.total_out);
    return out;
}

}  // namespace lkp::sync
