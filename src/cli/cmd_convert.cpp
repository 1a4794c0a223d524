// clickref convert / clickref postback
#include "cli/cli.hpp"
#include "cli/line_reader.hpp"

#include <clickref/event.hpp>

#include <cstdio>

namespace clickref::cli {

namespace {

// Longest JSON Lines line kept by default; longer ones are reported and skipped.
constexpr size_t kDefaultMaxLine = size_t{64} << 20;
// Output is written in blocks of about this size.
constexpr size_t kFlushBytes = size_t{1} << 20;

void write_out(std::string& out) {
  if (!out.empty()) std::fwrite(out.data(), 1, out.size(), stdout);
  out.clear();
}

// Parses one event and maps it; prints the status and returns false when
// either fails.
bool convert_one(const std::string& payload, event& ev, conversion& c) {
  clickref_error err{};
  event_parser parser;
  if (status s = parser.parse(payload, ev, &err); s != CLICKREF_OK) {
    fail(s);
    if (err.offset != 0) std::fprintf(stderr, "at byte %zu\n", err.offset);
    return false;
  }
  auto mapped = to_conversion(ev);
  if (!mapped) {
    fail(mapped.error());
    return false;
  }
  c = *mapped;
  return true;
}

void append_line_number(std::string& out, size_t line) {
  out += "{\"line\":";
  out += std::to_string(line);
}

void append_ignored(std::string& out, size_t line, const event& ev) {
  append_line_number(out, line);
  out += ",\"event_id\":";
  append_json_string(out, ev.id());
  out += ",\"event_type\":";
  append_json_string(out, ev.type());
  out += ",\"status\":\"ignored\"}\n";
}

void append_error(std::string& out, size_t line, status s, std::string_view message) {
  append_line_number(out, line);
  out += ",\"error\":";
  append_json_string(out, status_name(s));
  out += ",\"message\":";
  append_json_string(out, message);
  out += "}\n";
}

bool is_blank(std::string_view line) { return line.find_first_not_of(" \t\r") == std::string_view::npos; }

// --lines: one result per input line, streamed, with one parser and one
// event reused throughout so that a line costs no allocation.
int convert_lines(const std::string& path, size_t max_line) {
  std::unique_ptr<line_reader> reader = open_lines(path, max_line);
  if (!reader) return kExitFailure;
  std::string out;
  out.reserve(kFlushBytes + (size_t{64} << 10));
  reader->on_refill([&out] { write_out(out); });

  event_parser parser;
  event ev;
  bool any_error = false;
  size_t number = 0;
  line_reader::line line;
  while (reader->next(line)) {
    ++number;
    if (line.too_long) {
      append_error(out, number, CLICKREF_E_JSON, "The line is longer than --max-line-bytes; it was skipped.");
      any_error = true;
    } else if (!is_blank(line.text)) {
      const status parsed = parser.parse(line.text, ev);
      const result<conversion> c = parsed == CLICKREF_OK ? to_conversion(ev) : result<conversion>(parsed);
      if (c) {
        (void)append_json(*c, out);  // a conversion from an event always has a valid currency
        out += '\n';
      } else if (c.error() == CLICKREF_E_UNSUPPORTED_EVENT) {
        append_ignored(out, number, ev);
      } else {
        append_error(out, number, c.error(), status_message(c.error()));
        any_error = true;
      }
    }
    if (out.size() >= kFlushBytes) write_out(out);
  }
  write_out(out);
  if (reader->failed()) {
    std::fprintf(stderr, "clickref: read error\n");
    return kExitFailure;
  }
  return any_error ? kExitFailure : kExitOk;
}

}  // namespace

int cmd_convert(int argc, char** argv) {
  args a(argc, argv, 2);
  const std::vector<std::string> secrets = a.values("secret");
  const auto header = a.value("header");
  const auto tolerance = a.value("tolerance");
  const auto now = a.value("now");
  const bool lines = a.flag("lines");
  const auto max_line = a.value("max-line-bytes");
  const std::vector<std::string> files = a.positionals();
  if (a.usage_error()) return usage("convert", a.error());
  if (files.size() > 1) return usage("convert", "at most one input file");
  if (!secrets.empty() != header.has_value()) return usage("convert", "--secret and --header go together");
  if (lines && !secrets.empty()) {
    return usage("convert", "--lines cannot verify signatures: each delivery has its own header");
  }
  if (secrets.empty() && (tolerance || now))
    return usage("convert", "--tolerance and --now go with --secret");
  if (lines) {
    size_t limit = kDefaultMaxLine;
    if (max_line) {
      auto parsed = parse_int64("max-line-bytes", *max_line);
      if (!parsed) return kExitUsage;
      if (*parsed <= 0) return usage("convert", "--max-line-bytes must be positive");
      limit = static_cast<size_t>(*parsed);
    }
    return convert_lines(files.empty() ? std::string() : files.front(), limit);
  }
  if (max_line) return usage("convert", "--max-line-bytes applies to --lines");
  const auto settings = read_verify_settings(tolerance, now, false);
  if (!settings) return kExitUsage;

  const auto payload = read_input(files);
  if (!payload) return kExitFailure;
  if (!secrets.empty()) {
    if (auto stop = check_signature(secrets, *header, *settings, *payload)) return *stop;
  }
  event ev;
  conversion c;
  if (!convert_one(*payload, ev, c)) return kExitFailure;
  std::string json;
  (void)append_json(c, json);
  json += '\n';
  write_out(json);
  return kExitOk;
}

int cmd_postback(int argc, char** argv) {
  args a(argc, argv, 2);
  const auto base = a.value("base");
  const std::vector<std::string> params = a.values("param");
  const std::vector<std::string> files = a.positionals();
  if (a.usage_error()) return usage("postback", a.error());
  if (!base) return usage("postback", "--base is required");
  if (files.size() > 1) return usage("postback", "at most one input file");
  std::string extra_query;
  for (const std::string& p : params) {
    if (p.find('=') == std::string::npos) return usage("postback", "--param takes k=v");
    if (!extra_query.empty()) extra_query += '&';
    extra_query += p;
  }

  const auto payload = read_input(files);
  if (!payload) return kExitFailure;
  event ev;
  conversion c;
  if (!convert_one(*payload, ev, c)) return kExitFailure;
  auto url = postback_url(c, *base, extra_query);
  if (url.error() == CLICKREF_E_INVALID_URL) {
    return usage("postback",
                 "--base must be an http(s) URL, and --base and --param printable ASCII (no '#' in --param)");
  }
  if (!url) return fail(url.error());
  std::printf("%s\n", url->c_str());
  return kExitOk;
}

}  // namespace clickref::cli
