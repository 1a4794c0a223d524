// Structured logs: one JSON object per line on stderr, so that a person can
// read them and `jq` can filter them.
#pragma once

#include "json.hpp"

#include <string_view>

namespace server::log {

// Starts a line: {"time":"2024-05-01T12:00:00.123Z","level":…,"msg":…. Add
// fields to it, then emit() it.
json_object line(std::string_view level, std::string_view msg);

// Writes the line to stderr in one call, so lines from many threads never
// interleave.
void emit(json_object& line);

}  // namespace server::log
