// An event's conversion as the events table keeps it, so that a purchase's
// row can be folded again from all its events (purchase_ledger.hpp) without
// keeping, or parsing again, the event's body: the fields of
// clickref_conversion that fold_purchase reads, byte for byte, in a compact
// binary form (about 150 bytes for a Checkout Session, whose body is 3 KB).
#pragma once

#include <clickref/clickref.h>

#include <string>
#include <string_view>

namespace server {

std::string encode_conversion(const clickref_conversion& c);

// Fills `out` from `bytes`, its strings pointing into `bytes`; the fields
// not kept are empty. Returns false, with `out` zeroed, for bytes that are
// not an encoding of this version.
bool decode_conversion(std::string_view bytes, clickref_conversion& out);

}  // namespace server
