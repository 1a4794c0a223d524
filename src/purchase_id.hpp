// Which purchase an event's object belongs to: the id all events of one
// payment agree on, where they know it (the table in clickref/event.hpp).
#pragma once

#include "event_state.hpp"

namespace clickref::detail {

// Sets st.purchase_id from the typed view, and st.dedupe_key: the purchase
// id, or "<account>/<purchase id>" for an event of a connected account.
// Objects without a typed view get neither.
void set_purchase_id(event_state& st);

}  // namespace clickref::detail
