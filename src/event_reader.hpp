// Reading a Stripe Event, and the typed view of its data.object, out of a
// document simdjson has parsed (and so validated).
#pragma once

#include "event_state.hpp"

#include <simdjson.h>

namespace clickref::detail {

// Fills `st` (freshly reset) from the document's root. Returns CLICKREF_OK,
// CLICKREF_E_NOT_AN_EVENT or CLICKREF_E_BAD_FIELD, as event_parser::parse
// documents them.
status read_event(simdjson::dom::element root, event_state& st);

}  // namespace clickref::detail
