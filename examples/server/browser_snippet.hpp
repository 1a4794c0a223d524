// bindings/js/clickref.js, the browser snippet, compiled into the server so
// that its pages can load it from /clickref.js with nothing to install. The
// build copies the file's bytes (examples/server/CMakeLists.txt).
#pragma once

#include <string_view>

namespace server {

std::string_view browser_snippet();

}  // namespace server
