// Placeholder until its issue lands.
#include "cli/cli.hpp"
namespace clickref::cli {
int cmd_convert(int, char**) { return usage("convert", "not available in this build yet"); }
int cmd_postback(int, char**) { return usage("postback", "not available in this build yet"); }
}
