// Option parsing, input reading and error printing shared by the subcommands.
#include "cli/cli.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace clickref::cli {

args::args(int argc, char** argv, int first) {
  for (int i = first; i < argc; ++i) items_.emplace_back(argv[i]);
  used_.assign(items_.size(), false);
}

std::vector<std::string> args::values(std::string_view name) {
  std::vector<std::string> found;
  for (size_t i = 0; i < items_.size(); ++i) {
    const std::string& item = items_[i];
    if (used_[i]) continue;
    if (item == "--") break;
    if (item.size() > name.size() + 2 && item.compare(0, 2, "--") == 0 &&
        item.compare(2, name.size(), name) == 0 && item[name.size() + 2] == '=') {
      used_[i] = true;
      found.push_back(item.substr(name.size() + 3));
    } else if (item.size() == name.size() + 2 && item.compare(0, 2, "--") == 0 &&
               item.compare(2, name.size(), name) == 0) {
      used_[i] = true;
      if (i + 1 >= items_.size()) {
        error_ = "option --" + std::string(name) + " needs a value";
        break;
      }
      used_[i + 1] = true;
      found.push_back(items_[++i]);
    }
  }
  return found;
}

std::optional<std::string> args::value(std::string_view name) {
  std::vector<std::string> found = values(name);
  if (found.size() > 1) error_ = "option --" + std::string(name) + " given more than once";
  if (found.empty()) return std::nullopt;
  return found.front();
}

bool args::flag(std::string_view name) {
  bool present = false;
  for (size_t i = 0; i < items_.size(); ++i) {
    if (items_[i] == "--") break;
    if (!used_[i] && items_[i].size() == name.size() + 2 && items_[i].compare(0, 2, "--") == 0 &&
        items_[i].compare(2, name.size(), name) == 0) {
      used_[i] = true;
      present = true;
    }
  }
  return present;
}

std::vector<std::string> args::positionals() {
  std::vector<std::string> rest;
  bool after_dashes = false;
  for (size_t i = 0; i < items_.size(); ++i) {
    if (used_[i]) continue;
    if (!after_dashes && items_[i] == "--") {
      after_dashes = true;
      continue;
    }
    if (!after_dashes && items_[i].size() > 2 && items_[i].compare(0, 2, "--") == 0) {
      if (error_.empty()) error_ = "unknown option " + items_[i];
      continue;
    }
    rest.push_back(items_[i]);
  }
  return rest;
}

std::optional<std::string> read_input(const std::vector<std::string>& positionals) {
  const bool from_stdin = positionals.empty() || positionals.front() == "-";
  std::FILE* in = from_stdin ? stdin : std::fopen(positionals.front().c_str(), "rb");
  if (in == nullptr) {
    std::fprintf(stderr, "clickref: cannot open %s: %s\n", positionals.front().c_str(), std::strerror(errno));
    return std::nullopt;
  }
  std::string data;
  char buffer[1 << 16];
  size_t n;
  bool too_large = false;
  while (!too_large && (n = std::fread(buffer, 1, sizeof buffer, in)) > 0) {
    too_large = data.size() + n > kMaxInputBytes;
    if (!too_large) data.append(buffer, n);
  }
  const bool failed = std::ferror(in) != 0;
  if (!from_stdin) std::fclose(in);
  if (too_large) {
    std::fprintf(stderr, "clickref: the input is larger than %zu MiB; nothing was processed\n",
                 kMaxInputBytes >> 20);
    return std::nullopt;
  }
  if (failed) {
    std::fprintf(stderr, "clickref: read error\n");
    return std::nullopt;
  }
  return data;
}

std::optional<int64_t> parse_int64(std::string_view option, const std::string& text) {
  errno = 0;
  char* end = nullptr;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || errno != 0 || end != text.c_str() + text.size()) {
    std::fprintf(stderr, "clickref: --%.*s needs a whole number, got '%s'\n", static_cast<int>(option.size()),
                 option.data(), text.c_str());
    return std::nullopt;
  }
  return static_cast<int64_t>(value);
}

int fail(status s) {
  std::fprintf(stderr, "%s: %s\n", clickref_status_name(s), clickref_status_message(s));
  return kExitFailure;
}

}  // namespace clickref::cli
