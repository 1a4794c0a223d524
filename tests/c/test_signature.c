/* The signature part of the C ABI, compiled as C so clickref.h stays valid C. */
#include <clickref/clickref.h>

#include "check.h"

#include <string.h>

/* stripe-dotnet's known-answer vector; see tests/data/README.md. */
static const char kVectorHeader[] =
    "t=1533204620,v1=2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7,"
    "v0=63f3a72374a733066c4be69ed7f8e5ac85c22c9f0a6a612ab9a025a9e4ee7eef";

static size_t read_file(const char* path, char* buf, size_t cap) {
  FILE* f = fopen(path, "rb");
  size_t n;
  if (f == NULL) return 0;
  n = fread(buf, 1, cap, f);
  fclose(f);
  return n;
}

int main(int argc, char** argv) {
  char payload[1024];
  size_t payload_len;
  char out[128];
  size_t out_len = 0;
  clickref_error err;
  clickref_verifier* v = NULL;
  const char* secrets[2] = {"whsec_other", "webhook_secret"};
  size_t secret_lens[2];

  if (argc < 2) return 2;
  payload_len = read_file(argv[1], payload, sizeof payload);
  CHECK(payload_len == 484);

  /* Versions and status text. */
  CHECK(clickref_abi_version() == CLICKREF_ABI_VERSION);
  CHECK(strlen(clickref_version()) >= 5);
  CHECK(strcmp(clickref_status_name(CLICKREF_E_SIG_MISMATCH), "CLICKREF_E_SIG_MISMATCH") == 0);
  CHECK(strcmp(clickref_status_name(CLICKREF_OK), "CLICKREF_OK") == 0);
  CHECK(strcmp(clickref_status_name(9999), "CLICKREF_E_UNKNOWN") == 0);
  CHECK(clickref_status_message(-7) != NULL);

  /* One-shot verification. */
  CHECK_STATUS(clickref_verify_signature(payload, payload_len, kVectorHeader, strlen(kVectorHeader),
                                         "webhook_secret", 14, 1533204720, CLICKREF_DEFAULT_TOLERANCE, 0, NULL),
               CLICKREF_OK);
  memset(&err, 0, sizeof err);
  CHECK_STATUS(clickref_verify_signature(payload, payload_len, kVectorHeader, strlen(kVectorHeader),
                                         "webhook_secret", 14, 1533205021, CLICKREF_DEFAULT_TOLERANCE, 0, &err),
               CLICKREF_E_SIG_TOO_OLD);
  CHECK(err.code == CLICKREF_E_SIG_TOO_OLD);
  CHECK(err.message != NULL);
  CHECK_STATUS(clickref_verify_signature(payload, payload_len - 1, kVectorHeader, strlen(kVectorHeader),
                                         "webhook_secret", 14, 1533204720, 300, 0, NULL),
               CLICKREF_E_SIG_MISMATCH);
  CHECK_STATUS(clickref_verify_signature(payload, payload_len, kVectorHeader, strlen(kVectorHeader),
                                         "webhook_secret", 14, 1533204000, 300, CLICKREF_VERIFY_REJECT_FUTURE, NULL),
               CLICKREF_E_SIG_IN_FUTURE);
  CHECK_STATUS(clickref_verify_signature(payload, payload_len, "", 0, "webhook_secret", 14, 1533204720, 300, 0, NULL),
               CLICKREF_E_SIG_MISSING_HEADER);
  CHECK_STATUS(clickref_verify_signature(NULL, 0, kVectorHeader, strlen(kVectorHeader), "webhook_secret", 14,
                                         1533204720, 300, 0, NULL),
               CLICKREF_E_EMPTY_PAYLOAD);

  /* Bad arguments. */
  CHECK_STATUS(clickref_verify_signature(NULL, 5, kVectorHeader, strlen(kVectorHeader), "webhook_secret", 14,
                                         1533204720, 300, 0, NULL),
               CLICKREF_E_INVALID_ARGUMENT);
  CHECK_STATUS(clickref_verify_signature(payload, payload_len, kVectorHeader, strlen(kVectorHeader),
                                         "webhook_secret", 14, 1533204720, 300, 0x80u, NULL),
               CLICKREF_E_INVALID_ARGUMENT);

  /* Prepared verifier with two secrets. */
  secret_lens[0] = strlen(secrets[0]);
  secret_lens[1] = strlen(secrets[1]);
  CHECK_STATUS(clickref_verifier_new(secrets, secret_lens, 2, 300, 0, &v), CLICKREF_OK);
  CHECK(v != NULL);
  CHECK_STATUS(clickref_verifier_verify(v, payload, payload_len, kVectorHeader, strlen(kVectorHeader),
                                        1533204720, NULL),
               CLICKREF_OK);
  CHECK_STATUS(clickref_verifier_verify(v, payload, payload_len, kVectorHeader, strlen(kVectorHeader),
                                        1533205021, NULL),
               CLICKREF_E_SIG_TOO_OLD);
  CHECK_STATUS(clickref_verifier_verify(NULL, payload, payload_len, kVectorHeader, strlen(kVectorHeader),
                                        1533204720, NULL),
               CLICKREF_E_INVALID_ARGUMENT);
  clickref_verifier_free(v);
  clickref_verifier_free(NULL);
  CHECK_STATUS(clickref_verifier_new(secrets, secret_lens, 0, 300, 0, &v), CLICKREF_E_INVALID_ARGUMENT);
  CHECK(v == NULL);
  secret_lens[0] = 0;
  CHECK_STATUS(clickref_verifier_new(secrets, secret_lens, 2, 300, 0, &v), CLICKREF_E_INVALID_ARGUMENT);
  CHECK_STATUS(clickref_verifier_new(secrets, secret_lens, 2, 300, 0, NULL), CLICKREF_E_INVALID_ARGUMENT);

  /* Signing: size query, too small, exact. */
  CHECK_STATUS(clickref_sign_payload(payload, payload_len, "webhook_secret", 14, 1533204620, NULL, 0, &out_len),
               CLICKREF_E_BUFFER_TOO_SMALL);
  CHECK(out_len == 2 + 10 + 4 + 64);
  CHECK_STATUS(clickref_sign_payload(payload, payload_len, "webhook_secret", 14, 1533204620, out, 10, &out_len),
               CLICKREF_E_BUFFER_TOO_SMALL);
  CHECK_STATUS(clickref_sign_payload(payload, payload_len, "webhook_secret", 14, 1533204620, out, out_len, &out_len),
               CLICKREF_OK);
  CHECK(out_len == 80);
  CHECK(memcmp(out, "t=1533204620,v1=2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7", 80) == 0);
  CHECK_STATUS(clickref_sign_payload(payload, payload_len, "webhook_secret", 14, 1533204620, out, sizeof out, NULL),
               CLICKREF_E_INVALID_ARGUMENT);
  CHECK_STATUS(clickref_sign_payload(payload, payload_len, "webhook_secret", 14, -1, out, sizeof out, &out_len),
               CLICKREF_E_INVALID_ARGUMENT);

  return check_exit_code();
}
