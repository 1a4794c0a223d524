/* A minimal assertion harness for the C tests: CHECK records a failure and
 * goes on; the test's main returns check_exit_code(). */
#ifndef CLICKREF_TEST_CHECK_H
#define CLICKREF_TEST_CHECK_H

#include <stdio.h>

static int check_failures = 0;
static int check_count = 0;

#define CHECK(cond)                                                       \
  do {                                                                    \
    ++check_count;                                                        \
    if (!(cond)) {                                                        \
      ++check_failures;                                                   \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                     \
  } while (0)

#define CHECK_STATUS(expr, expected) CHECK((expr) == (expected))

static int check_exit_code(void) {
  printf("%d passed, %d failed\n", check_count - check_failures, check_failures);
  return check_failures == 0 ? 0 : 1;
}

#endif
