# Running Python and Go code (the bindings' tests, the examples) from CTest
# against this build's shared libclickref. Included by bindings/ and
# examples/: it sets CLICKREF_PYTHON_TESTS and CLICKREF_GO_TESTS in the
# including directory, and reports and generates files only the first time.
get_property(_clickref_language_tests_seen GLOBAL PROPERTY CLICKREF_LANGUAGE_TESTS_SEEN)
set_property(GLOBAL PROPERTY CLICKREF_LANGUAGE_TESTS_SEEN ON)
function(_clickref_language_note mode text)
  if(NOT _clickref_language_tests_seen)
    message(${mode} "clickref: ${text}")
  endif()
endfunction()

# Python and Go load libclickref into their own process, which cannot host a
# sanitizer runtime that was not preloaded, and need a shared library.
set(CLICKREF_LANGUAGE_TESTS ON)
if(CLICKREF_SANITIZED)
  _clickref_language_note(STATUS "Python and Go tests skipped in a sanitizer build")
  set(CLICKREF_LANGUAGE_TESTS OFF)
elseif(NOT BUILD_SHARED_LIBS)
  _clickref_language_note(STATUS "Python and Go tests skipped: they need BUILD_SHARED_LIBS=ON")
  set(CLICKREF_LANGUAGE_TESTS OFF)
endif()

# Python: Debian's interpreter first, because python3-pytest installs there
# and a python3 earlier on PATH (pyenv, a venv) may lack pytest.
find_program(CLICKREF_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH
  DOC "Python 3 with pytest, for the Python binding's tests and example")
find_program(CLICKREF_PYTHON NAMES python3)
set(CLICKREF_PYTHON_TESTS OFF)
if(CLICKREF_LANGUAGE_TESTS AND CLICKREF_PYTHON)
  execute_process(COMMAND "${CLICKREF_PYTHON}" -c "import pytest"
    RESULT_VARIABLE _clickref_no_pytest OUTPUT_QUIET ERROR_QUIET)
  if(_clickref_no_pytest)
    _clickref_language_note(WARNING
      "${CLICKREF_PYTHON} has no pytest (apt-get install python3-pytest): the Python binding is not tested")
  else()
    set(CLICKREF_PYTHON_TESTS ON)
  endif()
elseif(CLICKREF_LANGUAGE_TESTS)
  _clickref_language_note(WARNING "no python3: the Python binding is not tested")
endif()

find_program(CLICKREF_GO NAMES go DOC "The Go toolchain (1.19 or later), for the Go binding's tests and example")
set(CLICKREF_GO_TESTS OFF)
if(CLICKREF_LANGUAGE_TESTS AND CLICKREF_GO)
  set(CLICKREF_GO_TESTS ON)
elseif(CLICKREF_LANGUAGE_TESTS)
  _clickref_language_note(WARNING "no go (apt-get install golang-go): the Go binding is not tested")
endif()

if(CLICKREF_GO_TESTS AND NOT _clickref_language_tests_seen)
  configure_file("${PROJECT_SOURCE_DIR}/cmake/clickref-uninstalled.pc.in"
    "${PROJECT_BINARY_DIR}/clickref-uninstalled.pc.in" @ONLY)
  file(GENERATE OUTPUT "${PROJECT_BINARY_DIR}/clickref-uninstalled.pc"
    INPUT "${PROJECT_BINARY_DIR}/clickref-uninstalled.pc.in")
endif()

# clickref_add_python_test(NAME ARGS... [WORKING_DIRECTORY DIR]): runs the
# interpreter with ARGS, the package importable and bound to this build.
function(clickref_add_python_test name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "WORKING_DIRECTORY" "ARGS")
  add_test(NAME "${name}" COMMAND "${CLICKREF_PYTHON}" ${arg_ARGS}
    WORKING_DIRECTORY "${arg_WORKING_DIRECTORY}")
  set_tests_properties("${name}" PROPERTIES TIMEOUT 120 ENVIRONMENT
    "CLICKREF_LIBRARY=$<TARGET_FILE:clickref>;PYTHONPATH=${PROJECT_SOURCE_DIR}/bindings/python;PYTHONDONTWRITEBYTECODE=1")
endfunction()

# clickref_add_go_test(NAME ARGS... WORKING_DIRECTORY DIR): runs `go ARGS`
# offline, with caches in the build tree, cgo's strictest pointer checks, and
# pkg-config resolving clickref to this build.
function(clickref_add_go_test name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "WORKING_DIRECTORY" "ARGS")
  add_test(NAME "${name}" COMMAND "${CLICKREF_GO}" ${arg_ARGS} WORKING_DIRECTORY "${arg_WORKING_DIRECTORY}")
  # The first run compiles Go's runtime into the cache: allow for a slow machine.
  set_tests_properties("${name}" PROPERTIES TIMEOUT 600 ENVIRONMENT
    "PKG_CONFIG_PATH=${PROJECT_BINARY_DIR};GOPATH=${PROJECT_BINARY_DIR}/go/path;GOCACHE=${PROJECT_BINARY_DIR}/go/cache;GOPROXY=off;GOWORK=off;GOFLAGS=;CGO_ENABLED=1;GODEBUG=cgocheck=2")
endfunction()
