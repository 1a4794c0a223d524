#pragma once

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace clickref::bench {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace clickref::bench
