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
// interleave; inside a batch, when the batch ends.
void emit(json_object& line);

// While one lives, the lines this thread emits are held and then written
// together in one call: a thread that answers many requests at once (the
// commit writer, with a batch's answers) makes one system call for all of
// their lines instead of one per line. Batches may nest; the outermost
// writes.
class batch {
 public:
  batch();
  ~batch();
  batch(const batch&) = delete;
  batch& operator=(const batch&) = delete;

 private:
  bool outermost_;
};

}  // namespace server::log
