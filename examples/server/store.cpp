#include "store.hpp"

#include "sqlite_store.hpp"

#include <algorithm>
#ifdef CLICKREF_SERVER_POSTGRESQL
#include "postgres_store.hpp"
#endif

namespace server {
namespace {

bool names_postgresql(std::string_view location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

}  // namespace

std::unique_ptr<store> open_store(const std::string& location, size_t connections) {
  if (names_postgresql(location)) {
#ifdef CLICKREF_SERVER_POSTGRESQL
    return std::make_unique<postgres_store>(location, connections);
#else
    throw storage_error("this clickref-server was built without PostgreSQL (apt-get install libpq-dev, then rebuild)");
#endif
  }
  return std::make_unique<sqlite_store>(location, connections);
}

std::string location_for_log(const std::string& location) {
  if (!names_postgresql(location)) return location;
  std::string out = location;
  const size_t authority = out.find("://") + 3;
  const size_t authority_end = std::min(out.find_first_of("/?", authority), out.size());
  const size_t at = out.rfind('@', authority_end);
  if (at != std::string::npos && at >= authority) {
    const size_t colon = out.find(':', authority);
    if (colon < at) out.replace(colon + 1, at - colon - 1, "***");
  }
  for (size_t key = out.find("password="); key != std::string::npos; key = out.find("password=", key + 1)) {
    if (key == 0 || (out[key - 1] != '?' && out[key - 1] != '&')) continue;
    const size_t value = key + 9;
    out.replace(value, std::min(out.find('&', value), out.size()) - value, "***");
  }
  return out;
}

}  // namespace server
