// Placeholder until its issue lands.
#include "cli/cli.hpp"
namespace clickref::cli {
int cmd_click_id(int, char**) { return usage("click_id", "not available in this build yet"); }
int cmd_cookie(int, char**) { return usage("cookie", "not available in this build yet"); }
int cmd_rewrite_url(int, char**) { return usage("rewrite_url", "not available in this build yet"); }
}
