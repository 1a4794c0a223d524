// Locating and reading the test data files.
#pragma once

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace clickref::test {

// CLICKREF_TEST_DATA_DIR is tests/data, set by tests/CMakeLists.txt.
inline std::string read_test_file(const std::string& name) {
  const std::string path = std::string(CLICKREF_TEST_DATA_DIR) + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open test data " + path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace clickref::test
