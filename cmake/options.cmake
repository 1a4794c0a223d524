include(GNUInstallDirs)

# A vendoring project gets only the library: tests, examples and install rules
# default to on only when clickref is the top-level project.
option(CLICKREF_BUILD_TESTS "Build clickref's tests and benchmarks" ${PROJECT_IS_TOP_LEVEL})
option(CLICKREF_BUILD_EXAMPLES "Build clickref's examples" ${PROJECT_IS_TOP_LEVEL})
option(CLICKREF_BUILD_CLI "Build the clickref command-line tool" ${PROJECT_IS_TOP_LEVEL})
option(CLICKREF_INSTALL "Generate clickref's install rules" ${PROJECT_IS_TOP_LEVEL})
option(CLICKREF_WARNINGS_AS_ERRORS "Treat compiler warnings as errors" OFF)

if(PROJECT_IS_TOP_LEVEL)
  option(BUILD_SHARED_LIBS "Build clickref as a shared library" ON)
endif()

function(clickref_set_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion)
    if(CLICKREF_WARNINGS_AS_ERRORS)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()

# Set by the asan preset: tests that load the library into an interpreter
# (Python, Go) cannot run with a sanitizer runtime that is not preloaded.
option(CLICKREF_SANITIZED "The build uses sanitizers" OFF)
