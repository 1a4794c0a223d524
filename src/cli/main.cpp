// clickref — command-line front end to the library.
#include "cli/cli.hpp"

#include <clickref/clickref.h>

#include <cstdio>
#include <cstring>

namespace clickref::cli {

namespace {

struct command {
  const char* name;
  int (*run)(int argc, char** argv);
  const char* usage;
};

constexpr command kCommands[] = {
    {"verify", cmd_verify,
     "verify --secret S [--secret S2 ...] --header H [--tolerance N] [--now UNIX] [--reject-future] [FILE|-]"},
    {"sign", cmd_sign, "sign --secret S [--timestamp UNIX] [FILE|-]"},
    {"convert", cmd_convert,
     "convert [--secret S ... --header H [--tolerance N] [--now UNIX]] [--lines [--max-line-bytes N]] [FILE|-]"},
    {"postback", cmd_postback, "postback --base URL [--param k=v ...] [FILE|-]"},
    {"click-id", cmd_click_id, "click-id (--url URL [--param NAME] | --cookie HEADER [--name NAME])"},
    {"cookie", cmd_cookie, "cookie --click-id ID [--domain D] [--max-age SECONDS] [--http-only] [--now UNIX]"},
    {"rewrite-url", cmd_rewrite_url, "rewrite-url --click-id ID [--host H ...] URL"},
    {"rewrite-html", cmd_rewrite_html, "rewrite-html --click-id ID [--host H ...] [--stats] [FILE|-]"},
};

void print_help(std::FILE* to) {
  std::fprintf(to, "clickref %s — affiliate attribution for Stripe Payment Links\n\nusage:\n", clickref_version());
  for (const auto& c : kCommands) std::fprintf(to, "  clickref %s\n", c.usage);
  std::fprintf(to, "\nExit status: 0 success, 1 the input failed (status name on stderr), 2 usage error.\n");
}

}  // namespace

int usage(std::string_view command_name, std::string_view message) {
  std::fprintf(stderr, "clickref %.*s: %.*s\n", static_cast<int>(command_name.size()), command_name.data(),
               static_cast<int>(message.size()), message.data());
  for (const auto& c : kCommands) {
    if (command_name == c.name) std::fprintf(stderr, "usage: clickref %s\n", c.usage);
  }
  return kExitUsage;
}

}  // namespace clickref::cli

int main(int argc, char** argv) {
  using namespace clickref::cli;
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    print_help(argc < 2 ? stderr : stdout);
    return argc < 2 ? kExitUsage : kExitOk;
  }
  if (std::strcmp(argv[1], "--version") == 0) {
    std::printf("clickref %s\n", clickref_version());
    return kExitOk;
  }
  for (const auto& c : kCommands) {
    if (std::strcmp(argv[1], c.name) == 0) return c.run(argc, argv);
  }
  std::fprintf(stderr, "clickref: unknown command '%s'\n", argv[1]);
  print_help(stderr);
  return kExitUsage;
}
