// The `clickref` command-line tool: shared pieces of the subcommands.
#pragma once

#include <clickref/signature.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace clickref::cli {

// Exit codes shared by every subcommand.
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;  // the input was processed and found wanting
constexpr int kExitUsage = 2;    // the command line itself is wrong

// A minimal option reader: "--name value", "--name=value" and flags.
class args {
 public:
  args(int argc, char** argv, int first);

  // The value of a single-valued option; reports a usage error if repeated.
  std::optional<std::string> value(std::string_view name);
  // Every value of a repeatable option, in order.
  std::vector<std::string> values(std::string_view name);
  // Whether a flag (an option without value) is present.
  bool flag(std::string_view name);
  // The remaining positional arguments. Call after every option was taken;
  // an option nobody asked for is a usage error.
  std::vector<std::string> positionals();

  bool usage_error() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  std::vector<std::string> items_;
  std::vector<bool> used_;
  std::string error_;
};

// The most a whole-input command (verify, sign, convert, postback) reads. The
// library takes any size; the tool caps what it holds in memory. A Stripe
// event is a few KiB (Stripe's own limit on a delivery is far below this);
// `convert --lines` and `rewrite-html` stream and are not bound by it.
constexpr size_t kMaxInputBytes = size_t{64} << 20;

// Reads all of FILE, or stdin for "-" or no file. Returns nullopt (and prints
// why on stderr) when it cannot, or when the input exceeds kMaxInputBytes.
std::optional<std::string> read_input(const std::vector<std::string>& positionals);

// Parses a decimal int64 option value; prints a usage message when invalid.
std::optional<int64_t> parse_int64(std::string_view option, const std::string& text);

// The verification settings of `verify` and `convert`: --tolerance (default
// 300) and --now (default: the current time). Returns nullopt after printing
// a usage message when either is not a whole number.
struct verify_settings {
  verify_options options;
  int64_t now_unix;
};
std::optional<verify_settings> read_verify_settings(const std::optional<std::string>& tolerance,
                                                    const std::optional<std::string>& now, bool reject_future);

// Verifies `payload` against every secret as `verify` does. Returns the exit
// code to stop with (after printing why), or nullopt when it verified.
std::optional<int> check_signature(const std::vector<std::string>& secrets, const std::string& header,
                                   const verify_settings& settings, std::string_view payload);

// Prints "<STATUS_NAME>: <message>" on stderr and returns kExitFailure.
int fail(status s);
// Prints "clickref <command>: <message>" and the command's usage on stderr,
// and returns kExitUsage.
int usage(std::string_view command, std::string_view message);

// Subcommands: each returns the process exit code.
int cmd_verify(int argc, char** argv);
int cmd_sign(int argc, char** argv);
int cmd_convert(int argc, char** argv);
int cmd_postback(int argc, char** argv);
int cmd_click_id(int argc, char** argv);
int cmd_cookie(int argc, char** argv);
int cmd_rewrite_url(int argc, char** argv);
int cmd_rewrite_html(int argc, char** argv);

}  // namespace clickref::cli
