// clickref rewrite-html: the streaming rewriter between a file (or stdin)
// and stdout, 64 KiB at a time, so memory stays constant whatever the size.
#include "cli/cli.hpp"

#include <clickref/html.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace clickref::cli {

int cmd_rewrite_html(int argc, char** argv) {
  args a(argc, argv, 2);
  const auto id = a.value("click-id");
  std::vector<std::string> hosts = a.values("host");
  const bool stats = a.flag("stats");
  const std::vector<std::string> files = a.positionals();
  if (a.usage_error()) return usage("rewrite-html", a.error());
  if (!id) return usage("rewrite-html", "--click-id is required");
  if (files.size() > 1) return usage("rewrite-html", "at most one input file");
  link_options options;
  if (!hosts.empty()) options.hosts = std::move(hosts);

  // The output fails only when stdout does: the sink stops the rewriter and
  // remembers why.
  int write_errno = 0;
  auto rewriter = html_rewriter::create(*id, options, [&write_errno](std::string_view bytes) {
    if (std::fwrite(bytes.data(), 1, bytes.size(), stdout) == bytes.size()) return CLICKREF_OK;
    write_errno = errno;
    return CLICKREF_E_INTERNAL;
  });
  if (!rewriter) return fail(rewriter.error());

  const bool from_stdin = files.empty() || files.front() == "-";
  std::FILE* in = from_stdin ? stdin : std::fopen(files.front().c_str(), "rb");
  if (in == nullptr) {
    std::fprintf(stderr, "clickref: cannot open %s: %s\n", files.front().c_str(), std::strerror(errno));
    return kExitFailure;
  }
  static char buffer[1 << 16];
  status s = CLICKREF_OK;
  size_t n;
  while (s == CLICKREF_OK && (n = std::fread(buffer, 1, sizeof buffer, in)) > 0) {
    s = rewriter->write(std::string_view(buffer, n));
  }
  const bool read_failed = std::ferror(in) != 0;
  if (!from_stdin) std::fclose(in);
  if (s == CLICKREF_OK) s = rewriter->finish();
  if (s == CLICKREF_OK && std::fflush(stdout) != 0) write_errno = errno;
  if (write_errno != 0 || s != CLICKREF_OK) {
    std::fprintf(stderr, "clickref: write error: %s\n", std::strerror(write_errno));
    return kExitFailure;
  }
  if (read_failed) {
    std::fprintf(stderr, "clickref: read error\n");
    return kExitFailure;
  }
  if (stats) std::fprintf(stderr, "rewritten: %zu\n", rewriter->rewritten());
  return kExitOk;
}

}  // namespace clickref::cli
