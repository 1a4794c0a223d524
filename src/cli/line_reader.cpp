#include "cli/line_reader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace clickref::cli {

namespace {

// Bytes asked of each read: large enough that system calls cost nothing.
constexpr size_t kReadSize = size_t{1} << 20;

}  // namespace

line_reader::line_reader(int fd, bool owns_fd, size_t max_line)
    : fd_(fd), owns_fd_(owns_fd), max_line_(max_line) {}

line_reader::~line_reader() {
  if (owns_fd_) ::close(fd_);
}

bool line_reader::next(line& out) {
  for (;;) {
    const char* base = buffer_.get();
    const void* newline = scanned_ < end_ ? std::memchr(base + scanned_, '\n', end_ - scanned_) : nullptr;
    const bool at_end = newline == nullptr && !refill_or_end();
    if (newline == nullptr && !at_end) continue;
    if (at_end && (failed_ || (begin_ == end_ && !skipping_))) return false;
    // A line: up to the newline, or the last one, which has none.
    const size_t stop = newline ? static_cast<size_t>(static_cast<const char*>(newline) - base) : end_;
    std::string_view text(buffer_.get() + begin_, stop - begin_);
    out.too_long = skipping_ || text.size() > max_line_;
    if (!out.too_long && !text.empty() && text.back() == '\r') text.remove_suffix(1);
    out.text = out.too_long ? std::string_view() : text;
    begin_ = scanned_ = newline ? stop + 1 : end_;
    skipping_ = false;
    return true;
  }
}

bool line_reader::refill_or_end() {
  scanned_ = end_;
  if (end_ - begin_ > max_line_) {
    // Too long to keep: drop what there is of it, and the rest as it comes.
    skipping_ = true;
    begin_ = scanned_ = end_ = 0;
  }
  if (on_refill_) on_refill_();
  if (begin_ > 0) {  // move the partial line to the front
    std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    scanned_ -= begin_;
    begin_ = 0;
  }
  if (capacity_ - end_ < kReadSize) {
    // The partial line is at most max_line bytes, so this bound holds it
    // with a full read after it.
    const size_t grown = std::min(std::max(2 * capacity_, end_ + kReadSize), max_line_ + 1 + kReadSize);
    std::unique_ptr<char[]> bigger(new char[grown]);
    if (end_ > 0) std::memcpy(bigger.get(), buffer_.get(), end_);
    buffer_ = std::move(bigger);
    capacity_ = grown;
  }
  ssize_t n;
  do {
    n = ::read(fd_, buffer_.get() + end_, capacity_ - end_);
  } while (n < 0 && errno == EINTR);
  if (n < 0) failed_ = true;
  if (n <= 0) return false;
  end_ += static_cast<size_t>(n);
  return true;
}

std::unique_ptr<line_reader> open_lines(const std::string& path, size_t max_line) {
  if (path.empty() || path == "-") return std::make_unique<line_reader>(STDIN_FILENO, false, max_line);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    std::fprintf(stderr, "clickref: cannot open %s: %s\n", path.c_str(), std::strerror(errno));
    return nullptr;
  }
  return std::make_unique<line_reader>(fd, true, max_line);
}

}  // namespace clickref::cli
