// Receiving a webhook: verify + parse + conversion, beside what a receiver
// written directly against OpenSSL and simdjson On-Demand would do (HMAC,
// then extraction of the same fields), in the same run.
#include "harness.hpp"
#include "read_file.hpp"

#include <clickref/clickref.h>
#include <clickref/event.hpp>
#include <clickref/signature.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

namespace clickref::bench {

namespace {

namespace od = simdjson::ondemand;

// The fields clickref's conversion reads from a checkout.session.completed.
struct bare_fields {
  std::string_view id, type, object_id, client_reference_id, currency, payment_status, mode, payment_intent,
      payment_link, email, click_id;
  int64_t created = 0, amount_total = 0;
  bool livemode = false;
};

// What a receiver without clickref would write: look the fields up, in the
// order Stripe sends them, and ignore everything else (unvalidated).
bool extract_bare(od::parser& parser, const std::string& padded_body, size_t size, bare_fields& f) {
  od::document doc;
  if (parser.iterate(padded_body.data(), size, padded_body.capacity()).get(doc)) return false;
  od::object root;
  if (doc.get_object().get(root)) return false;
  if (root["id"].get_string().get(f.id)) return false;
  if (root["created"].get_int64().get(f.created)) return false;
  od::object object;
  if (root["data"]["object"].get_object().get(object)) return false;
  if (object["id"].get_string().get(f.object_id)) return false;
  if (object["amount_total"].get_int64().get(f.amount_total)) return false;
  if (object["client_reference_id"].get_string().get(f.client_reference_id)) return false;
  if (object["currency"].get_string().get(f.currency)) return false;
  if (object["customer_details"]["email"].get_string().get(f.email)) return false;
  if (object["metadata"]["click_id"].get_string().get(f.click_id)) f.click_id = {};  // usually absent
  if (object["mode"].get_string().get(f.mode)) return false;
  if (object["payment_intent"].get_string().get(f.payment_intent)) return false;
  if (object["payment_link"].get_string().get(f.payment_link)) return false;
  if (object["payment_status"].get_string().get(f.payment_status)) return false;
  if (root["livemode"].get_bool().get(f.livemode)) return false;
  return root["type"].get_string().get(f.type) == simdjson::SUCCESS;
}

// On-Demand made to validate every value, as clickref needs: the design
// alternative to the DOM parser, timed to show why clickref uses the DOM.
simdjson::error_code validate(od::value value, int depth) {
  if (depth > 64) return simdjson::DEPTH_ERROR;
  od::json_type type;
  if (auto e = value.type().get(type)) return e;
  switch (type) {
    case od::json_type::object: {
      od::object object;
      if (auto e = value.get_object().get(object)) return e;
      for (auto field : object) {
        od::field f;
        if (auto e = std::move(field).get(f)) return e;
        if (auto e = validate(f.value(), depth + 1)) return e;
      }
      return simdjson::SUCCESS;
    }
    case od::json_type::array: {
      od::array array;
      if (auto e = value.get_array().get(array)) return e;
      for (auto element : array) {
        od::value v;
        if (auto e = std::move(element).get(v)) return e;
        if (auto e = validate(v, depth + 1)) return e;
      }
      return simdjson::SUCCESS;
    }
    case od::json_type::string: {
      std::string_view s;
      return value.raw_json_token().find('\\') == std::string_view::npos ? simdjson::SUCCESS
                                                                         : value.get_string().get(s);
    }
    case od::json_type::number: {
      od::number n;
      return value.get_number().get(n);
    }
    case od::json_type::boolean: {
      bool b;
      return value.get_bool().get(b);
    }
    case od::json_type::null: {
      bool is_null = false;
      if (auto e = value.is_null().get(is_null)) return e;
      return is_null ? simdjson::SUCCESS : simdjson::N_ATOM_ERROR;
    }
  }
  return simdjson::TAPE_ERROR;
}

// `fn` timed against `reference` in alternating batches, so that load from
// elsewhere on a shared machine weighs on both alike: the median of the
// per-round ratios, and fn's median time.
struct paired {
  double ns;
  double ratio;
};

template <class Fn, class Reference>
paired time_against(Fn&& fn, Reference&& reference, int rounds = 21) {
  using clock = std::chrono::steady_clock;
  const size_t batch = 2000;
  auto time_batch = [&](auto&& f) {
    const auto start = clock::now();
    for (size_t i = 0; i < batch; ++i) f();
    return std::chrono::duration<double, std::nano>(clock::now() - start).count() /
           static_cast<double>(batch);
  };
  time_batch(fn);  // warm-up
  time_batch(reference);
  std::vector<double> times, ratios;
  for (int r = 0; r < rounds; ++r) {
    const double ref = time_batch(reference);
    const double t = time_batch(fn);
    times.push_back(t);
    ratios.push_back(t / ref);
  }
  std::sort(times.begin(), times.end());
  std::sort(ratios.begin(), ratios.end());
  return {times[times.size() / 2], ratios[ratios.size() / 2]};
}

void report_paired(const std::string& name, const paired& p, size_t bytes) {
  report(name, p.ns, p.ns / p.ratio, bytes);
}

}  // namespace

void run_event(const std::string& shared) {
  const std::string payload = read_file(shared + "/checkout-session-completed.json");
  const std::string secret = "whsec_benchmark_secret_0123456789abcdef";
  const int64_t t = 1732627200;
  auto header = sign_payload(payload, secret, t);
  if (!header) {
    std::fprintf(stderr, "sign failed\n");
    return;
  }
  const std::string signed_content = std::to_string(t) + "." + payload;
  std::string padded_body = payload;  // the bare receiver gets simdjson's padding for free
  padded_body.reserve(payload.size() + simdjson::SIMDJSON_PADDING);

  std::printf("event: %zu-byte checkout.session.completed\n", payload.size());

  auto bare_hmac = [&] {
    unsigned char mac[32];
    unsigned int mac_len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(signed_content.data()), signed_content.size(), mac, &mac_len);
    keep(mac);
  };
  od::parser ondemand;
  bare_fields fields;
  auto bare_extract = [&] {
    const bool ok = extract_bare(ondemand, padded_body, payload.size(), fields);
    keep(ok);
    keep(fields);
  };
  if (!extract_bare(ondemand, padded_body, payload.size(), fields)) {
    std::fprintf(stderr, "bare extraction failed\n");
    return;
  }
  auto bare_pair = [&] {
    bare_hmac();
    bare_extract();
  };
  simdjson::dom::parser dom;
  const paired dom_time = time_against(
      [&] {
        simdjson::dom::element root;
        keep(dom.parse(padded_body.data(), payload.size(), false).get(root));
      },
      bare_extract);
  const paired walk_time = time_against(
      [&] {
        od::document doc;
        od::value root;
        simdjson::error_code e =
            ondemand.iterate(padded_body.data(), payload.size(), padded_body.capacity()).get(doc);
        if (!e) e = doc.get_value().get(root);
        if (!e) e = validate(root, 1);
        keep(e);
      },
      bare_extract);

  // clickref as a server uses it: a prepared verifier, and one parser and
  // one event per thread, reused.
  auto v = verifier::create({secret});
  if (!v) return;
  event_parser parser;
  event ev;
  bool all_ok = true;
  const paired clickref_time = time_against(
      [&] {
        bool ok = v->verify(payload, *header, t) == CLICKREF_OK && parser.parse(payload, ev) == CLICKREF_OK;
        auto c = to_conversion(ev);
        ok = ok && c.ok() && c->amount == 4900;
        all_ok &= ok;
        keep(c);
      },
      bare_pair);
  const paired parse_time = time_against(
      [&] {
        bool ok = parser.parse(payload, ev) == CLICKREF_OK;
        auto c = to_conversion(ev);
        all_ok &= ok && c.ok();
        keep(c);
      },
      bare_extract);
  std::string json;
  const paired json_time = time_against(
      [&] {
        parser.parse(payload, ev);
        auto c = to_conversion(ev);
        json.clear();
        all_ok &= c.ok() && append_json(*c, json) == CLICKREF_OK;
        keep(json.data());
      },
      bare_extract);

  // The C ABI: no parser to reuse, one event handle per delivery.
  const char* secrets[] = {secret.data()};
  const size_t secret_lens[] = {secret.size()};
  clickref_verifier* cv = nullptr;
  if (clickref_verifier_new(secrets, secret_lens, 1, 300, 0, &cv) != CLICKREF_OK) return;
  const paired c_api_time = time_against(
      [&] {
        clickref_event* e = nullptr;
        clickref_conversion c;
        bool ok = clickref_verifier_verify(cv, payload.data(), payload.size(), header->data(), header->size(),
                                           t, nullptr) == CLICKREF_OK &&
                  clickref_event_parse(payload.data(), payload.size(), &e, nullptr) == CLICKREF_OK &&
                  clickref_event_conversion(e, &c) == CLICKREF_OK;
        all_ok &= ok;
        clickref_event_free(e);
        keep(c);
      },
      bare_pair);
  clickref_verifier_free(cv);
  if (!all_ok) std::fprintf(stderr, "event: a clickref call failed during the benchmark\n");

  const size_t n = payload.size();
  const double pair_ns = median_ns(bare_pair);
  report("reference: HMAC-SHA256 + On-Demand extraction (pair)", pair_ns, pair_ns, n);
  report("reference: HMAC() one-shot alone", median_ns(bare_hmac), pair_ns, n);
  const double extract_ns = median_ns(bare_extract);
  report("reference: On-Demand extraction of 14 fields alone", extract_ns, pair_ns, n);
  std::printf("  ratios below: each timed against its reference in alternating rounds\n");
  report_paired("verify + parse + to_conversion (target <= 1.25x pair)", clickref_time, n);
  report_paired("C API: verify + parse + conversion + free (vs pair)", c_api_time, n);
  report_paired("simdjson DOM parse, validating all (vs extraction)", dom_time, n);
  report_paired("On-Demand validating every value (vs extraction)", walk_time, n);
  report_paired("parse + to_conversion (vs extraction)", parse_time, n);
  report_paired("parse + to_conversion + append_json (vs extraction)", json_time, n);
}

}  // namespace clickref::bench
