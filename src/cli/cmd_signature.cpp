// clickref verify / clickref sign
#include "cli/cli.hpp"

#include <clickref/signature.hpp>

#include <cstdio>
#include <ctime>

namespace clickref::cli {

std::optional<verify_settings> read_verify_settings(const std::optional<std::string>& tolerance,
                                                    const std::optional<std::string>& now, bool reject_future) {
  verify_settings settings{verify_options{}, static_cast<int64_t>(std::time(nullptr))};
  settings.options.reject_future = reject_future;
  if (now) {
    auto parsed = parse_int64("now", *now);
    if (!parsed) return std::nullopt;
    settings.now_unix = *parsed;
  }
  if (tolerance) {
    auto parsed = parse_int64("tolerance", *tolerance);
    if (!parsed) return std::nullopt;
    settings.options.tolerance_s = *parsed;
  }
  return settings;
}

std::optional<int> check_signature(const std::vector<std::string>& secrets, const std::string& header,
                                   const verify_settings& settings, std::string_view payload) {
  std::vector<std::string_view> secret_views(secrets.begin(), secrets.end());
  auto v = verifier::create(secret_views.data(), secret_views.size(), settings.options);
  if (!v) return fail(v.error());
  if (status s = v->verify(payload, header, settings.now_unix); s != CLICKREF_OK) return fail(s);
  return std::nullopt;
}

int cmd_verify(int argc, char** argv) {
  args a(argc, argv, 2);
  const std::vector<std::string> secrets = a.values("secret");
  const auto header = a.value("header");
  const auto tolerance = a.value("tolerance");
  const auto now = a.value("now");
  const bool reject_future = a.flag("reject-future");
  const std::vector<std::string> files = a.positionals();
  if (a.usage_error()) return usage("verify", a.error());
  if (secrets.empty()) return usage("verify", "--secret is required");
  if (!header) return usage("verify", "--header is required");
  if (files.size() > 1) return usage("verify", "at most one input file");
  const auto settings = read_verify_settings(tolerance, now, reject_future);
  if (!settings) return kExitUsage;
  const auto payload = read_input(files);
  if (!payload) return kExitFailure;
  if (auto stop = check_signature(secrets, *header, *settings, *payload)) return *stop;
  std::puts("ok");
  return kExitOk;
}

int cmd_sign(int argc, char** argv) {
  args a(argc, argv, 2);
  const auto secret = a.value("secret");
  const auto timestamp = a.value("timestamp");
  const std::vector<std::string> files = a.positionals();
  if (a.usage_error()) return usage("sign", a.error());
  if (!secret) return usage("sign", "--secret is required");
  if (files.size() > 1) return usage("sign", "at most one input file");
  int64_t t = static_cast<int64_t>(std::time(nullptr));
  if (timestamp) {
    auto parsed = parse_int64("timestamp", *timestamp);
    if (!parsed) return kExitUsage;
    t = *parsed;
  }
  const auto payload = read_input(files);
  if (!payload) return kExitFailure;
  auto header = sign_payload(*payload, *secret, t);
  if (!header) return fail(header.error());
  std::printf("%s\n", header->c_str());
  return kExitOk;
}

}  // namespace clickref::cli
