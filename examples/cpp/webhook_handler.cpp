// The C++ API inside a request handler: headers and body in, status code and
// body out, as any web framework's route would call it. main() plays Stripe
// and delivers three webhooks to it.
//
//   webhook_handler EVENT.json
#include <clickref/event.hpp>
#include <clickref/signature.hpp>

#include <cstdint>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <string>
#include <string_view>
#include <utility>

struct request {
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

struct response {
  int status;
  std::string body;
};

// POST /stripe/postback. `verifier` holds the endpoint secrets; it is
// immutable, so one instance serves every thread.
response handle_stripe_webhook(const request& req, const clickref::verifier& verifier) {
  auto header = req.headers.find("stripe-signature");
  const clickref::status sig = verifier.verify(
      req.body, header == req.headers.end() ? std::string_view() : header->second, std::time(nullptr));
  if (sig != CLICKREF_OK) return {400, std::string(clickref::status_name(sig))};

  thread_local clickref::event_parser parser;  // keeps its buffers between requests
  thread_local clickref::event event;
  if (clickref::status s = parser.parse(req.body, event); s != CLICKREF_OK) {
    return {400, std::string(clickref::status_name(s))};
  }
  auto conversion = clickref::to_conversion(event);
  if (!conversion) return {204, ""};  // e.g. customer.created: acknowledge, so Stripe does not retry
  auto json = clickref::to_json(*conversion);
  if (!json) return {500, std::string(clickref::status_name(json.error()))};
  return {200, std::move(*json)};  // upsert it by conversion->dedupe_key
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " EVENT.json\n";
    return 2;
  }
  std::ifstream file(argv[1], std::ios::binary);
  const std::string body{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  const std::string secret = "whsec_example";
  auto verifier = clickref::verifier::create({secret});
  if (!verifier) return 1;

  auto deliver = [&](const char* what, std::string payload, std::string signed_payload) {
    auto header = clickref::sign_payload(signed_payload, secret, std::time(nullptr));
    if (!header) return 0;
    const response res =
        handle_stripe_webhook({{{"stripe-signature", *header}}, std::move(payload)}, *verifier);
    std::cout << "POST /stripe/postback (" << what << ") -> " << res.status << ' ' << res.body << '\n';
    return res.status;
  };
  const std::string unsupported =
      R"({"id":"evt_2","object":"event","created":1732627200,"livemode":false,)"
      R"("type":"customer.created","data":{"object":{"id":"cus_1","object":"customer"}}})";
  const bool as_expected = deliver("a checkout", body, body) == 200 &&
                           deliver("forged: one byte changed", body + " ", body) == 400 &&
                           deliver("an event without a sale", unsupported, unsupported) == 204;
  return as_expected ? 0 : 1;
}
