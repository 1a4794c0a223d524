// Placeholder until its issue lands.
#include "cli/cli.hpp"
namespace clickref::cli {
int cmd_rewrite_html(int, char**) { return usage("rewrite_html", "not available in this build yet"); }
}
