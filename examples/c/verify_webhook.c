/* Verify a Stripe webhook delivery and print its conversion as JSON, in C.
 *
 *   verify_webhook EVENT.json [STRIPE-SIGNATURE]
 *
 * The endpoint secret comes from STRIPE_WEBHOOK_SECRET. Without a signature
 * argument the program first plays Stripe and signs the file itself, so it
 * runs on its own. Exit status: 0 for a recorded conversion, 1 otherwise. */
#include <clickref/clickref.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Reads a whole file into a malloc'ed buffer; NULL on failure. */
static char* read_file(const char* path, size_t* len) {
  FILE* f = fopen(path, "rb");
  char* data = NULL;
  long size;
  if (f == NULL) return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
      (data = malloc((size_t)size + 1)) != NULL) {
    *len = fread(data, 1, (size_t)size, f);
  }
  fclose(f);
  return data;
}

/* Prints what went wrong, with the status name a log search can find. */
static int fail(const char* what, clickref_status st) {
  fprintf(stderr, "%s: %s: %s\n", what, clickref_status_name(st), clickref_status_message(st));
  return 1;
}

int main(int argc, char** argv) {
  const char* secret = getenv("STRIPE_WEBHOOK_SECRET");
  char signed_header[128];
  const char* header;
  size_t payload_len = 0, json_len = 0;
  char* payload;
  char* json;
  clickref_error err = {0, NULL, 0};
  clickref_event* event = NULL;
  clickref_conversion conversion;
  clickref_status st;

  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: %s EVENT.json [STRIPE-SIGNATURE]\n", argv[0]);
    return 2;
  }
  if (secret == NULL) secret = "whsec_example";
  if ((payload = read_file(argv[1], &payload_len)) == NULL) {
    perror(argv[1]);
    return 1;
  }

  if (argc == 3) {
    header = argv[2];
  } else { /* play Stripe: sign the body with the endpoint secret, now */
    size_t header_len = 0;
    st = clickref_sign_payload(payload, payload_len, secret, strlen(secret), (int64_t)time(NULL),
                               signed_header, sizeof signed_header - 1, &header_len);
    if (st != CLICKREF_OK) {
      free(payload);
      return fail("sign", st);
    }
    signed_header[header_len] = '\0';
    header = signed_header;
    printf("Stripe-Signature: %s\n", header);
  }

  /* 1. The signature, over the raw body exactly as received. */
  st = clickref_verify_signature(payload, payload_len, header, strlen(header), secret, strlen(secret),
                                 (int64_t)time(NULL), CLICKREF_DEFAULT_TOLERANCE, 0, &err);
  if (st != CLICKREF_OK) {
    free(payload);
    return fail("signature", st);
  }
  printf("signature: ok\n");

  /* 2. The event and its conversion. The event copies the payload. */
  st = clickref_event_parse(payload, payload_len, &event, &err);
  free(payload);
  if (st != CLICKREF_OK) {
    fprintf(stderr, "at byte %zu: ", err.offset);
    return fail("event", st);
  }
  st = clickref_event_conversion(event, &conversion);
  if (st != CLICKREF_OK) { /* CLICKREF_E_UNSUPPORTED_EVENT: an event type with nothing to record */
    clickref_event_free(event);
    return fail("conversion", st);
  }

  /* 3. The record as JSON: ask for the size (a NULL buffer of capacity 0
   *    is too small and sets json_len), then write. */
  st = clickref_conversion_to_json(&conversion, NULL, 0, &json_len);
  json = st == CLICKREF_E_BUFFER_TOO_SMALL ? malloc(json_len + 1) : NULL;
  if (json == NULL) {
    clickref_event_free(event);
    return fail("json", st == CLICKREF_E_BUFFER_TOO_SMALL ? CLICKREF_E_NO_MEMORY : st);
  }
  st = clickref_conversion_to_json(&conversion, json, json_len, &json_len);
  if (st == CLICKREF_OK) {
    json[json_len] = '\0';
    printf("conversion: %s\n", json);
  }
  free(json);
  clickref_event_free(event); /* the conversion's strings borrow from the event: free it last */
  return st == CLICKREF_OK ? 0 : fail("json", st);
}
