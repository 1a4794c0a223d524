// C ABI: versions. (Status names and messages live in status.cpp.)
#include <clickref/clickref.h>

#define CLICKREF_STRINGIFY_(x) #x
#define CLICKREF_STRINGIFY(x) CLICKREF_STRINGIFY_(x)

extern "C" {

uint32_t clickref_abi_version(void) { return CLICKREF_ABI_VERSION; }

const char* clickref_version(void) {
  return CLICKREF_STRINGIFY(CLICKREF_VERSION_MAJOR) "." CLICKREF_STRINGIFY(
      CLICKREF_VERSION_MINOR) "." CLICKREF_STRINGIFY(CLICKREF_VERSION_PATCH);
}

}  // extern "C"
