// clickref click-id / clickref cookie / clickref rewrite-url
#include "cli/cli.hpp"

#include <clickref/click_id.hpp>
#include <clickref/cookie.hpp>
#include <clickref/url.hpp>

#include <cstdio>
#include <ctime>

namespace clickref::cli {

namespace {

// Values may hold any byte (a decoded click id can contain NUL).
int print_line(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
  return kExitOk;
}

}  // namespace

int cmd_click_id(int argc, char** argv) {
  args a(argc, argv, 2);
  const auto url = a.value("url");
  const auto param = a.value("param");
  const auto cookie = a.value("cookie");
  const auto name = a.value("name");
  const std::vector<std::string> rest = a.positionals();
  if (a.usage_error()) return usage("click-id", a.error());
  if (!rest.empty()) return usage("click-id", "unexpected argument " + rest.front());
  if (url.has_value() == cookie.has_value())
    return usage("click-id", "give exactly one of --url and --cookie");
  if (url && name) return usage("click-id", "--name goes with --cookie");
  if (cookie && param) return usage("click-id", "--param goes with --url");

  auto id = url ? click_id_from_url(*url, param.value_or(std::string(kDefaultClickIdParam)))
                : click_id_from_cookies(*cookie, name.value_or(std::string(kDefaultClickIdCookie)));
  if (!id) return fail(id.error());
  return print_line(*id);
}

int cmd_cookie(int argc, char** argv) {
  args a(argc, argv, 2);
  const auto id = a.value("click-id");
  const auto domain = a.value("domain");
  const auto max_age = a.value("max-age");
  const auto now = a.value("now");
  cookie_options options;
  options.http_only = a.flag("http-only");
  const std::vector<std::string> rest = a.positionals();
  if (a.usage_error()) return usage("cookie", a.error());
  if (!rest.empty()) return usage("cookie", "unexpected argument " + rest.front());
  if (!id) return usage("cookie", "--click-id is required");
  if (domain) options.domain = *domain;
  if (max_age) {
    auto parsed = parse_int64("max-age", *max_age);
    if (!parsed) return kExitUsage;
    options.max_age_s = *parsed;
  }
  int64_t now_unix = static_cast<int64_t>(std::time(nullptr));
  if (now) {
    auto parsed = parse_int64("now", *now);
    if (!parsed) return kExitUsage;
    now_unix = *parsed;
  }
  auto header = click_cookie(*id, now_unix, options);
  if (!header) return fail(header.error());
  return print_line(*header);
}

int cmd_rewrite_url(int argc, char** argv) {
  args a(argc, argv, 2);
  const auto id = a.value("click-id");
  std::vector<std::string> hosts = a.values("host");
  const std::vector<std::string> urls = a.positionals();
  if (a.usage_error()) return usage("rewrite-url", a.error());
  if (!id) return usage("rewrite-url", "--click-id is required");
  if (urls.size() != 1) return usage("rewrite-url", "give exactly one URL");
  link_options options;
  if (!hosts.empty()) options.hosts = std::move(hosts);
  auto url = rewrite_url(urls.front(), *id, options);
  if (!url) return fail(url.error());
  return print_line(*url);
}

}  // namespace clickref::cli
