/*
 * tw_test.h — the unit-test harness: named cases, CHECK macros that record
 * failures without stopping, an optional leak check around every case, and
 * the closing line "N passed, N failed" that ctest's logs and CI read.
 *
 *   static void test_list_append_keeps_order(void) { CHECK(...); }
 *   static const TwTestCase cases[] = { TW_CASE(test_list_append_keeps_order), };
 *   int main(void) { return tw_test_run(cases, TW_NCASES(cases), &opts); }
 */
#ifndef TW_TEST_H
#define TW_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *name;
    void (*fn)(void);
} TwTestCase;

typedef struct {
    void (*setup)(void);                 /* once, before the first case     */
    /* Returns live allocated blocks; when set, a case that leaves more
     * blocks alive than it found fails. */
    uint64_t (*live_blocks)(void);
} TwTestOptions;

#define TW_CASE(fn) { #fn, fn }
#define TW_NCASES(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int tw_test_failures_in_case;

static inline void tw_test_fail(const char *file, int line, const char *what)
{
    tw_test_failures_in_case++;
    fprintf(stderr, "  %s:%d: check failed: %s\n", file, line, what);
}

#define CHECK(cond) do { if (!(cond)) tw_test_fail(__FILE__, __LINE__, #cond); } while (0)
#define CHECK_EQ_INT(a, b) do { long long _a = (long long)(a), _b = (long long)(b); \
    if (_a != _b) { char _m[256]; snprintf(_m, sizeof _m, "%s == %s (%lld != %lld)", #a, #b, _a, _b); \
    tw_test_fail(__FILE__, __LINE__, _m); } } while (0)
#define CHECK_EQ_STR(a, b) do { const char *_a = (a), *_b = (b); \
    if (!_a || !_b || strcmp(_a, _b) != 0) { char _m[1024]; \
    snprintf(_m, sizeof _m, "%s == %s (\"%s\" != \"%s\")", #a, #b, _a ? _a : "(null)", _b ? _b : "(null)"); \
    tw_test_fail(__FILE__, __LINE__, _m); } } while (0)

static inline int tw_test_run(const TwTestCase *cases, int n, const TwTestOptions *opts)
{
    int passed = 0, failed = 0;
    const char *only = getenv("TW_TEST_ONLY");
    if (opts && opts->setup)
        opts->setup();
    for (int i = 0; i < n; i++) {
        if (only && !strstr(cases[i].name, only))
            continue;
        tw_test_failures_in_case = 0;
        uint64_t before = opts && opts->live_blocks ? opts->live_blocks() : 0;
        cases[i].fn();
        if (opts && opts->live_blocks) {
            uint64_t after = opts->live_blocks();
            if (after > before) {
                char m[128];
                snprintf(m, sizeof m, "leak: %llu blocks still allocated",
                         (unsigned long long)(after - before));
                tw_test_fail(__FILE__, __LINE__, m);
            }
        }
        if (tw_test_failures_in_case) {
            failed++;
            fprintf(stderr, "FAIL %s\n", cases[i].name);
        } else {
            passed++;
            printf("ok   %s\n", cases[i].name);
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

#endif /* TW_TEST_H */
