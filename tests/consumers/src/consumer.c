/* A C program that uses clickref the way a consumer does: only the public
 * header and the clickref::clickref target (or pkg-config). It checks the
 * stripe-dotnet known-answer vector, so a wrong link or header shows up as a
 * failure rather than as a build that merely succeeds. */
#include <clickref/clickref.h>

#include <stdio.h>
#include <string.h>

static const char kHeader[] =
    "t=1533204620,v1=2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7";

int main(int argc, char** argv) {
  char payload[1024];
  size_t len;
  FILE* f;
  clickref_status st;

  if (argc != 2 || (f = fopen(argv[1], "rb")) == NULL) {
    fprintf(stderr, "usage: %s stripe-signature-vector-payload.json\n", argv[0]);
    return 2;
  }
  len = fread(payload, 1, sizeof payload, f);
  fclose(f);

  if (clickref_abi_version() != CLICKREF_ABI_VERSION) {
    fprintf(stderr, "header ABI %d, library ABI %u\n", CLICKREF_ABI_VERSION, clickref_abi_version());
    return 1;
  }
  st = clickref_verify_signature(payload, len, kHeader, strlen(kHeader), "webhook_secret", 14, 1533204720,
                                 CLICKREF_DEFAULT_TOLERANCE, 0, NULL);
  if (st != CLICKREF_OK) {
    fprintf(stderr, "known-answer vector rejected: %s\n", clickref_status_name(st));
    return 1;
  }
  printf("C consumer: clickref %s verified the known-answer vector\n", clickref_version());
  return 0;
}
