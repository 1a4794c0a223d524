// Reading a file or stdin line by line, in large reads, with bounded memory.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace clickref::cli {

class line_reader {
 public:
  struct line {
    std::string_view text;  // without its "\n" or "\r\n"; valid until the next call
    bool too_long = false;  // longer than max_line: its bytes were skipped, text is empty
  };

  // Reads `fd`, closing it at the end when it owns it. Memory stays below
  // max_line plus one read.
  line_reader(int fd, bool owns_fd, size_t max_line);
  ~line_reader();
  line_reader(const line_reader&) = delete;
  line_reader& operator=(const line_reader&) = delete;

  // Called before each read that may block, so that output written so far
  // can be flushed first (a pipeline then sees results as input arrives).
  void on_refill(std::function<void()> hook) { on_refill_ = std::move(hook); }

  // The next line; false at the end of the input or on a read error.
  bool next(line& out);
  bool failed() const { return failed_; }

 private:
  // Reads more input after what is buffered, first dropping a line that has
  // grown past max_line; false at the end of the input or on a read error.
  bool refill_or_end();

  int fd_;
  bool owns_fd_;
  size_t max_line_;
  std::unique_ptr<char[]> buffer_;
  size_t capacity_ = 0;
  size_t begin_ = 0;       // start of the current line
  size_t end_ = 0;         // end of the buffered input
  size_t scanned_ = 0;     // [begin_, scanned_) holds no newline
  bool skipping_ = false;  // inside a line longer than max_line
  bool failed_ = false;
  std::function<void()> on_refill_;
};

// Opens FILE, or stdin for "-" or no file, for a line_reader. Prints why and
// returns nullptr when it cannot.
std::unique_ptr<line_reader> open_lines(const std::string& path, size_t max_line);

}  // namespace clickref::cli
