#include "store_backend.h"

#include "tokens.h"

namespace lkp::server {

NewRow make_row(std::size_t index, const Response& r) {
    return NewRow{index, &r, record::to_row(r), body_hash(record::fingerprint_text(r))};
}

}  // namespace lkp::server
