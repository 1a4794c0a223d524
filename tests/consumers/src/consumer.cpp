// A C++ program that uses clickref's C++ API the way a consumer does. It
// checks the stripe-dotnet known-answer vector (see tests/data/README.md).
#include <clickref/signature.hpp>

#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " stripe-signature-vector-payload.json\n";
    return 2;
  }
  std::ifstream file(argv[1], std::ios::binary);
  const std::string payload{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};

  auto header = clickref::sign_payload(payload, "webhook_secret", 1533204620);
  if (!header ||
      *header != "t=1533204620,v1=2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7") {
    std::cerr << "sign_payload does not reproduce the known-answer vector\n";
    return 1;
  }
  auto verifier = clickref::verifier::create({"whsec_rotated_out", "webhook_secret"});
  if (!verifier) {
    std::cerr << "verifier: " << clickref::status_name(verifier.error()) << '\n';
    return 1;
  }
  const clickref::status st = verifier->verify(payload, *header, 1533204720);
  if (st != CLICKREF_OK) {
    std::cerr << "known-answer vector rejected: " << clickref::status_name(st) << '\n';
    return 1;
  }
  std::cout << "C++ consumer: clickref " << clickref_version()
            << " signed and verified the known-answer vector\n";
  return 0;
}
