# OpenSSL 3 (libcrypto) for HMAC-SHA256 and constant-time comparison.
find_package(OpenSSL 3 REQUIRED COMPONENTS Crypto)

# simdjson: the installed package when there is one (Debian 12: 3.0.1, the
# oldest version clickref supports); otherwise, for users elsewhere, FetchContent
# may bring it. Nothing is downloaded when the package is installed.
find_package(simdjson CONFIG QUIET)
if(NOT simdjson_FOUND)
  include(FetchContent)
  FetchContent_Declare(simdjson
    GIT_REPOSITORY https://github.com/simdjson/simdjson.git
    GIT_TAG v3.0.1
    GIT_SHALLOW TRUE)
  set(SIMDJSON_DEVELOPER_MODE OFF CACHE INTERNAL "")
  set(BUILD_SHARED_LIBS_SAVED ${BUILD_SHARED_LIBS})
  set(BUILD_SHARED_LIBS OFF)
  FetchContent_MakeAvailable(simdjson)
  set(BUILD_SHARED_LIBS ${BUILD_SHARED_LIBS_SAVED})
endif()
