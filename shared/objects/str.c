/*
 * str.c — str: immutable Unicode text stored as UTF-8.
 *
 * Representation (TwStrObject in types.h): the UTF-8 bytes, NUL-terminated,
 * with the length in code points and a flag for pure ASCII.  Indexing and
 * slicing are O(1) for ASCII strings and a scan for others.  Comparisons
 * compare bytes: UTF-8 byte order is code point order, so "<" is Python's.
 *
 * The hash is FNV-1a over the bytes, computed once and cached (a racing
 * second computation stores the same value, so no lock is needed).
 *
 * Interning (identifiers, attribute names): one process-wide open-addressing
 * table of immortal strings.  Protocol:
 *   - readers never lock: they load the table pointer (acquire) and probe
 *     slots (acquire loads).  Slots only ever go from NULL to a string;
 *     nothing is removed.
 *   - writers (new names, mostly at compile and import time) take
 *     intern_lock, re-probe, and either fill a NULL slot (release store) or
 *     build a bigger table, copy every entry and publish it (release store).
 *   - a replaced table is never freed while the process runs (it is kept on
 *     a list), so a reader still probing it stays safe; it holds a subset
 *     of the new table, so a miss there only sends the reader to the lock.
 * So an attribute lookup of an already-interned name costs a hash and a
 * few loads, with no lock in either runtime.
 *
 * Also here: the string builder (TwStrBuilder), %-formatting, str.format,
 * and format() — the format-spec mini-language for int, float and str.
 */
#define _GNU_SOURCE 1    /* memmem, newlocale */
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "twinpy/types.h"
#include "objects/containers.h"
#include "objects/str_case_tables.h"


/* ---------------- UTF-8 ------------------------------------------- */

/* Decode the code point at p (valid UTF-8); returns the bytes it takes. */
static inline int utf8_decode(const unsigned char *p, uint32_t *cp)
{
    unsigned char c = p[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c < 0xE0) {
        *cp = ((uint32_t)(c & 0x1F) << 6) | (p[1] & 0x3F);
        return 2;
    }
    if (c < 0xF0) {
        *cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        return 3;
    }
    *cp = ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
          ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
    return 4;
}

static inline int utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Code points in n bytes of UTF-8: the bytes that are not continuation
 * bytes (10xxxxxx), eight at a time: a byte's bit 7 set and its bit 6
 * clear, the latter shifted onto bit 7 of the same byte. */
static TwSsize utf8_count(const char *s, size_t n)
{
    const uint64_t high = 0x8080808080808080u;
    size_t cont = 0, i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        cont += (size_t)__builtin_popcountll(w & (~w << 1) & high);
    }
    for (; i < n; i++)
        cont += ((unsigned char)s[i] & 0xC0) == 0x80;
    return (TwSsize)(n - cont);
}

#define STR(op) ((TwStrObject *)(op))

/* Byte offset of code point i (0 <= i <= length). */
static TwSsize cp_to_byte(TwObject *op, TwSsize i)
{
    TwStrObject *s = STR(op);
    if (s->is_ascii || i <= 0)
        return i <= 0 ? 0 : i;
    if (i >= s->length)
        return s->size;
    const unsigned char *p = (const unsigned char *)s->data;
    TwSsize b = 0;
    for (TwSsize k = 0; k < i; k++) {
        b++;
        while (b < s->size && (p[b] & 0xC0) == 0x80)
            b++;
    }
    return b;
}

/* Code point index of byte offset b. */
static TwSsize byte_to_cp(TwObject *op, TwSsize b)
{
    if (STR(op)->is_ascii)
        return b;
    return utf8_count(STR(op)->data, (size_t)b);
}

/* ---------------- Unicode classification -------------------------- */

static locale_t utf8_locale;
static pthread_once_t utf8_locale_once = PTHREAD_ONCE_INIT;

static void utf8_locale_init(void)
{
    utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static locale_t get_utf8_locale(void)
{
    pthread_once(&utf8_locale_once, utf8_locale_init);
    return utf8_locale;
}

/* Python's str.isspace / split() whitespace. */
static bool cp_isspace(uint32_t c)
{
    if (c < 128)
        return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
    return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
           c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

static bool cp_isdigit(uint32_t c)
{
    return c >= '0' && c <= '9';
}

static bool cp_isalpha(uint32_t c)
{
    if (c < 128)
        return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    locale_t l = get_utf8_locale();
    return l ? iswalpha_l((wint_t)c, l) != 0 : false;
}

static bool cp_isupper(uint32_t c)
{
    if (c < 128)
        return c >= 'A' && c <= 'Z';
    locale_t l = get_utf8_locale();
    return l ? iswupper_l((wint_t)c, l) != 0 : false;
}

static bool cp_islower(uint32_t c)
{
    if (c < 128)
        return c >= 'a' && c <= 'z';
    locale_t l = get_utf8_locale();
    return l ? iswlower_l((wint_t)c, l) != 0 : false;
}

static uint32_t cp_toupper(uint32_t c)
{
    if (c < 128)
        return (c >= 'a' && c <= 'z') ? c - 32 : c;
    locale_t l = get_utf8_locale();
    return l ? (uint32_t)towupper_l((wint_t)c, l) : c;
}

static uint32_t cp_tolower(uint32_t c)
{
    if (c < 128)
        return (c >= 'A' && c <= 'Z') ? c + 32 : c;
    locale_t l = get_utf8_locale();
    return l ? (uint32_t)towlower_l((wint_t)c, l) : c;
}

static bool cp_iscased(uint32_t c)
{
    return cp_isupper(c) || cp_islower(c);
}

/* Python's str.isprintable (what repr() leaves unescaped). */
static bool cp_isprintable(uint32_t c)
{
    if (c < 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0xAD)
        return false;
    if (c < 128)
        return true;
    /* separators, format characters (Cf), surrogates, private use */
    static const uint32_t hidden[][2] = {
        { 0x600, 0x605 }, { 0x61C, 0x61C }, { 0x6DD, 0x6DD }, { 0x70F, 0x70F }, { 0x890, 0x891 },
        { 0x8E2, 0x8E2 }, { 0x180E, 0x180E }, { 0x200B, 0x200F }, { 0x202A, 0x202E },
        { 0x2060, 0x206F }, { 0xD800, 0xF8FF }, { 0xFEFF, 0xFEFF }, { 0xFFF9, 0xFFFB },
        { 0x110BD, 0x110BD }, { 0x110CD, 0x110CD }, { 0x13430, 0x13438 }, { 0x1BCA0, 0x1BCA3 },
        { 0x1D173, 0x1D17A }, { 0xE0001, 0xE0001 }, { 0xE0020, 0xE007F }, { 0xF0000, 0x10FFFF },
    };
    if (cp_isspace(c))
        return false;
    for (size_t i = 0; i < sizeof hidden / sizeof hidden[0]; i++)
        if (c >= hidden[i][0] && c <= hidden[i][1])
            return false;
    locale_t l = get_utf8_locale();
    return l ? iswprint_l((wint_t)c, l) != 0 : true;
}

/* ---------------- allocation -------------------------------------- */

/* The empty string and the 128 one-character ASCII strings are static and
 * immortal: iteration and indexing of ASCII text never allocate. */
typedef struct {
    TwObject ob_base;
    TwSsize length;
    TwSsize size;
    TwHash hash;
    uint8_t is_ascii;
    uint8_t interned;
    char data[2];
} TwStrChar;

#define SCHAR(n) { TW_OBJECT_HEAD_INIT(&TwStr_Type), 1, 1, -1, 1, 1, { (char)(n), 0 } }
#define SCHAR4(n) SCHAR(n), SCHAR((n) + 1), SCHAR((n) + 2), SCHAR((n) + 3)
#define SCHAR16(n) SCHAR4(n), SCHAR4((n) + 4), SCHAR4((n) + 8), SCHAR4((n) + 12)
#define SCHAR64(n) SCHAR16(n), SCHAR16((n) + 16), SCHAR16((n) + 32), SCHAR16((n) + 48)

static TwStrChar ascii_chars[128] = { SCHAR64(0), SCHAR64(64) };
static TwStrChar empty_str = { TW_OBJECT_HEAD_INIT(&TwStr_Type), 0, 0, -1, 1, 1, { 0, 0 } };

#define EMPTY ((TwObject *)&empty_str)

static TwObject *str_empty(void)
{
    return tw_newref(EMPTY);
}

/* A fresh, uninitialised str of `size` bytes; the caller fills data and
 * calls str_finish. */
static TwObject *str_alloc(size_t size)
{
    if (tw_alloc_exceeds_memory(size))
        return tw_err_no_memory();
    /* every byte is written by the caller: a large string's block need not
     * come zeroed (runtime.h) */
    TwObject *op = tw_object_alloc_uninit(&TwStr_Type, sizeof(TwStrObject) + size + 1);
    if (op == NULL)
        return tw_err_no_memory();
    TwStrObject *s = STR(op);
    s->size = (TwSsize)size;
    s->length = 0;
    s->hash = -1;
    s->is_ascii = 0;
    s->interned = 0;
    s->data[size] = '\0';
    return op;
}

/* Compute length and the ASCII flag; swap in the shared small strings. */
static TwObject *str_finish(TwObject *op)
{
    TwStrObject *s = STR(op);
    s->length = utf8_count(s->data, (size_t)s->size);
    s->is_ascii = s->length == s->size;
    if (s->size <= 1 && (s->size == 0 || (unsigned char)s->data[0] < 128)) {
        TwObject *r = s->size == 0 ? EMPTY : (TwObject *)&ascii_chars[(unsigned char)s->data[0]];
        tw_object_free(op, sizeof(TwStrObject) + 1 + (size_t)s->size);
        return tw_newref(r);
    }
    return op;
}

/* A string of the size bytes at s (valid UTF-8); ascii: the caller knows
 * them all ASCII (a piece of ASCII text), so they are not counted. */
static TwObject *str_from_utf8_known(const char *s, size_t size, bool ascii)
{
    if (size == 0)
        return str_empty();
    if (size == 1 && (unsigned char)s[0] < 128)
        return tw_newref((TwObject *)&ascii_chars[(unsigned char)s[0]]);
    TwObject *op = str_alloc(size);
    if (op == NULL)
        return NULL;
    memcpy(STR(op)->data, s, size);
    STR(op)->length = ascii ? (TwSsize)size : utf8_count(s, size);
    STR(op)->is_ascii = STR(op)->length == (TwSsize)size;
    return op;
}

TwObject *tw_str_from_utf8(const char *s, size_t size)
{
    return str_from_utf8_known(s, size, false);
}

TwObject *tw_str_from_cstr(const char *s)
{
    return tw_str_from_utf8(s, strlen(s));
}

static TwObject *str_from_cp(uint32_t cp)
{
    char buf[4];
    int n = utf8_encode(cp, buf);
    return tw_str_from_utf8(buf, (size_t)n);
}

/* Exact strs free themselves; an instance of a str subclass comes here
 * from tw_object_dealloc_generic (which has already dropped what the
 * class added) and is freed with its item count, which only str knows. */
static void str_dealloc(TwObject *op)
{
    if (TW_TYPE(op) == &TwStr_Type)
        tw_object_free(op, sizeof(TwStrObject) + (size_t)STR(op)->size + 1);
    else
        tw_type_free_instance(op, STR(op)->size + 1);
}

/* ---------------- hash, equality ---------------------------------- */

static TwHash hash_bytes(const char *s, size_t n)
{
    uint64_t x = 14695981039346656037ULL;
    for (size_t i = 0; i < n; i++) {
        x ^= (unsigned char)s[i];
        x *= 1099511628211ULL;
    }
    TwHash h = (TwHash)x;
    return h == -1 ? -2 : h;
}

TwHash tw_str_hash(TwObject *op)
{
    TwStrObject *s = STR(op);
    TwHash h = __atomic_load_n(&s->hash, __ATOMIC_RELAXED);
    if (h != -1)
        return h;
    h = hash_bytes(s->data, (size_t)s->size);
    __atomic_store_n(&s->hash, h, __ATOMIC_RELAXED);
    return h;
}

bool tw_str_eq(TwObject *a, TwObject *b)
{
    if (a == b)
        return true;
    if (STR(a)->size != STR(b)->size)
        return false;
    if (STR(a)->interned && STR(b)->interned && TW_STR_CHECK_EXACT(a) && TW_STR_CHECK_EXACT(b))
        return false;   /* two different interned strings are never equal */
    return memcmp(STR(a)->data, STR(b)->data, (size_t)STR(a)->size) == 0;
}

bool tw_str_eq_cstr(TwObject *a, const char *s)
{
    size_t n = strlen(s);
    return (size_t)STR(a)->size == n && memcmp(STR(a)->data, s, n) == 0;
}

/* ---------------- interning --------------------------------------- */

typedef struct InternTable {
    struct InternTable *retired_next;   /* older tables, kept alive       */
    size_t mask;
    size_t used;
    TwStrObject *slots[];
} InternTable;

static InternTable *intern_table;
static pthread_mutex_t intern_lock = PTHREAD_MUTEX_INITIALIZER;

static TwStrObject *intern_probe(InternTable *t, const char *s, size_t n, TwHash h)
{
    size_t i = (size_t)h & t->mask;
    for (;;) {
        TwStrObject *e = __atomic_load_n(&t->slots[i], __ATOMIC_ACQUIRE);
        if (e == NULL)
            return NULL;
        if (e->hash == h && (size_t)e->size == n && memcmp(e->data, s, n) == 0)
            return e;
        i = (i + 1) & t->mask;
    }
}

static InternTable *intern_table_new(size_t cap)
{
    InternTable *t = calloc(1, sizeof(InternTable) + cap * sizeof(TwStrObject *));
    if (t)
        t->mask = cap - 1;
    return t;
}

static void intern_table_put(InternTable *t, TwStrObject *s)
{
    size_t i = (size_t)s->hash & t->mask;
    while (t->slots[i] != NULL)
        i = (i + 1) & t->mask;
    __atomic_store_n(&t->slots[i], s, __ATOMIC_RELEASE);
    t->used++;
}

/* An immortal str outside the counted heap: interned strings live as long
 * as the process, so they are not reported by leak checks. */
static TwStrObject *intern_make(const char *s, size_t n, TwHash h)
{
    TwStrObject *r = calloc(1, sizeof(TwStrObject) + n + 1);
    if (r == NULL)
        return NULL;
    tw_object_init_header((TwObject *)r, &TwStr_Type);
    tw_set_immortal((TwObject *)r);
    memcpy(r->data, s, n);
    r->data[n] = '\0';
    r->size = (TwSsize)n;
    r->length = utf8_count(s, n);
    r->is_ascii = r->length == r->size;
    r->hash = h;
    r->interned = 1;
    return r;
}

/* The interned string equal to s[0..n): lock-free if it exists already. */
static TwObject *intern_bytes(const char *s, size_t n)
{
    if (n == 0)
        return EMPTY;
    if (n == 1 && (unsigned char)s[0] < 128)
        return (TwObject *)&ascii_chars[(unsigned char)s[0]];
    TwHash h = hash_bytes(s, n);
    InternTable *t = __atomic_load_n(&intern_table, __ATOMIC_ACQUIRE);
    if (t) {
        TwStrObject *e = intern_probe(t, s, n, h);
        if (e)
            return (TwObject *)e;
    }
    pthread_mutex_lock(&intern_lock);
    t = intern_table;
    TwStrObject *e = t ? intern_probe(t, s, n, h) : NULL;
    if (e == NULL) {
        if (t == NULL || (t->used + 1) * 2 > t->mask + 1) {
            size_t cap = t ? (t->mask + 1) * 2 : 1024;
            InternTable *nt = intern_table_new(cap);
            if (nt == NULL) {
                pthread_mutex_unlock(&intern_lock);
                return NULL;
            }
            if (t) {
                for (size_t i = 0; i <= t->mask; i++)
                    if (t->slots[i])
                        intern_table_put(nt, t->slots[i]);
                nt->retired_next = t;
            }
            __atomic_store_n(&intern_table, nt, __ATOMIC_RELEASE);
            t = nt;
        }
        e = intern_make(s, n, h);
        if (e)
            intern_table_put(t, e);
    }
    pthread_mutex_unlock(&intern_lock);
    return (TwObject *)e;
}

TwObject *tw_str_intern_cstr(const char *s)
{
    TwObject *r = intern_bytes(s, strlen(s));
    if (r == NULL)
        return tw_err_no_memory();
    return r;
}

void tw_str_intern_inplace(TwObject **p)
{
    TwObject *s = *p;
    if (s == NULL || !TW_STR_CHECK_EXACT(s) || STR(s)->interned)
        return;
    TwObject *r = intern_bytes(STR(s)->data, (size_t)STR(s)->size);
    if (r == NULL) {
        tw_err_clear();     /* out of memory: the string simply stays un-interned */
        return;
    }
    *p = tw_newref(r);
    TW_DECREF(s);
}

/* ---------------- builder ----------------------------------------- */

void tw_sb_init(TwStrBuilder *sb)
{
    sb->buf = sb->small;
    sb->len = 0;
    sb->cap = sizeof sb->small;
}

/* Room for extra more bytes (and the terminating NUL): sb_reserve, whose
 * slow path this is.  A size past the machine's memory raises MemoryError
 * at once: callers that know how much they will write (padding to a
 * width, repetition, join, replace) reserve it first, so that
 * 'x'.ljust(10**12) fails before writing a byte rather than after
 * filling the memory. */
static __attribute__((noinline)) int sb_grow(TwStrBuilder *sb, size_t extra)
{
    if (extra > SIZE_MAX / 2 - sb->len || tw_alloc_exceeds_memory(sb->len + extra + 1)) {
        tw_err_no_memory();
        return -1;
    }
    size_t need = sb->len + extra + 1, ncap = sb->cap * 2;
    if (ncap < need || tw_alloc_exceeds_memory(ncap))
        ncap = need;
    char *nb;
    if (sb->buf == sb->small) {
        nb = tw_mem_alloc(ncap);
        if (nb)
            memcpy(nb, sb->buf, sb->len);
    } else {
        nb = tw_mem_realloc(sb->buf, sb->cap, ncap);
    }
    if (nb == NULL) {
        tw_err_no_memory();
        return -1;
    }
    sb->buf = nb;
    sb->cap = ncap;
    return 0;
}

static inline int sb_reserve(TwStrBuilder *sb, size_t extra)
{
    return extra < sb->cap - sb->len ? 0 : sb_grow(sb, extra);
}

int tw_sb_append(TwStrBuilder *sb, const char *s, size_t n)
{
    if (sb_reserve(sb, n) < 0)
        return -1;
    memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    return 0;
}

int tw_sb_append_cstr(TwStrBuilder *sb, const char *s)
{
    return tw_sb_append(sb, s, strlen(s));
}

static int sb_putc(TwStrBuilder *sb, char c)
{
    if (sb->len + 2 > sb->cap && sb_reserve(sb, 1) < 0)
        return -1;
    sb->buf[sb->len++] = c;
    return 0;
}

static int sb_put_cp(TwStrBuilder *sb, uint32_t cp)
{
    char buf[4];
    return tw_sb_append(sb, buf, (size_t)utf8_encode(cp, buf));
}

static int sb_repeat(TwStrBuilder *sb, const char *s, size_t n, TwSsize times)
{
    size_t total;
    if (times <= 0)
        return 0;
    if (__builtin_mul_overflow(n, (size_t)times, &total)) {
        tw_err_no_memory();
        return -1;
    }
    if (sb_reserve(sb, total) < 0)
        return -1;
    char *d = sb->buf + sb->len;
    if (n == 1) {
        memset(d, s[0], total);
    } else {
        for (TwSsize i = 0; i < times; i++)
            memcpy(d + (size_t)i * n, s, n);
    }
    sb->len += total;
    return 0;
}

static int sb_append_str(TwStrBuilder *sb, TwObject *s)
{
    return tw_sb_append(sb, STR(s)->data, (size_t)STR(s)->size);
}

int tw_sb_append_obj_str(TwStrBuilder *sb, TwObject *o)
{
    if (TW_STR_CHECK_EXACT(o))
        return sb_append_str(sb, o);
    TwObject *s = tw_object_str(o);
    if (s == NULL)
        return -1;
    int r = sb_append_str(sb, s);
    TW_DECREF(s);
    return r;
}

int tw_sb_append_obj_repr(TwStrBuilder *sb, TwObject *o)
{
    TwObject *s = tw_object_repr(o);
    if (s == NULL)
        return -1;
    int r = sb_append_str(sb, s);
    TW_DECREF(s);
    return r;
}

void tw_sb_discard(TwStrBuilder *sb)
{
    if (sb->buf != sb->small)
        tw_mem_free(sb->buf, sb->cap);
    tw_sb_init(sb);
}

TwObject *tw_sb_finish(TwStrBuilder *sb)
{
    TwObject *r = tw_str_from_utf8(sb->buf, sb->len);
    tw_sb_discard(sb);
    return r;
}

/* ---------------- str_from_format --------------------------------- */

/* printf-like building of a str with twinpy's object codes:
 * %s (with optional .N precision) %d %i %u %x %ld %lu %lld %llu %zd %zu
 * %c %p %%, %R repr(obj), %S str(obj), %T type name of obj, %N name of a
 * type object. */
TwObject *tw_str_from_vformat(const char *fmt, va_list ap)
{
    TwStrBuilder sb;
    tw_sb_init(&sb);
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            const char *start = f;
            while (f[1] && f[1] != '%')
                f++;
            if (tw_sb_append(&sb, start, (size_t)(f - start + 1)) < 0)
                goto fail;
            continue;
        }
        f++;
        int prec = -1;
        if (*f == '.') {
            prec = 0;
            for (f++; *f >= '0' && *f <= '9'; f++)
                prec = prec * 10 + (*f - '0');
        }
        int lmod = 0;   /* 1 l, 2 ll, 3 z */
        if (*f == 'l') {
            lmod = 1;
            f++;
            if (*f == 'l') {
                lmod = 2;
                f++;
            }
        } else if (*f == 'z') {
            lmod = 3;
            f++;
        }
        char num[64];
        int r = 0;
        switch (*f) {
        case '%':
            r = sb_putc(&sb, '%');
            break;
        case 'c':
            r = sb_put_cp(&sb, (uint32_t)va_arg(ap, int));
            break;
        case 'd': case 'i': {
            long long v = lmod == 0 ? va_arg(ap, int) : lmod == 1 ? va_arg(ap, long)
                        : lmod == 2 ? va_arg(ap, long long) : (long long)va_arg(ap, TwSsize);
            snprintf(num, sizeof num, "%lld", v);
            r = tw_sb_append_cstr(&sb, num);
            break;
        }
        case 'u': case 'x': {
            unsigned long long v = lmod == 0 ? va_arg(ap, unsigned) : lmod == 1 ? va_arg(ap, unsigned long)
                                 : lmod == 2 ? va_arg(ap, unsigned long long) : va_arg(ap, size_t);
            snprintf(num, sizeof num, *f == 'u' ? "%llu" : "%llx", v);
            r = tw_sb_append_cstr(&sb, num);
            break;
        }
        case 'p':
            snprintf(num, sizeof num, "%p", va_arg(ap, void *));
            r = tw_sb_append_cstr(&sb, num);
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (s == NULL)
                s = "(null)";
            size_t n = strlen(s);
            if (prec >= 0 && (size_t)prec < n)
                n = (size_t)prec;
            r = tw_sb_append(&sb, s, n);
            break;
        }
        case 'R':
            r = tw_sb_append_obj_repr(&sb, va_arg(ap, TwObject *));
            break;
        case 'S':
            r = tw_sb_append_obj_str(&sb, va_arg(ap, TwObject *));
            break;
        case 'T':
            r = tw_sb_append_cstr(&sb, tw_type_name(TW_TYPE(va_arg(ap, TwObject *))));
            break;
        case 'N':
            r = tw_sb_append_cstr(&sb, tw_type_name(va_arg(ap, TwTypeObject *)));
            break;
        case '\0':
            f--;
            break;
        default:
            r = sb_putc(&sb, '%');
            if (r == 0)
                r = sb_putc(&sb, *f);
            break;
        }
        if (r < 0)
            goto fail;
    }
    return tw_sb_finish(&sb);
fail:
    tw_sb_discard(&sb);
    return NULL;
}

TwObject *tw_str_from_format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    TwObject *r = tw_str_from_vformat(fmt, ap);
    va_end(ap);
    return r;
}

/* ---------------- repr -------------------------------------------- */

static int sb_escape_cp(TwStrBuilder *sb, uint32_t c)
{
    char buf[16];
    if (c <= 0xFF)
        snprintf(buf, sizeof buf, "\\x%02x", c);
    else if (c <= 0xFFFF)
        snprintf(buf, sizeof buf, "\\u%04x", c);
    else
        snprintf(buf, sizeof buf, "\\U%08x", c);
    return tw_sb_append_cstr(sb, buf);
}

/* repr of UTF-8 text, CPython's way: single quotes unless the text has a
 * single quote and no double quote; \n \r \t \\ and the quote escaped;
 * other unprintable characters as \xhh, \uhhhh or \Uhhhhhhhh.  With
 * ascii_only (ascii()), every non-ASCII character is escaped. */
static void repr_into(TwStrBuilder *sb, const char *s, size_t n, bool ascii_only)
{
    bool has_single = memchr(s, '\'', n) != NULL, has_double = memchr(s, '"', n) != NULL;
    char q = (has_single && !has_double) ? '"' : '\'';
    sb_putc(sb, q);
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        if (*p < 128) {
            unsigned char c = *p++;
            if (c == (unsigned char)q || c == '\\') {
                sb_putc(sb, '\\');
                sb_putc(sb, (char)c);
            } else if (c == '\n') {
                tw_sb_append(sb, "\\n", 2);
            } else if (c == '\r') {
                tw_sb_append(sb, "\\r", 2);
            } else if (c == '\t') {
                tw_sb_append(sb, "\\t", 2);
            } else if (c < 0x20 || c == 0x7F) {
                sb_escape_cp(sb, c);
            } else {
                sb_putc(sb, (char)c);
            }
            continue;
        }
        uint32_t cp;
        int k = utf8_decode(p, &cp);
        if (ascii_only || !cp_isprintable(cp))
            sb_escape_cp(sb, cp);
        else
            tw_sb_append(sb, (const char *)p, (size_t)k);
        p += k;
    }
    sb_putc(sb, q);
}

void tw_str_repr_buf(TwStrBuilder *sb, const char *s, size_t n)
{
    repr_into(sb, s, n, false);
}

static TwObject *str_repr(TwObject *op)
{
    TwStrBuilder sb;
    tw_sb_init(&sb);
    repr_into(&sb, STR(op)->data, (size_t)STR(op)->size, false);
    return tw_sb_finish(&sb);
}

/* ascii(obj): repr with every non-ASCII character escaped. */
TwObject *tw_object_ascii(TwObject *o)
{
    TwObject *r = tw_object_repr(o);
    if (r == NULL || STR(r)->is_ascii)
        return r;
    TwStrBuilder sb;
    tw_sb_init(&sb);
    const unsigned char *p = (const unsigned char *)STR(r)->data, *end = p + STR(r)->size;
    while (p < end) {
        if (*p < 128) {
            sb_putc(&sb, (char)*p++);
            continue;
        }
        uint32_t cp;
        p += utf8_decode(p, &cp);
        sb_escape_cp(&sb, cp);
    }
    TW_DECREF(r);
    return tw_sb_finish(&sb);
}

static TwObject *str_str(TwObject *op)
{
    if (TW_STR_CHECK_EXACT(op))
        return tw_newref(op);
    return tw_str_from_utf8(STR(op)->data, (size_t)STR(op)->size);
}

/* ---------------- comparison, concatenation, repetition ----------- */

static int str_compare(TwObject *a, TwObject *b)
{
    TwSsize na = STR(a)->size, nb = STR(b)->size;
    int c = memcmp(STR(a)->data, STR(b)->data, (size_t)(na < nb ? na : nb));
    if (c != 0)
        return c < 0 ? -1 : 1;
    return na < nb ? -1 : na > nb;
}

static TwObject *str_richcompare(TwObject *a, TwObject *b, int op)
{
    if (!TW_STR_CHECK(a) || !TW_STR_CHECK(b))
        return tw_newref(Tw_NotImplemented);
    if (op == TW_EQ || op == TW_NE) {
        bool eq = tw_str_eq(a, b);
        return tw_bool_from(op == TW_EQ ? eq : !eq);
    }
    int c = str_compare(a, b);
    bool r;
    switch (op) {
    case TW_LT: r = c < 0; break;
    case TW_LE: r = c <= 0; break;
    case TW_GT: r = c > 0; break;
    default: r = c >= 0; break;
    }
    return tw_bool_from(r);
}

TwObject *tw_str_concat(TwObject *a, TwObject *b)
{
    if (STR(a)->size == 0 && TW_STR_CHECK_EXACT(b))
        return tw_newref(b);
    if (STR(b)->size == 0 && TW_STR_CHECK_EXACT(a))
        return tw_newref(a);
    size_t na = (size_t)STR(a)->size, nb = (size_t)STR(b)->size;
    TwObject *r = str_alloc(na + nb);
    if (r == NULL)
        return NULL;
    memcpy(STR(r)->data, STR(a)->data, na);
    memcpy(STR(r)->data + na, STR(b)->data, nb);
    STR(r)->length = STR(a)->length + STR(b)->length;
    STR(r)->is_ascii = STR(a)->is_ascii && STR(b)->is_ascii;
    return r;
}

TwObject *tw_str_append_in_place(TwObject *a, TwObject *b)
{
    TwStrObject *sa = STR(a), *sb = STR(b);
    size_t na = (size_t)sa->size, nb = (size_t)sb->size;
    if (sa->interned || a == b)
        return NULL;
    if (nb == 0)
        return a;
    size_t old = sizeof(TwStrObject) + na + 1, grown = old + nb;
    if (tw_alloc_exceeds_memory(grown))
        return NULL;
    TwObject *r = tw_object_resize(a, old, grown);
    if (r == NULL)
        return NULL;
    TwStrObject *s = STR(r);
    memcpy(s->data + na, sb->data, nb);
    s->data[na + nb] = '\0';
    s->size = (TwSsize)(na + nb);
    s->length += sb->length;
    s->is_ascii = s->is_ascii && sb->is_ascii;
    s->hash = -1;
    return r;
}

/* `str + x`: only str + str.  A built-in right operand gets CPython's
 * message at once; a user class may still provide __radd__. */
static TwObject *str_add(TwObject *a, TwObject *b)
{
    if (!TW_STR_CHECK(a))
        return tw_newref(Tw_NotImplemented);
    if (!TW_STR_CHECK(b)) {
        if (TW_TYPE(b)->tp_flags & TW_TPFLAGS_HEAPTYPE)
            return tw_newref(Tw_NotImplemented);
        return tw_err_format(TwExc_TypeError, "can only concatenate str (not \"%T\") to str", b);
    }
    return tw_str_concat(a, b);
}

static TwObject *str_repeat(TwObject *s, int64_t n)
{
    if (n <= 0 || STR(s)->size == 0)
        return str_empty();
    if (n == 1 && TW_STR_CHECK_EXACT(s))
        return tw_newref(s);
    size_t sz = (size_t)STR(s)->size, total;
    if (__builtin_mul_overflow(sz, (size_t)n, &total) || total > (size_t)INT64_MAX) {
        tw_err_set_string(TwExc_OverflowError, "repeated string is too long");
        return NULL;
    }
    if (total > ((size_t)1 << 40))    /* representable, but no machine has it */
        return tw_err_no_memory();
    TwObject *r = str_alloc(total);
    if (r == NULL)
        return NULL;
    char *d = STR(r)->data;
    if (sz == 1) {
        memset(d, STR(s)->data[0], total);
    } else {
        memcpy(d, STR(s)->data, sz);
        size_t done = sz;
        while (done < total) {
            size_t chunk = done <= total - done ? done : total - done;
            memcpy(d + done, d, chunk);
            done += chunk;
        }
    }
    STR(r)->length = STR(s)->length * (TwSsize)n;
    STR(r)->is_ascii = STR(s)->is_ascii;
    return r;
}

static TwObject *str_mul(TwObject *a, TwObject *b)
{
    TwObject *s, *n;
    if (TW_STR_CHECK(a)) {
        s = a;
        n = b;
    } else if (TW_STR_CHECK(b)) {
        s = b;
        n = a;
    } else {
        return tw_newref(Tw_NotImplemented);
    }
    if (!TW_INT_CHECK(n)) {
        if (TW_TYPE(n)->nb_index == NULL) {
            if (TW_TYPE(n)->tp_flags & TW_TPFLAGS_HEAPTYPE)
                return tw_newref(Tw_NotImplemented);
            return tw_err_format(TwExc_TypeError, "can't multiply sequence by non-int of type '%T'", n);
        }
        /* an object with __index__ counts, as for lists and tuples */
        TwSsize count;
        if (tw_number_as_ssize(n, &count) < 0)
            return NULL;
        return str_repeat(s, count);
    }
    return str_repeat(s, TW_INT_VALUE(n));
}

static TwObject *str_percent_format(TwObject *fmt, TwObject *args);

static TwObject *str_mod(TwObject *a, TwObject *b)
{
    if (!TW_STR_CHECK(a))
        return tw_newref(Tw_NotImplemented);
    return str_percent_format(a, b);
}

/* ---------------- sequence protocol ------------------------------- */

static TwSsize str_len(TwObject *op)
{
    return STR(op)->length;
}

/* s[start:end] in code points (0 <= start <= end <= length). */
static TwObject *str_substr(TwObject *op, TwSsize start, TwSsize end)
{
    if (start == 0 && end == STR(op)->length && TW_STR_CHECK_EXACT(op))
        return tw_newref(op);
    if (start >= end)
        return str_empty();
    TwSsize bs = cp_to_byte(op, start), be = cp_to_byte(op, end);
    return tw_str_from_utf8(STR(op)->data + bs, (size_t)(be - bs));
}

/* Substring by byte offsets. */
static TwObject *str_bytes_sub(TwObject *op, TwSsize bs, TwSsize be)
{
    if (bs == 0 && be == STR(op)->size && TW_STR_CHECK_EXACT(op))
        return tw_newref(op);
    return str_from_utf8_known(STR(op)->data + bs, (size_t)(be - bs), STR(op)->is_ascii);
}

static TwObject *str_item(TwObject *op, TwSsize i)
{
    TwSsize len = STR(op)->length;
    if (i < 0)
        i += len;
    if (i < 0 || i >= len) {
        tw_err_set_string(TwExc_IndexError, "string index out of range");
        return NULL;
    }
    if (STR(op)->is_ascii)
        return tw_newref((TwObject *)&ascii_chars[(unsigned char)STR(op)->data[i]]);
    TwSsize b = cp_to_byte(op, i);
    uint32_t cp;
    utf8_decode((const unsigned char *)STR(op)->data + b, &cp);
    return str_from_cp(cp);
}

static TwObject *str_getitem(TwObject *op, TwObject *key)
{
    if (TW_INT_CHECK(key))
        return str_item(op, (TwSsize)TW_INT_VALUE(key));
    if (TW_TYPE(key) == &TwSlice_Type) {
        TwSsize start, stop, step;
        TwSsize n = tw_slice_indices(key, STR(op)->length, &start, &stop, &step);
        if (n < 0)
            return NULL;
        if (step == 1)
            return str_substr(op, start, start + n);
        if (n == 0)
            return str_empty();
        TwStrBuilder sb;
        tw_sb_init(&sb);
        if (STR(op)->is_ascii) {
            for (TwSsize k = 0, i = start; k < n; k++, i += step)
                sb_putc(&sb, STR(op)->data[i]);
        } else {
            /* decode once into code points, then pick */
            TwSsize len = STR(op)->length;
            uint32_t *cps = tw_mem_alloc((size_t)len * sizeof(uint32_t));
            if (cps == NULL) {
                tw_sb_discard(&sb);
                return tw_err_no_memory();
            }
            const unsigned char *p = (const unsigned char *)STR(op)->data;
            for (TwSsize i = 0; i < len; i++)
                p += utf8_decode(p, &cps[i]);
            for (TwSsize k = 0, i = start; k < n; k++, i += step)
                sb_put_cp(&sb, cps[i]);
            tw_mem_free(cps, (size_t)len * sizeof(uint32_t));
        }
        return tw_sb_finish(&sb);
    }
    if (TW_TYPE(key)->nb_index) {
        int64_t i = tw_int_as_i64(key);
        if (i == -1 && tw_err_occurred())
            return NULL;
        return str_item(op, (TwSsize)i);
    }
    return tw_err_format(TwExc_TypeError, "string indices must be integers, not '%T'", key);
}

static TwSsize bytes_find(const char *h, TwSsize hn, const char *n, TwSsize nn)
{
    if (nn == 0)
        return 0;
    if (nn > hn)
        return -1;
    if (nn == 1) {
        const char *p = memchr(h, n[0], (size_t)hn);
        return p ? p - h : -1;
    }
    if (nn <= 8 && hn <= 4096) {
        /* short needle, short text: memmem's set-up costs more than the
         * search; its first byte by memchr, then a compare (at most 8
         * bytes per candidate, so never worse than 8 passes) */
        const char *p = h, *last = h + (hn - nn);
        while (p <= last && (p = memchr(p, n[0], (size_t)(last - p) + 1)) != NULL) {
            if (memcmp(p + 1, n + 1, (size_t)nn - 1) == 0)
                return p - h;
            p++;
        }
        return -1;
    }
    const char *p = memmem(h, (size_t)hn, n, (size_t)nn);
    return p ? p - h : -1;
}

static TwSsize bytes_rfind(const char *h, TwSsize hn, const char *n, TwSsize nn)
{
    if (nn == 0)
        return hn;
    if (nn > hn)
        return -1;
    for (TwSsize i = hn - nn; i >= 0; i--)
        if (h[i] == n[0] && memcmp(h + i, n, (size_t)nn) == 0)
            return i;
    return -1;
}

static int str_contains(TwObject *op, TwObject *sub)
{
    if (!TW_STR_CHECK(sub)) {
        tw_err_format(TwExc_TypeError, "'in <string>' requires string as left operand, not %T", sub);
        return -1;
    }
    return bytes_find(STR(op)->data, STR(op)->size, STR(sub)->data, STR(sub)->size) >= 0;
}

/* ---------------- iterator ---------------------------------------- */

typedef struct {
    TwObject ob_base;
    TwObject *str;
    TwSsize pos;      /* byte offset of the next character */
} TwStrIterObject;

static void striter_dealloc(TwObject *op)
{
    TW_XDECREF(((TwStrIterObject *)op)->str);
    tw_object_free(op, sizeof(TwStrIterObject));
}

/* Shared iterators: containers.h, I1-I2.  Every position stored is the
 * start of a character (one loaded, plus that character's length), so a
 * lost update repeats a character and never splits one. */
static TwObject *striter_next(TwObject *op)
{
    TwStrIterObject *it = (TwStrIterObject *)op;
    tw_bias_check_read(op);
    TwObject *s = tw_atomic_load_ptr(&it->str);
    if (s == NULL)
        return NULL;
    TwSsize pos = tw_atomic_load_ssize(&it->pos);
    if (pos >= STR(s)->size) {
        tw_iter_release(op, &it->str, s);
        return NULL;
    }
    const unsigned char *p = (const unsigned char *)STR(s)->data + pos;
    if (*p < 128) {
        tw_atomic_store_ssize(&it->pos, pos + 1);
        return tw_newref((TwObject *)&ascii_chars[*p]);
    }
    uint32_t cp;
    tw_atomic_store_ssize(&it->pos, pos + utf8_decode(p, &cp));
    return str_from_cp(cp);
}

static TwObject *striter_self(TwObject *op)
{
    return tw_newref(op);
}

TwTypeObject TwStrIter_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "str_ascii_iterator",
    .tp_basicsize = sizeof(TwStrIterObject),
    .tp_dealloc = striter_dealloc,
    .tp_hash = tw_object_hash_identity,
    .tp_iter = striter_self,
    .tp_iternext = striter_next,
    .tp_base = &TwBaseObject_Type,
};

static pthread_once_t striter_ready_once = PTHREAD_ONCE_INIT;

static void striter_ready(void)
{
    if (!(TwStrIter_Type.tp_flags & TW_TPFLAGS_READY))
        tw_type_ready(&TwStrIter_Type);
}

static TwObject *str_iter(TwObject *op)
{
    pthread_once(&striter_ready_once, striter_ready);
    TwStrIterObject *it = (TwStrIterObject *)tw_object_alloc(&TwStrIter_Type, sizeof(TwStrIterObject));
    if (it == NULL)
        return tw_err_no_memory();
    it->str = tw_newref(op);
    it->pos = 0;
    return (TwObject *)it;
}

/* ---------------- construction ------------------------------------ */

static TwObject *str_new(TwTypeObject *type, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    size_t nkw = kwnames ? (size_t)TW_TUPLE_SIZE(kwnames) : 0;
    if (nkw > 0 || nargs > 1) {
        if (nargs + nkw > 3)
            return tw_err_format(TwExc_TypeError, "str() takes at most 3 arguments (%zd given)",
                                 (TwSsize)(nargs + nkw));
        return tw_err_format(TwExc_NotImplementedError, "str() with an encoding is not supported");
    }
    TwObject *value = nargs == 0 ? str_empty() : tw_object_str(args[0]);
    if (value == NULL || type == &TwStr_Type)
        return value;
    /* A subclass: the same layout (no __dict__: str is variable-size),
     * allocated as the subclass with size + 1 items of one byte. */
    size_t n = (size_t)STR(value)->size;
    TwObject *op = tw_type_alloc_instance(type, (TwSsize)n + 1);
    if (op == NULL) {
        TW_DECREF(value);
        return NULL;
    }
    TwStrObject *s = STR(op);
    memcpy(s->data, STR(value)->data, n + 1);
    s->size = (TwSsize)n;
    s->length = STR(value)->length;
    s->is_ascii = STR(value)->is_ascii;
    s->hash = -1;
    s->interned = 0;
    TW_DECREF(value);
    if (type->tp_flags & TW_TPFLAGS_HAVE_GC)
        tw_gc_track(op);
    return op;
}

/* ---------------- argument helpers -------------------------------- */

/* Is fname one of the methods CPython parses as plain varargs (find and
 * friends)?  Their argument-count errors read differently. */
static bool is_varargs_method(const char *fname)
{
    static const char *const names[] = { "find", "rfind", "index", "rindex", "count",
                                         "startswith", "endswith", NULL };
    for (int i = 0; names[i]; i++)
        if (strcmp(fname, names[i]) == 0)
            return true;
    return false;
}

/* Positional and keyword arguments into out[0..max) (borrowed, NULL when
 * absent), with the messages CPython gives for each kind of method:
 * no-argument and one-argument methods name the type ("str.lower() takes
 * no arguments (1 given)"), find and friends say "takes at least", the
 * keyword-taking ones (split) say "takes at most ... (N given)" and the
 * other positional ones (strip, replace) "expected at most N arguments,
 * got M".  names == NULL: positional only. */
static int parse_args(const char *fname, TwObject *const *args, size_t nargs, TwObject *kwnames,
                      const char *const *names, size_t min, size_t max, TwObject **out)
{
    size_t nkw = kwnames ? (size_t)TW_TUPLE_SIZE(kwnames) : 0;
    for (size_t i = 0; i < max; i++)
        out[i] = NULL;
    bool qualified = max == 0 || (min == 1 && max == 1 && names == NULL) || is_varargs_method(fname);
    if (nkw > 0 && names == NULL) {
        tw_err_format(TwExc_TypeError, "%s%s() takes no keyword arguments", qualified ? "str." : "", fname);
        return -1;
    }
    if (nargs > max || (nargs < min && names == NULL)) {
        if (max == 0)
            tw_err_format(TwExc_TypeError, "str.%s() takes no arguments (%zd given)", fname, (TwSsize)nargs);
        else if (min == 1 && max == 1)
            tw_err_format(TwExc_TypeError, "str.%s() takes exactly one argument (%zd given)", fname,
                          (TwSsize)nargs);
        else if (is_varargs_method(fname))
            tw_err_format(TwExc_TypeError, "%s() takes at %s %zd argument%s (%zd given)", fname,
                          nargs > max ? "most" : "least", (TwSsize)(nargs > max ? max : min),
                          (nargs > max ? max : min) == 1 ? "" : "s", (TwSsize)nargs);
        else if (names != NULL)
            tw_err_format(TwExc_TypeError, "%s() takes at most %zd argument%s (%zd given)", fname,
                          (TwSsize)max, max == 1 ? "" : "s", (TwSsize)nargs);
        else
            tw_err_format(TwExc_TypeError, "%s expected at %s %zd argument%s, got %zd", fname,
                          nargs > max ? "most" : "least", (TwSsize)(nargs > max ? max : min),
                          (nargs > max ? max : min) == 1 ? "" : "s", (TwSsize)nargs);
        return -1;
    }
    for (size_t i = 0; i < nargs; i++)
        out[i] = args[i];
    for (size_t k = 0; k < nkw; k++) {
        TwObject *name = TW_TUPLE_GET(kwnames, k);
        size_t j = 0;
        while (j < max && !tw_str_eq_cstr(name, names[j]))
            j++;
        if (j == max) {
            tw_err_format(TwExc_TypeError, "'%S' is an invalid keyword argument for %s()", name, fname);
            return -1;
        }
        if (out[j] != NULL) {
            tw_err_format(TwExc_TypeError, "argument for %s() given by name ('%s') and position (%zd)",
                          fname, names[j], (TwSsize)(j + 1));
            return -1;
        }
        out[j] = args[nargs + k];
    }
    for (size_t i = 0; i < min; i++)
        if (out[i] == NULL) {
            tw_err_format(TwExc_TypeError, "%s() missing required argument '%s' (pos %zd)", fname,
                          names[i], (TwSsize)(i + 1));
            return -1;
        }
    return 0;
}

static int arg_str(const char *fname, TwObject *o, const char *what)
{
    if (TW_STR_CHECK(o))
        return 0;
    tw_err_format(TwExc_TypeError, "%s() argument %s%smust be str, not %T", fname, what, *what ? " " : "", o);
    return -1;
}

/* An optional slice bound (int or None) for find() and friends. */
static int arg_bound(TwObject *o, TwSsize *out)
{
    if (o == NULL || o == Tw_None)
        return 0;
    if (!TW_INT_CHECK(o) && !TW_TYPE(o)->nb_index) {
        tw_err_set_string(TwExc_TypeError,
                          "slice indices must be integers or None or have an __index__ method");
        return -1;
    }
    int64_t v = tw_int_as_i64(o);
    if (v == -1 && tw_err_occurred())
        return -1;
    *out = (TwSsize)v;
    return 0;
}

/* Python's ADJUST_INDICES for code point bounds. */
static void adjust_indices(TwSsize *start, TwSsize *end, TwSsize len)
{
    if (*end > len)
        *end = len;
    else if (*end < 0) {
        *end += len;
        if (*end < 0)
            *end = 0;
    }
    if (*start < 0) {
        *start += len;
        if (*start < 0)
            *start = 0;
    }
}

/* sub, [start, [end]] -> byte range [*bs, *be) of self and the needle.
 * Returns 1 if the range is valid, 0 if start > len (no match possible),
 * -1 on error. */
static int find_args(const char *fname, TwObject *self, TwObject *const *args, size_t nargs,
                     TwObject *kw, TwObject **sub, TwSsize *bs, TwSsize *be)
{
    TwObject *a[3];
    if (parse_args(fname, args, nargs, kw, NULL, 1, 3, a) < 0)
        return -1;
    TwSsize start = 0, end = STR(self)->length;
    if (arg_bound(a[1], &start) < 0 || arg_bound(a[2], &end) < 0)
        return -1;
    *sub = a[0];
    adjust_indices(&start, &end, STR(self)->length);
    if (start > STR(self)->length || start > end) {
        *bs = *be = 0;
        return start > STR(self)->length ? 0 : 2;   /* 2: empty range */
    }
    *bs = cp_to_byte(self, start);
    *be = cp_to_byte(self, end);
    return 1;
}

/* ---------------- find and friends -------------------------------- */

static TwObject *find_impl(const char *fname, TwObject *self, TwObject *const *args, size_t nargs,
                           TwObject *kw, bool reverse, bool raise)
{
    TwObject *sub;
    TwSsize bs, be;
    int ok = find_args(fname, self, args, nargs, kw, &sub, &bs, &be);
    if (ok < 0)
        return NULL;
    if (!TW_STR_CHECK(sub))
        return tw_err_format(TwExc_TypeError, "must be str, not %T", sub);
    TwSsize r = -1;
    if (ok == 1) {
        r = reverse ? bytes_rfind(STR(self)->data + bs, be - bs, STR(sub)->data, STR(sub)->size)
                    : bytes_find(STR(self)->data + bs, be - bs, STR(sub)->data, STR(sub)->size);
        if (r >= 0)
            r = byte_to_cp(self, bs + r);
    }
    if (r < 0 && raise) {
        tw_err_set_string(TwExc_ValueError, "substring not found");
        return NULL;
    }
    return tw_int_from_i64(r);
}

static TwObject *str_find(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    return find_impl("find", self, args, nargs, kw, false, false);
}

static TwObject *str_rfind(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    return find_impl("rfind", self, args, nargs, kw, true, false);
}

static TwObject *str_index(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    return find_impl("index", self, args, nargs, kw, false, true);
}

static TwObject *str_rindex(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    return find_impl("rindex", self, args, nargs, kw, true, true);
}

static TwObject *str_count(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    TwObject *sub;
    TwSsize bs, be;
    int ok = find_args("count", self, args, nargs, kw, &sub, &bs, &be);
    if (ok < 0)
        return NULL;
    if (!TW_STR_CHECK(sub))
        return tw_err_format(TwExc_TypeError, "must be str, not %T", sub);
    if (ok != 1)
        return tw_int_from_i64(0);
    if (STR(sub)->size == 0)
        return tw_int_from_i64(byte_to_cp(self, be) - byte_to_cp(self, bs) + 1);
    int64_t n = 0;
    TwSsize pos = bs;
    for (;;) {
        TwSsize r = bytes_find(STR(self)->data + pos, be - pos, STR(sub)->data, STR(sub)->size);
        if (r < 0)
            break;
        n++;
        pos += r + STR(sub)->size;
    }
    return tw_int_from_i64(n);
}

static TwObject *startsendswith(const char *fname, TwObject *self, TwObject *const *args,
                                size_t nargs, TwObject *kw, bool ends)
{
    TwObject *sub;
    TwSsize bs, be;
    int ok = find_args(fname, self, args, nargs, kw, &sub, &bs, &be);
    if (ok < 0)
        return NULL;
    TwSsize nitems = 1;
    bool is_tuple = TW_TUPLE_CHECK(sub);
    if (is_tuple)
        nitems = TW_TUPLE_SIZE(sub);
    else if (!TW_STR_CHECK(sub))
        return tw_err_format(TwExc_TypeError,
                             "%s first arg must be str or a tuple of str, not %T", fname, sub);
    for (TwSsize i = 0; i < nitems; i++) {
        TwObject *p = is_tuple ? TW_TUPLE_GET(sub, i) : sub;
        if (!TW_STR_CHECK(p))
            return tw_err_format(TwExc_TypeError,
                                 "tuple for %s must only contain str, not %T", fname, p);
        if (ok != 1)
            continue;
        TwSsize n = STR(p)->size;
        if (n > be - bs)
            continue;
        const char *at = ends ? STR(self)->data + be - n : STR(self)->data + bs;
        if (memcmp(at, STR(p)->data, (size_t)n) == 0)
            TW_RETURN_TRUE;
    }
    TW_RETURN_FALSE;
}

static TwObject *str_startswith(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    return startsendswith("startswith", self, args, nargs, kw, false);
}

static TwObject *str_endswith(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    return startsendswith("endswith", self, args, nargs, kw, true);
}

/* ---------------- join, split ------------------------------------- */

TwObject *tw_str_join(TwObject *sep, TwObject *iterable)
{
    TwStrBuilder sb;
    tw_sb_init(&sb);
    /* A tuple's or a list's items (as they are now) have their sizes
     * added up and the result reserved first, as CPython does: past the
     * memory, MemoryError before a byte is written.  Other iterables are
     * joined as their items come (CPython collects them in a list first:
     * either way their items fill the memory before a result would). */
    TwObject *seq = NULL, *it = NULL, *snap;
    int rc;
    if (TW_TYPE(iterable) == &TwTuple_Type) {
        seq = tw_newref(iterable);
    } else if (TW_TYPE(iterable) == &TwList_Type) {
        if ((seq = tw_list_as_tuple(iterable)) == NULL)
            return NULL;
    } else if ((rc = tw_container_snapshot(iterable, &snap)) != 0) {
        /* a dict, set or view: one state of it, as for a list */
        if (rc < 0)
            return NULL;
        seq = tw_list_as_tuple(snap);
        TW_DECREF(snap);
        if (seq == NULL)
            return NULL;
    }
    if (seq != NULL) {
        size_t total = 0, ns = (size_t)STR(sep)->size;
        for (TwSsize i = 0; i < TW_TUPLE_SIZE(seq) && TW_STR_CHECK(TW_TUPLE_GET(seq, i)); i++) {
            size_t add = (size_t)STR(TW_TUPLE_GET(seq, i))->size + (i > 0 ? ns : 0);
            total = total > SIZE_MAX / 2 - add ? SIZE_MAX / 2 : total + add;
        }
        if (sb_reserve(&sb, total) < 0)
            goto fail;
    } else if ((it = tw_object_iter(iterable)) == NULL) {
        if (tw_err_matches(TwExc_TypeError)) {
            tw_err_clear();
            tw_err_set_string(TwExc_TypeError, "can only join an iterable");
        }
        return NULL;
    }
    for (TwSsize i = 0;; i++) {
        TwObject *item, *owned = NULL;   /* the tuple's items are borrowed */
        if (seq != NULL) {
            if (i == TW_TUPLE_SIZE(seq))
                break;
            item = TW_TUPLE_GET(seq, i);
        } else if ((item = owned = tw_iter_next(it)) == NULL) {
            if (tw_err_occurred())
                goto fail;
            break;
        }
        int r = 0;
        if (!TW_STR_CHECK(item)) {
            tw_err_format(TwExc_TypeError, "sequence item %zd: expected str instance, %T found", i, item);
            r = -1;
        } else if (i > 0) {
            r = sb_append_str(&sb, sep);
        }
        if (r == 0)
            r = sb_append_str(&sb, item);
        TW_XDECREF(owned);
        if (r < 0)
            goto fail;
    }
    TW_XDECREF(seq);
    TW_XDECREF(it);
    return tw_sb_finish(&sb);
fail:
    TW_XDECREF(seq);
    TW_XDECREF(it);
    tw_sb_discard(&sb);
    return NULL;
}

static TwObject *str_join(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    TwObject *a[1];
    if (parse_args("join", args, nargs, kw, NULL, 1, 1, a) < 0)
        return NULL;
    return tw_str_join(self, a[0]);
}

static int list_append_sub(TwObject *list, TwObject *self, TwSsize bs, TwSsize be)
{
    TwObject *s = str_bytes_sub(self, bs, be);
    if (s == NULL)
        return -1;
    int r = tw_list_append(list, s);
    TW_DECREF(s);
    return r;
}

/* Reverse a list in place (rsplit collects from the right). */
static int list_reverse(TwObject *list)
{
    TwSsize n = TW_LIST_SIZE(list);
    for (TwSsize i = 0, j = n - 1; i < j; i++, j--) {
        TwObject *a = tw_list_get(list, i), *b = tw_list_get(list, j);
        if (a == NULL || b == NULL) {
            TW_XDECREF(a);
            TW_XDECREF(b);
            return -1;
        }
        int r = tw_list_set(list, i, b) < 0 || tw_list_set(list, j, a) < 0 ? -1 : 0;
        TW_DECREF(a);
        TW_DECREF(b);
        if (r < 0)
            return -1;
    }
    return 0;
}

/* Byte length of the whitespace character at p (0 if not whitespace). */
static int space_at(const unsigned char *p)
{
    if (*p < 128)
        return cp_isspace(*p) ? 1 : 0;
    uint32_t cp;
    int k = utf8_decode(p, &cp);
    return cp_isspace(cp) ? k : 0;
}

/* Byte length of the whitespace character ending just before p. */
static int space_before(const unsigned char *start, const unsigned char *p)
{
    const unsigned char *q = p - 1;
    while (q > start && (*q & 0xC0) == 0x80)
        q--;
    return space_at(q) == (int)(p - q) ? (int)(p - q) : 0;
}

static TwObject *split_impl(const char *fname, TwObject *self, TwObject *const *args, size_t nargs,
                            TwObject *kw, bool right)
{
    static const char *const names[] = { "sep", "maxsplit" };
    TwObject *a[2];
    if (parse_args(fname, args, nargs, kw, names, 0, 2, a) < 0)
        return NULL;
    TwObject *sep = a[0] == Tw_None ? NULL : a[0];
    int64_t maxsplit = -1;
    if (a[1] != NULL) {
        maxsplit = tw_int_as_i64(a[1]);
        if (maxsplit == -1 && tw_err_occurred())
            return NULL;
    }
    if (maxsplit < 0)
        maxsplit = INT64_MAX;
    if (sep != NULL) {
        if (!TW_STR_CHECK(sep))
            return tw_err_format(TwExc_TypeError, "must be str or None, not %T", sep);
        if (STR(sep)->size == 0) {
            tw_err_set_string(TwExc_ValueError, "empty separator");
            return NULL;
        }
    }
    TwObject *list = tw_list_new(0);
    if (list == NULL)
        return NULL;
    const unsigned char *s = (const unsigned char *)STR(self)->data;
    TwSsize n = STR(self)->size;
    if (sep != NULL) {
        const char *sp = STR(sep)->data;
        TwSsize sn = STR(sep)->size;
        if (!right) {
            TwSsize pos = 0;
            while (maxsplit-- > 0) {
                TwSsize r = bytes_find((const char *)s + pos, n - pos, sp, sn);
                if (r < 0)
                    break;
                if (list_append_sub(list, self, pos, pos + r) < 0)
                    goto fail;
                pos += r + sn;
            }
            if (list_append_sub(list, self, pos, n) < 0)
                goto fail;
        } else {
            TwSsize end = n;
            while (maxsplit-- > 0) {
                TwSsize r = bytes_rfind((const char *)s, end, sp, sn);
                if (r < 0)
                    break;
                if (list_append_sub(list, self, r + sn, end) < 0)
                    goto fail;
                end = r;
            }
            if (list_append_sub(list, self, 0, end) < 0 || list_reverse(list) < 0)
                goto fail;
        }
        return list;
    }
    /* Whitespace: runs of whitespace separate; no empty strings. */
    if (!right) {
        TwSsize i = 0;
        for (;;) {
            int k;
            while (i < n && (k = space_at(s + i)) > 0)
                i += k;
            if (i >= n)
                break;
            if (maxsplit-- <= 0) {
                /* the rest, trailing whitespace included */
                if (list_append_sub(list, self, i, n) < 0)
                    goto fail;
                break;
            }
            TwSsize j = i;
            while (j < n && space_at(s + j) == 0)
                j++;
            if (list_append_sub(list, self, i, j) < 0)
                goto fail;
            i = j;
        }
    } else {
        TwSsize e = n;
        for (;;) {
            int k;
            while (e > 0 && (k = space_before(s, s + e)) > 0)
                e -= k;
            if (e <= 0)
                break;
            if (maxsplit-- <= 0) {
                /* the rest, leading whitespace included */
                if (list_append_sub(list, self, 0, e) < 0)
                    goto fail;
                break;
            }
            TwSsize b = e;
            while (b > 0 && space_before(s, s + b) == 0)
                b--;
            if (list_append_sub(list, self, b, e) < 0)
                goto fail;
            e = b;
        }
        if (list_reverse(list) < 0)
            goto fail;
    }
    return list;
fail:
    TW_DECREF(list);
    return NULL;
}

static TwObject *str_split(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    return split_impl("split", self, args, nargs, kw, false);
}

static TwObject *str_rsplit(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    return split_impl("rsplit", self, args, nargs, kw, true);
}

/* Line break at p: its byte length (\r\n is 2), or 0. */
static int linebreak_at(const unsigned char *p, const unsigned char *end)
{
    unsigned char c = *p;
    if (c == '\r')
        return (p + 1 < end && p[1] == '\n') ? 2 : 1;
    if (c == '\n' || c == '\v' || c == '\f' || (c >= 0x1c && c <= 0x1e))
        return 1;
    if (c < 128)
        return 0;
    uint32_t cp;
    int k = utf8_decode(p, &cp);
    return (cp == 0x85 || cp == 0x2028 || cp == 0x2029) ? k : 0;
}

static TwObject *str_splitlines(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    static const char *const names[] = { "keepends" };
    TwObject *a[1];
    if (parse_args("splitlines", args, nargs, kw, names, 0, 1, a) < 0)
        return NULL;
    int keep = 0;
    if (a[0] != NULL && (keep = tw_object_is_true(a[0])) < 0)
        return NULL;
    TwObject *list = tw_list_new(0);
    if (list == NULL)
        return NULL;
    const unsigned char *s = (const unsigned char *)STR(self)->data;
    TwSsize n = STR(self)->size, i = 0, start = 0;
    while (i < n) {
        int k = linebreak_at(s + i, s + n);
        if (k == 0) {
            i++;
            continue;
        }
        if (list_append_sub(list, self, start, keep ? i + k : i) < 0)
            goto fail;
        i += k;
        start = i;
    }
    if (start < n && list_append_sub(list, self, start, n) < 0)
        goto fail;
    return list;
fail:
    TW_DECREF(list);
    return NULL;
}

/* ---------------- strip ------------------------------------------- */

static bool cp_in_chars(uint32_t c, TwObject *chars)
{
    const unsigned char *p = (const unsigned char *)STR(chars)->data, *end = p + STR(chars)->size;
    while (p < end) {
        uint32_t d;
        p += utf8_decode(p, &d);
        if (d == c)
            return true;
    }
    return false;
}

static TwObject *strip_impl(const char *fname, TwObject *self, TwObject *const *args, size_t nargs,
                            TwObject *kw, bool left, bool right)
{
    TwObject *a[1];
    if (parse_args(fname, args, nargs, kw, NULL, 0, 1, a) < 0)
        return NULL;
    TwObject *chars = a[0] == Tw_None ? NULL : a[0];
    if (chars && !TW_STR_CHECK(chars))
        return tw_err_format(TwExc_TypeError, "%s arg must be None or str", fname);
    const unsigned char *s = (const unsigned char *)STR(self)->data;
    TwSsize b = 0, e = STR(self)->size;
    if (left) {
        while (b < e) {
            uint32_t c;
            int k = utf8_decode(s + b, &c);
            if (chars ? !cp_in_chars(c, chars) : !cp_isspace(c))
                break;
            b += k;
        }
    }
    if (right) {
        while (e > b) {
            TwSsize q = e - 1;
            while (q > b && (s[q] & 0xC0) == 0x80)
                q--;
            uint32_t c;
            utf8_decode(s + q, &c);
            if (chars ? !cp_in_chars(c, chars) : !cp_isspace(c))
                break;
            e = q;
        }
    }
    return str_bytes_sub(self, b, e);
}

static TwObject *str_strip(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    return strip_impl("strip", self, args, nargs, kw, true, true);
}

static TwObject *str_lstrip(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    return strip_impl("lstrip", self, args, nargs, kw, true, false);
}

static TwObject *str_rstrip(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    return strip_impl("rstrip", self, args, nargs, kw, false, true);
}

/* ---------------- replace, partition ------------------------------ */

static TwObject *str_replace(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    TwObject *a[3];
    if (parse_args("replace", args, nargs, kw, NULL, 2, 3, a) < 0)
        return NULL;
    if (arg_str("replace", a[0], "1") < 0 || arg_str("replace", a[1], "2") < 0)
        return NULL;
    int64_t count = -1;
    if (a[2] != NULL) {
        count = tw_int_as_i64(a[2]);
        if (count == -1 && tw_err_occurred())
            return NULL;
    }
    if (count < 0)
        count = INT64_MAX;
    TwObject *old = a[0], *new_ = a[1];
    const char *s = STR(self)->data;
    TwSsize n = STR(self)->size, on = STR(old)->size, nn = STR(new_)->size;
    TwStrBuilder sb;
    tw_sb_init(&sb);
    /* The most the result can grow by: nn - on for each replacement there
     * can be.  When that could pass the memory, the replacements are
     * counted and the result reserved first, as CPython does: past the
     * memory, MemoryError before a byte is written.  Other results are
     * built as they come. */
    if (nn > on) {
        int64_t most = on == 0 ? STR(self)->length + 1 : n / on;
        if (most > count)
            most = count;
        size_t grow;
        if (__builtin_mul_overflow((size_t)most, (size_t)(nn - on), &grow) ||
            grow > SIZE_MAX / 2 - (size_t)n || tw_alloc_exceeds_memory((size_t)n + grow + 1)) {
            if (on > 0) {
                int64_t found = 0;
                for (TwSsize pos = 0; found < most; found++) {
                    TwSsize r = bytes_find(s + pos, n - pos, STR(old)->data, on);
                    if (r < 0)
                        break;
                    pos += r + on;
                }
                most = found;
            }
            if (__builtin_mul_overflow((size_t)most, (size_t)(nn - on), &grow) ||
                grow > SIZE_MAX / 2 - (size_t)n)
                return tw_err_no_memory();
            if (sb_reserve(&sb, (size_t)n + grow) < 0)
                return NULL;
        }
    }
    if (on == 0) {
        /* insert `new` before every character and at the end */
        const unsigned char *p = (const unsigned char *)s, *end = p + n;
        while (count > 0) {
            sb_append_str(&sb, new_);
            count--;
            if (p >= end)
                break;
            uint32_t c;
            int k = utf8_decode(p, &c);
            tw_sb_append(&sb, (const char *)p, (size_t)k);
            p += k;
        }
        if (p < end)
            tw_sb_append(&sb, (const char *)p, (size_t)(end - p));
        return tw_sb_finish(&sb);
    }
    TwSsize pos = 0;
    bool any = false;
    while (count > 0) {
        TwSsize r = bytes_find(s + pos, n - pos, STR(old)->data, on);
        if (r < 0)
            break;
        any = true;
        if (tw_sb_append(&sb, s + pos, (size_t)r) < 0 || sb_append_str(&sb, new_) < 0) {
            tw_sb_discard(&sb);
            return NULL;
        }
        pos += r + on;
        count--;
    }
    if (!any) {
        tw_sb_discard(&sb);
        return str_str(self);
    }
    if (tw_sb_append(&sb, s + pos, (size_t)(n - pos)) < 0) {
        tw_sb_discard(&sb);
        return NULL;
    }
    return tw_sb_finish(&sb);
}

static TwObject *partition_impl(const char *fname, TwObject *self, TwObject *const *args,
                                size_t nargs, TwObject *kw, bool right)
{
    TwObject *a[1];
    if (parse_args(fname, args, nargs, kw, NULL, 1, 1, a) < 0)
        return NULL;
    TwObject *sep = a[0];
    if (!TW_STR_CHECK(sep))
        return tw_err_format(TwExc_TypeError, "must be str, not %T", sep);
    if (STR(sep)->size == 0) {
        tw_err_set_string(TwExc_ValueError, "empty separator");
        return NULL;
    }
    TwSsize n = STR(self)->size, sn = STR(sep)->size;
    TwSsize r = right ? bytes_rfind(STR(self)->data, n, STR(sep)->data, sn)
                      : bytes_find(STR(self)->data, n, STR(sep)->data, sn);
    TwObject *p0, *p1, *p2;
    if (r < 0) {
        p0 = right ? str_empty() : str_str(self);
        p1 = str_empty();
        p2 = right ? str_str(self) : str_empty();
    } else {
        p0 = str_bytes_sub(self, 0, r);
        p1 = tw_newref(sep);
        p2 = str_bytes_sub(self, r + sn, n);
    }
    TwObject *t = (p0 && p1 && p2) ? tw_tuple_new(3) : NULL;
    if (t == NULL) {
        TW_XDECREF(p0);
        TW_XDECREF(p1);
        TW_XDECREF(p2);
        return NULL;
    }
    TW_TUPLE_SET(t, 0, p0);
    TW_TUPLE_SET(t, 1, p1);
    TW_TUPLE_SET(t, 2, p2);
    return t;
}

static TwObject *str_partition(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    return partition_impl("partition", self, args, nargs, kw, false);
}

static TwObject *str_rpartition(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    return partition_impl("rpartition", self, args, nargs, kw, true);
}

static TwObject *str_removeprefix(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    TwObject *a[1];
    if (parse_args("removeprefix", args, nargs, kw, NULL, 1, 1, a) < 0 ||
        arg_str("removeprefix", a[0], "") < 0)
        return NULL;
    TwSsize pn = STR(a[0])->size;
    if (pn <= STR(self)->size && memcmp(STR(self)->data, STR(a[0])->data, (size_t)pn) == 0)
        return str_bytes_sub(self, pn, STR(self)->size);
    return str_str(self);
}

static TwObject *str_removesuffix(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    TwObject *a[1];
    if (parse_args("removesuffix", args, nargs, kw, NULL, 1, 1, a) < 0 ||
        arg_str("removesuffix", a[0], "") < 0)
        return NULL;
    TwSsize pn = STR(a[0])->size, n = STR(self)->size;
    if (pn > 0 && pn <= n && memcmp(STR(self)->data + n - pn, STR(a[0])->data, (size_t)pn) == 0)
        return str_bytes_sub(self, 0, n - pn);
    return str_str(self);
}

/* ---------------- case ------------------------------------------- */

enum { CASE_UPPER, CASE_LOWER, CASE_SWAP, CASE_TITLE, CASE_CAPITALIZE, CASE_FOLD };

/* The Latin ligatures U+FB00..U+FB06 map to several letters:
 * which 0 = upper ("FFI"), 1 = title ("Ffi"), 2 = casefold ("ffi"). */
static const char *case_ligature(uint32_t c, int which)
{
    static const char *const forms[7][3] = {
        {"FF", "Ff", "ff"}, {"FI", "Fi", "fi"}, {"FL", "Fl", "fl"}, {"FFI", "Ffi", "ffi"},
        {"FFL", "Ffl", "ffl"}, {"ST", "St", "st"}, {"ST", "St", "st"},
    };
    return forms[c - 0xFB00][which];
}

/* The digraphs DŽ/Dž/dž, LJ/Lj/lj, NJ/Nj/nj, DZ/Dz/dz come in threes
 * (upper, title, lower); title() and capitalize() use the middle one,
 * and swapcase() leaves the title form alone, as CPython does. */
static uint32_t case_digraph(uint32_t c, int how, bool up)
{
    uint32_t g = c <= 0x1C6 ? 0x1C4 : c <= 0x1C9 ? 0x1C7 : c <= 0x1CC ? 0x1CA : 0x1F1;
    switch (how) {
    case CASE_UPPER: return g;
    case CASE_SWAP: return c == g ? g + 2 : c == g + 2 ? g : c;
    case CASE_TITLE:
    case CASE_CAPITALIZE: return up ? g + 1 : g + 2;
    default: return g + 2;
    }
}

static inline bool ascii_is_letter(uint32_t c)
{
    return (c | 32) - 'a' < 26u;
}

/* Eight ASCII bytes at a time: bit 5 (the case bit) flipped in the bytes
 * within [lo, hi].  Every byte is below 0x80, so adding up to 0x80 to
 * each cannot carry into the next: bit 7 of byte + (0x80 - lo) says
 * byte >= lo, of byte + (0x7f - hi) that byte > hi. */
static inline uint64_t ascii_flip_case_in(uint64_t w, unsigned lo, unsigned hi)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    uint64_t in = (w + ones * (0x80 - lo)) & ~(w + ones * (0x7f - hi)) & high;
    return w ^ (in >> 2);
}

/* c's entry in a table of tools/gen_case_tables.py (sorted), or NULL. */
static const TwCaseMapping *case_table_find(const TwCaseMapping *t, size_t n, uint32_t c)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t[mid].cp == c)
            return &t[mid];
        if (t[mid].cp < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static TwObject *case_map(TwObject *self, int how)
{
    TwObject *r = str_alloc((size_t)STR(self)->size);
    if (r == NULL)
        return NULL;
    if (STR(self)->is_ascii) {
        /* ASCII maps to ASCII of the same length, one loop per case */
        const unsigned char *s = (const unsigned char *)STR(self)->data;
        unsigned char *d = (unsigned char *)STR(r)->data;
        TwSsize n = STR(self)->size;
        switch (how) {
        case CASE_UPPER: case CASE_LOWER: case CASE_FOLD: {
            unsigned lo = how == CASE_UPPER ? 'a' : 'A';
            TwSsize i = 0;
            for (; i + 8 <= n; i += 8) {
                uint64_t w;
                memcpy(&w, s + i, 8);
                w = ascii_flip_case_in(w, lo, lo + 25);
                memcpy(d + i, &w, 8);
            }
            for (; i < n; i++)
                d[i] = (unsigned char)(s[i] - lo < 26u ? s[i] ^ 32 : s[i]);
            break;
        }
        case CASE_SWAP:
            for (TwSsize i = 0; i < n; i++)
                d[i] = (unsigned char)(ascii_is_letter(s[i]) ? s[i] ^ 32 : s[i]);
            break;
        case CASE_TITLE: {
            bool prev_cased = false;
            for (TwSsize i = 0; i < n; i++) {
                uint32_t c = s[i];
                d[i] = (unsigned char)(prev_cased ? cp_tolower(c) : cp_toupper(c));
                prev_cased = ascii_is_letter(c);
            }
            break;
        }
        default:
            for (TwSsize i = 0; i < n; i++)
                d[i] = (unsigned char)(i == 0 ? cp_toupper(s[i]) : cp_tolower(s[i]));
            break;
        }
        if (n <= 1)
            return str_finish(r);
        STR(r)->length = n;
        STR(r)->is_ascii = 1;
        return r;
    }
    /* Non-ASCII: the mapped text may change length in bytes.  The
     * one-to-one mappings come from the C library's Unicode tables; the
     * special cases everyday text meets are handled here: sharp s
     * (upper "SS", title "Ss", casefold "ss") and the final sigma. */
    TW_DECREF(r);
    TwStrBuilder sb;
    tw_sb_init(&sb);
    const unsigned char *p = (const unsigned char *)STR(self)->data, *end = p + STR(self)->size;
    bool prev_cased = false, first = true;
    while (p < end) {
        uint32_t c, o;
        p += utf8_decode(p, &c);
        bool up;
        switch (how) {
        case CASE_UPPER: up = true; break;
        case CASE_LOWER: case CASE_FOLD: up = false; break;
        case CASE_SWAP: up = !cp_isupper(c); break;
        case CASE_TITLE: up = !prev_cased; break;
        default: up = first; break;
        }
        /* casefold and upper: Unicode's full mappings where the C
         * library's simple ones differ (one code point to up to three) */
        const TwCaseMapping *m = NULL;
        if (how == CASE_FOLD)
            m = case_table_find(case_fold_table, sizeof case_fold_table / sizeof *case_fold_table, c);
        else if (how == CASE_UPPER)
            m = case_table_find(case_upper_table, sizeof case_upper_table / sizeof *case_upper_table, c);
        if (m != NULL) {
            for (int k = 0; k < 3 && m->to[k]; k++) {
                if (sb_put_cp(&sb, m->to[k]) < 0) {
                    tw_sb_discard(&sb);
                    return NULL;
                }
            }
            prev_cased = cp_iscased(c);
            first = false;
            continue;
        }
        const char *special = NULL;
        bool titling = how == CASE_TITLE || how == CASE_CAPITALIZE;
        if (c == 0xDF && up)
            special = titling ? "Ss" : "SS";
        else if (c == 0xDF && how == CASE_FOLD)
            special = "ss";
        else if (c >= 0xFB00 && c <= 0xFB06 && (up || how == CASE_FOLD))
            special = case_ligature(c, up ? (titling ? 1 : 0) : 2);
        else if (c == 0x149 && (up || how == CASE_FOLD))
            special = up ? "\xCA\xBCN" : "\xCA\xBCn";          /* U+02BC then N / n */
        else if (c == 0x1F0 && (up || how == CASE_FOLD))
            special = up ? "J\xCC\x8C" : "j\xCC\x8C";            /* J / j, U+030C */
        else if (c == 0x130 && !up)
            special = "i\xCC\x87";                               /* i, U+0307 */
        if (special) {
            o = 0;
        } else if ((c >= 0x1C4 && c <= 0x1CC) || (c >= 0x1F1 && c <= 0x1F3)) {
            o = case_digraph(c, how, up);
        } else if (up) {
            o = cp_toupper(c);
        } else if (c == 0x3A3 && prev_cased && how != CASE_FOLD) {
            /* final sigma: no cased letter follows */
            uint32_t nx = 0;
            if (p < end)
                utf8_decode(p, &nx);
            o = (p < end && cp_iscased(nx)) ? 0x3C3 : 0x3C2;
        } else {
            o = cp_tolower(c);
        }
        prev_cased = cp_iscased(c);
        first = false;
        int rc = special ? tw_sb_append_cstr(&sb, special) : sb_put_cp(&sb, o);
        if (rc < 0) {
            tw_sb_discard(&sb);
            return NULL;
        }
    }
    return tw_sb_finish(&sb);
}

#define CASE_METHOD(name, how)                                                              \
    static TwObject *str_##name(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw) \
    {                                                                                       \
        TwObject *a[1];                                                                     \
        if (parse_args(#name, args, nargs, kw, NULL, 0, 0, a) < 0)                          \
            return NULL;                                                                    \
        return case_map(self, how);                                                         \
    }
CASE_METHOD(upper, CASE_UPPER)
CASE_METHOD(lower, CASE_LOWER)
CASE_METHOD(casefold, CASE_FOLD)
CASE_METHOD(swapcase, CASE_SWAP)
CASE_METHOD(title, CASE_TITLE)
CASE_METHOD(capitalize, CASE_CAPITALIZE)

/* ---------------- predicates -------------------------------------- */

/* True if the string is non-empty and pred holds for every character. */
static TwObject *all_chars(TwObject *self, bool (*pred)(uint32_t))
{
    const unsigned char *p = (const unsigned char *)STR(self)->data, *end = p + STR(self)->size;
    if (p == end)
        TW_RETURN_FALSE;
    while (p < end) {
        uint32_t c;
        p += utf8_decode(p, &c);
        if (!pred(c))
            TW_RETURN_FALSE;
    }
    TW_RETURN_TRUE;
}

static bool cp_isalnum(uint32_t c) { return cp_isalpha(c) || cp_isdigit(c); }

#define PRED_METHOD(name, pred)                                                             \
    static TwObject *str_##name(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw) \
    {                                                                                       \
        TwObject *a[1];                                                                     \
        if (parse_args(#name, args, nargs, kw, NULL, 0, 0, a) < 0)                          \
            return NULL;                                                                    \
        return all_chars(self, pred);                                                       \
    }
PRED_METHOD(isdigit, cp_isdigit)
PRED_METHOD(isdecimal, cp_isdigit)
PRED_METHOD(isnumeric, cp_isdigit)
PRED_METHOD(isalpha, cp_isalpha)
PRED_METHOD(isalnum, cp_isalnum)
PRED_METHOD(isspace, cp_isspace)

static TwObject *str_isascii(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    TwObject *a[1];
    if (parse_args("isascii", args, nargs, kw, NULL, 0, 0, a) < 0)
        return NULL;
    return tw_bool_from(STR(self)->is_ascii);
}

static TwObject *str_isprintable(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    TwObject *a[1];
    if (parse_args("isprintable", args, nargs, kw, NULL, 0, 0, a) < 0)
        return NULL;
    if (STR(self)->size == 0)
        TW_RETURN_TRUE;
    return all_chars(self, cp_isprintable);
}

/* isupper / islower: at least one cased character, none of the other case. */
static TwObject *case_pred(TwObject *self, bool upper)
{
    const unsigned char *p = (const unsigned char *)STR(self)->data, *end = p + STR(self)->size;
    bool cased = false;
    while (p < end) {
        uint32_t c;
        p += utf8_decode(p, &c);
        if (upper ? cp_islower(c) : cp_isupper(c))
            TW_RETURN_FALSE;
        if (upper ? cp_isupper(c) : cp_islower(c))
            cased = true;
    }
    return tw_bool_from(cased);
}

static TwObject *str_isupper(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    TwObject *a[1];
    if (parse_args("isupper", args, nargs, kw, NULL, 0, 0, a) < 0)
        return NULL;
    return case_pred(self, true);
}

static TwObject *str_islower(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    TwObject *a[1];
    if (parse_args("islower", args, nargs, kw, NULL, 0, 0, a) < 0)
        return NULL;
    return case_pred(self, false);
}

static TwObject *str_istitle(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    TwObject *a[1];
    if (parse_args("istitle", args, nargs, kw, NULL, 0, 0, a) < 0)
        return NULL;
    const unsigned char *p = (const unsigned char *)STR(self)->data, *end = p + STR(self)->size;
    bool cased = false, prev_cased = false;
    while (p < end) {
        uint32_t c;
        p += utf8_decode(p, &c);
        if (cp_isupper(c)) {
            if (prev_cased)
                TW_RETURN_FALSE;
            prev_cased = cased = true;
        } else if (cp_islower(c)) {
            if (!prev_cased)
                TW_RETURN_FALSE;
            prev_cased = cased = true;
        } else {
            prev_cased = false;
        }
    }
    return tw_bool_from(cased);
}

static TwObject *str_isidentifier(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    TwObject *a[1];
    if (parse_args("isidentifier", args, nargs, kw, NULL, 0, 0, a) < 0)
        return NULL;
    const unsigned char *p = (const unsigned char *)STR(self)->data, *end = p + STR(self)->size;
    if (p == end)
        TW_RETURN_FALSE;
    bool first = true;
    while (p < end) {
        uint32_t c;
        p += utf8_decode(p, &c);
        bool ok = c == '_' || cp_isalpha(c) || (!first && cp_isdigit(c));
        if (!ok)
            TW_RETURN_FALSE;
        first = false;
    }
    TW_RETURN_TRUE;
}

/* ---------------- padding ----------------------------------------- */

static int fill_arg(const char *fname, TwObject *o, const char **fill, size_t *fill_n)
{
    static const char space = ' ';
    if (o == NULL) {
        *fill = &space;
        *fill_n = 1;
        return 0;
    }
    if (!TW_STR_CHECK(o)) {
        tw_err_format(TwExc_TypeError, "The fill character must be a unicode character, not %T", o);
        return -1;
    }
    if (STR(o)->length != 1) {
        tw_err_set_string(TwExc_TypeError, "The fill character must be exactly one character long");
        return -1;
    }
    *fill = STR(o)->data;
    *fill_n = (size_t)STR(o)->size;
    return 0;
}

static TwObject *pad(TwObject *self, TwSsize left, TwSsize right, const char *fill, size_t fill_n)
{
    if (left <= 0 && right <= 0)
        return str_str(self);
    TwStrBuilder sb;
    tw_sb_init(&sb);
    if (sb_repeat(&sb, fill, fill_n, left) < 0 || sb_append_str(&sb, self) < 0 ||
        sb_repeat(&sb, fill, fill_n, right) < 0) {
        tw_sb_discard(&sb);
        return NULL;
    }
    return tw_sb_finish(&sb);
}

static TwObject *justify(const char *fname, TwObject *self, TwObject *const *args, size_t nargs,
                         TwObject *kw, char how)
{
    TwObject *a[2];
    if (parse_args(fname, args, nargs, kw, NULL, 1, 2, a) < 0)
        return NULL;
    int64_t width = tw_int_as_i64(a[0]);
    if (width == -1 && tw_err_occurred())
        return NULL;
    const char *fill;
    size_t fill_n;
    if (fill_arg(fname, a[1], &fill, &fill_n) < 0)
        return NULL;
    TwSsize marg = (TwSsize)width - STR(self)->length;
    if (marg <= 0)
        return str_str(self);
    if (how == '<')
        return pad(self, 0, marg, fill, fill_n);
    if (how == '>')
        return pad(self, marg, 0, fill, fill_n);
    /* CPython's center: the extra character goes left when both odd. */
    TwSsize left = marg / 2 + (marg & (TwSsize)width & 1);
    return pad(self, left, marg - left, fill, fill_n);
}

static TwObject *str_ljust(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    return justify("ljust", self, args, nargs, kw, '<');
}

static TwObject *str_rjust(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    return justify("rjust", self, args, nargs, kw, '>');
}

static TwObject *str_center(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    return justify("center", self, args, nargs, kw, '^');
}

static TwObject *str_zfill(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    TwObject *a[1];
    if (parse_args("zfill", args, nargs, kw, NULL, 1, 1, a) < 0)
        return NULL;
    int64_t width = tw_int_as_i64(a[0]);
    if (width == -1 && tw_err_occurred())
        return NULL;
    TwSsize fill = (TwSsize)width - STR(self)->length;
    if (fill <= 0)
        return str_str(self);
    TwStrBuilder sb;
    tw_sb_init(&sb);
    const char *s = STR(self)->data;
    TwSsize n = STR(self)->size, i = 0;
    if (n > 0 && (s[0] == '+' || s[0] == '-')) {
        sb_putc(&sb, s[0]);
        i = 1;
    }
    if (sb_repeat(&sb, "0", 1, fill) < 0) {
        tw_sb_discard(&sb);
        return NULL;
    }
    tw_sb_append(&sb, s + i, (size_t)(n - i));
    return tw_sb_finish(&sb);
}

static TwObject *str_expandtabs(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    static const char *const names[] = { "tabsize" };
    TwObject *a[1];
    if (parse_args("expandtabs", args, nargs, kw, names, 0, 1, a) < 0)
        return NULL;
    int64_t tab = 8;
    if (a[0] && (tab = tw_int_as_i64(a[0])) == -1 && tw_err_occurred())
        return NULL;
    if (tab > INT32_MAX || tab < INT32_MIN) {
        /* CPython's tabsize is a C int */
        tw_err_set_string(TwExc_OverflowError, "Python int too large to convert to C int");
        return NULL;
    }
    TwStrBuilder sb;
    tw_sb_init(&sb);
    const unsigned char *p = (const unsigned char *)STR(self)->data, *end = p + STR(self)->size;
    /* the result's size first, as CPython computes it: a result past
     * the memory raises MemoryError before a byte is written */
    size_t total = 0;
    int64_t col = 0;
    for (const unsigned char *q = p; q < end; q++) {
        if (*q == '\t') {
            if (tab > 0) {
                total += (size_t)(tab - col % tab);
                col = 0;
                if (total > SIZE_MAX / 4)
                    break;
            }
        } else {
            total++;
            if (*q == '\n' || *q == '\r')
                col = 0;
            else if ((*q & 0xC0) != 0x80)
                col++;
        }
    }
    if (sb_reserve(&sb, total) < 0)
        return NULL;
    col = 0;
    while (p < end) {
        if (*p == '\t') {
            if (tab > 0) {
                int64_t n = tab - col % tab;
                if (sb_repeat(&sb, " ", 1, (TwSsize)n) < 0) {
                    tw_sb_discard(&sb);
                    return NULL;
                }
                col += n;
            }
            p++;
            continue;
        }
        uint32_t c;
        int k = utf8_decode(p, &c);
        tw_sb_append(&sb, (const char *)p, (size_t)k);
        p += k;
        col = (c == '\n' || c == '\r') ? 0 : col + 1;
    }
    return tw_sb_finish(&sb);
}

/* ---------------- translate ------------------------------------- */

/* str.maketrans(dict) / (from, to) / (from, to, delete): a dict from code
 * points (ints) to ints, strs or None, as translate() wants. */
static TwObject *str_maketrans(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    TwObject *a[3];
    if (parse_args("maketrans", args, nargs, kw, NULL, 1, 3, a) < 0)
        return NULL;
    TwObject *d = tw_dict_new();
    if (d == NULL)
        return NULL;
    if (a[1] == NULL) {
        if (!TW_DICT_CHECK(a[0])) {
            tw_err_set_string(TwExc_TypeError, "if you give only one argument to maketrans it must be a dict");
            goto fail;
        }
        /* its items as one state of it: another thread, or a key's
         * __hash__, may change the dict meanwhile */
        TwObject *items = tw_dict_items_list(a[0]);
        if (items == NULL)
            goto fail;
        for (TwSsize i = 0; i < TW_LIST_SIZE(items); i++) {
            TwObject *pair = ((TwListObject *)items)->array->items[i];
            TwObject *k = TW_TUPLE_GET(pair, 0), *v = TW_TUPLE_GET(pair, 1);
            TwObject *key;
            if (TW_STR_CHECK(k)) {
                if (STR(k)->length != 1) {
                    tw_err_set_string(TwExc_ValueError, "string keys in translate table must be of length 1");
                    TW_DECREF(items);
                    goto fail;
                }
                uint32_t cp;
                utf8_decode((const unsigned char *)STR(k)->data, &cp);
                key = tw_int_from_i64(cp);
            } else if (TW_INT_CHECK(k)) {
                key = tw_newref(k);
            } else {
                tw_err_set_string(TwExc_TypeError, "keys in translate table must be strings or integers");
                key = NULL;
            }
            int r = key ? tw_dict_set(d, key, v) : -1;
            TW_XDECREF(key);
            if (r < 0) {
                TW_DECREF(items);
                goto fail;
            }
        }
        TW_DECREF(items);
        return d;
    }
    if (!TW_STR_CHECK(a[0])) {
        tw_err_set_string(TwExc_TypeError, "first maketrans argument must be a string if there is a second argument");
        goto fail;
    }
    if (!TW_STR_CHECK(a[1])) {
        tw_err_format(TwExc_TypeError, "maketrans() argument 2 must be str, not %T", a[1]);
        goto fail;
    }
    if (STR(a[0])->length != STR(a[1])->length) {
        tw_err_set_string(TwExc_ValueError, "the first two maketrans arguments must have equal length");
        goto fail;
    }
    const unsigned char *p = (const unsigned char *)STR(a[0])->data, *q = (const unsigned char *)STR(a[1])->data;
    const unsigned char *pend = p + STR(a[0])->size;
    while (p < pend) {
        uint32_t x, y;
        p += utf8_decode(p, &x);
        q += utf8_decode(q, &y);
        TwObject *kx = tw_int_from_i64(x), *vy = tw_int_from_i64(y);
        int r = (kx && vy) ? tw_dict_set(d, kx, vy) : -1;
        TW_XDECREF(kx);
        TW_XDECREF(vy);
        if (r < 0)
            goto fail;
    }
    if (a[2] != NULL) {
        if (!TW_STR_CHECK(a[2])) {
            tw_err_format(TwExc_TypeError, "maketrans() argument 3 must be str, not %T", a[2]);
            goto fail;
        }
        p = (const unsigned char *)STR(a[2])->data;
        pend = p + STR(a[2])->size;
        while (p < pend) {
            uint32_t x;
            p += utf8_decode(p, &x);
            TwObject *kx = tw_int_from_i64(x);
            int r = kx ? tw_dict_set(d, kx, Tw_None) : -1;
            TW_XDECREF(kx);
            if (r < 0)
                goto fail;
        }
    }
    return d;
fail:
    TW_DECREF(d);
    return NULL;
}

/* s.translate(table): each character's code point is looked up in the
 * table (any object with __getitem__); a LookupError keeps the character,
 * None deletes it, an int or a str replaces it. */
static TwObject *str_translate(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    TwObject *a[1];
    if (parse_args("translate", args, nargs, kw, NULL, 1, 1, a) < 0)
        return NULL;
    TwStrBuilder sb;
    tw_sb_init(&sb);
    const unsigned char *p = (const unsigned char *)STR(self)->data, *end = p + STR(self)->size;
    while (p < end) {
        uint32_t c;
        int k = utf8_decode(p, &c);
        TwObject *key = tw_int_from_i64(c);
        TwObject *v = key ? tw_object_getitem(a[0], key) : NULL;
        TW_XDECREF(key);
        int r = 0;
        if (v == NULL) {
            if (!tw_err_matches(TwExc_LookupError))
                goto fail;
            tw_err_clear();
            r = tw_sb_append(&sb, (const char *)p, (size_t)k);
        } else if (v == Tw_None) {
            /* deleted */
        } else if (TW_INT_CHECK(v)) {
            int64_t o = TW_INT_VALUE(v);
            if (o < 0 || o > 0x10FFFF) {
                TW_DECREF(v);
                tw_err_set_string(TwExc_ValueError, "character mapping must be in range(0x110000)");
                goto fail;
            }
            r = sb_put_cp(&sb, (uint32_t)o);
        } else if (TW_STR_CHECK(v)) {
            r = sb_append_str(&sb, v);
        } else {
            TW_DECREF(v);
            tw_err_set_string(TwExc_TypeError, "character mapping must return integer, None or str");
            goto fail;
        }
        TW_XDECREF(v);
        if (r < 0)
            goto fail;
        p += k;
    }
    return tw_sb_finish(&sb);
fail:
    tw_sb_discard(&sb);
    return NULL;
}

/* ---------------- format(): the format-spec mini-language ---------- */

typedef struct {
    char fill[4];
    size_t fill_n;
    bool fill_specified;
    char align;           /* '<' '>' '^' '='                              */
    char sign;            /* 0, '+', '-', ' '                             */
    bool z, alt;
    TwSsize width;        /* -1: none                                     */
    char grouping;        /* 0, ',', '_'                                  */
    TwSsize precision;    /* -1: none                                     */
    uint32_t type;        /* 0: none                                      */
} FmtSpec;

static bool is_align(uint32_t c)
{
    return c == '<' || c == '>' || c == '^' || c == '=';
}

static TwObject *bad_type_code(uint32_t type, TwObject *value)
{
    if (type > 32 && type < 128)
        return tw_err_format(TwExc_ValueError, "Unknown format code '%c' for object of type '%s'",
                             (int)type, tw_type_name(TW_TYPE(value)));
    return tw_err_format(TwExc_ValueError, "Unknown format code '\\x%x' for object of type '%s'",
                         (unsigned)type, tw_type_name(TW_TYPE(value)));
}

/* The decimal number at p (its digits run to end or to a non-digit) into
 * *out: how many digits it has, or -1 when it passes `most` (a width, a
 * precision or a field number too large: each caller raises CPython's
 * error for it). */
static TwSsize read_decimal(const char *p, const char *end, TwSsize most, TwSsize *out)
{
    const char *q = p;
    TwSsize n = 0;
    for (; q < end && *q >= '0' && *q <= '9'; q++) {
        if (n > (most - (*q - '0')) / 10)
            return -1;
        n = n * 10 + (*q - '0');
    }
    *out = n;
    return q - p;
}

/* Parse [[fill]align][sign][z][#][0][width][grouping][.precision][type]
 * as CPython's parse_internal_render_format_spec, errors included; the
 * type defaults to default_type ('d' for int, 's' for str, none for float). */
static int parse_spec(TwObject *spec, FmtSpec *f, char default_type, char default_align, TwObject *value)
{
    memset(f, 0, sizeof *f);
    f->type = (uint32_t)default_type;
    f->fill[0] = ' ';
    f->fill_n = 1;
    f->align = default_align;
    f->width = -1;
    f->precision = -1;
    const unsigned char *s = (const unsigned char *)STR(spec)->data;
    const unsigned char *end = s + STR(spec)->size, *p = s;
    if (p < end) {
        uint32_t c0;
        int k = utf8_decode(p, &c0);
        if (p + k < end && is_align(p[k])) {
            memcpy(f->fill, p, (size_t)k);
            f->fill_n = (size_t)k;
            f->fill_specified = true;
            f->align = (char)p[k];
            p += k + 1;
        } else if (is_align(c0)) {
            f->align = (char)c0;
            p++;
        }
    }
    bool align_specified = p != s;
    if (p < end && (*p == '+' || *p == '-' || *p == ' '))
        f->sign = (char)*p++;
    if (p < end && *p == 'z') {
        f->z = true;
        p++;
    }
    if (p < end && *p == '#') {
        f->alt = true;
        p++;
    }
    if (!f->fill_specified && p < end && *p == '0') {
        f->fill[0] = '0';
        f->fill_n = 1;
        if (!align_specified && default_align == '>')
            f->align = '=';
        p++;
    }
    /* CPython's limit: a width fits a Py_ssize_t (a width past the
     * memory then fails as the padding's MemoryError) */
    TwSsize w, nd = read_decimal((const char *)p, (const char *)end, INTPTR_MAX, &w);
    if (nd < 0) {
        tw_err_set_string(TwExc_ValueError, "Too many decimal digits in format string");
        return -1;
    }
    if (nd > 0)
        f->width = w;
    p += nd;
    if (p < end && *p == ',') {
        f->grouping = ',';
        p++;
    }
    if (p < end && *p == '_') {
        if (f->grouping) {
            tw_err_set_string(TwExc_ValueError, "Cannot specify both ',' and '_'.");
            return -1;
        }
        f->grouping = '_';
        p++;
    }
    if (p < end && *p == ',') {
        tw_err_set_string(TwExc_ValueError, "Cannot specify both ',' and '_'.");
        return -1;
    }
    if (p < end && *p == '.') {
        p++;
        /* CPython's limit; a float's own is a C int (format_double) */
        TwSsize pr;
        nd = read_decimal((const char *)p, (const char *)end, INTPTR_MAX, &pr);
        if (nd < 0) {
            tw_err_set_string(TwExc_ValueError, "Too many decimal digits in format string");
            return -1;
        }
        if (nd == 0) {
            tw_err_set_string(TwExc_ValueError, "Format specifier missing precision");
            return -1;
        }
        f->precision = pr;
        p += nd;
    }
    if (p < end) {
        uint32_t t;
        int k = utf8_decode(p, &t);
        if (p + k < end) {
            tw_err_format(TwExc_ValueError, "Invalid format specifier '%S' for object of type '%s'",
                          spec, tw_type_name(TW_TYPE(value)));
            return -1;
        }
        f->type = t;
    }
    if (f->grouping) {
        switch (f->type) {
        case 'd': case 'e': case 'f': case 'g': case 'E': case 'G': case '%': case 'F': case 0:
            break;
        case 'b': case 'o': case 'x': case 'X':
            if (f->grouping == '_')
                break;
            /* fall through */
        default:
            if (f->type > 32 && f->type < 128)
                tw_err_format(TwExc_ValueError, "Cannot specify '%c' with '%c'.", f->grouping, (int)f->type);
            else
                tw_err_format(TwExc_ValueError, "Cannot specify '%c' with '\\x%x'.", f->grouping,
                              (unsigned)f->type);
            return -1;
        }
    }
    return 0;
}

/* Insert a separator every `every` digits from the right. */
static void group_digits(const char *digits, size_t n, char sep, int every, TwStrBuilder *out)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % (size_t)every == 0)
            sb_putc(out, sep);
        sb_putc(out, digits[i]);
    }
}

static size_t grouped_len(size_t n, int every)
{
    return n == 0 ? 0 : n + (n - 1) / (size_t)every;
}

/* Assemble a formatted number: sign, prefix, integer digits (grouped),
 * the rest (fraction, exponent, '%'), padded per the spec.  With '0'
 * fill and '=' alignment the padding zeros are grouped too, as CPython's. */
static TwObject *emit_number(const FmtSpec *f, char sign, const char *prefix, const char *digits,
                             size_t nd, const char *rest, int every, bool upper)
{
    size_t np = strlen(prefix), nr = strlen(rest), ns = sign ? 1 : 0;
    size_t zeros = 0;
    if (f->grouping && f->align == '=' && f->fill_n == 1 && f->fill[0] == '0' &&
        f->width > (TwSsize)(ns + np + nr)) {
        /* the fewest digits m >= nd whose grouped length reaches the
         * rest of the width: from just below the answer, a step or two */
        size_t t = (size_t)f->width - ns - np - nr;
        size_t m = t - t / (size_t)(every + 1);
        m = m > 2 ? m - 2 : 0;
        if (m < nd)
            m = nd;
        while (grouped_len(m, every) < t)
            m++;
        zeros = m - nd;
    }
    if (tw_alloc_exceeds_memory(nd + zeros + 1))
        return tw_err_no_memory();
    TwStrBuilder body;
    tw_sb_init(&body);
    char *dbuf = tw_mem_alloc(nd + zeros + 1);
    if (dbuf == NULL)
        return tw_err_no_memory();
    memset(dbuf, '0', zeros);
    memcpy(dbuf + zeros, digits, nd);
    if (f->grouping)
        group_digits(dbuf, nd + zeros, f->grouping, every, &body);
    else
        tw_sb_append(&body, dbuf, nd + zeros);
    tw_mem_free(dbuf, nd + zeros + 1);
    tw_sb_append(&body, rest, nr);
    if (upper)
        for (size_t i = 0; i < body.len; i++)
            if (body.buf[i] >= 'a' && body.buf[i] <= 'z')
                body.buf[i] = (char)(body.buf[i] - 32);
    TwSsize total = (TwSsize)(ns + np + utf8_count(body.buf, body.len));
    TwSsize padn = f->width > total ? f->width - total : 0;
    TwSsize left = 0, right = 0, mid = 0;
    switch (f->align) {
    case '<': right = padn; break;
    case '^': left = padn / 2; right = padn - left; break;
    case '=': mid = padn; break;
    default: left = padn; break;
    }
    TwStrBuilder sb;
    tw_sb_init(&sb);
    int rc = sb_repeat(&sb, f->fill, f->fill_n, left);
    if (rc == 0 && sign)
        rc = sb_putc(&sb, sign);
    if (rc == 0)
        rc = tw_sb_append(&sb, prefix, np);
    if (rc == 0)
        rc = sb_repeat(&sb, f->fill, f->fill_n, mid);
    if (rc == 0)
        rc = tw_sb_append(&sb, body.buf, body.len);
    if (rc == 0)
        rc = sb_repeat(&sb, f->fill, f->fill_n, right);
    tw_sb_discard(&body);
    if (rc < 0) {
        tw_sb_discard(&sb);
        return NULL;
    }
    return tw_sb_finish(&sb);
}

static char sign_char(const FmtSpec *f, bool negative)
{
    if (negative)
        return '-';
    if (f->sign == '+')
        return '+';
    if (f->sign == ' ')
        return ' ';
    return 0;
}

static TwObject *format_double(double v, const FmtSpec *f0, TwObject *value);

static TwObject *format_int(TwObject *value, const FmtSpec *f)
{
    uint32_t type = f->type;
    switch (type) {
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case '%':
        return format_double((double)TW_INT_VALUE(value), f, value);
    case 0: case 'd': case 'n': case 'b': case 'o': case 'x': case 'X': case 'c':
        break;
    default:
        return bad_type_code(type, value);
    }
    if (f->precision != -1) {
        tw_err_set_string(TwExc_ValueError, "Precision not allowed in integer format specifier");
        return NULL;
    }
    if (f->z) {
        tw_err_set_string(TwExc_ValueError,
                          "Negative zero coercion (z) not allowed in integer format specifier");
        return NULL;
    }
    int64_t v = TW_INT_VALUE(value);
    if (type == 'c') {
        if (f->sign) {
            tw_err_set_string(TwExc_ValueError, "Sign not allowed with integer format specifier 'c'");
            return NULL;
        }
        if (f->alt) {
            tw_err_set_string(TwExc_ValueError,
                              "Alternate form (#) not allowed with integer format specifier 'c'");
            return NULL;
        }
        if (v < 0 || v > 0x10FFFF) {
            tw_err_set_string(TwExc_OverflowError, "%c arg not in range(0x110000)");
            return NULL;
        }
        char buf[5];
        int k = utf8_encode((uint32_t)v, buf);
        buf[k] = '\0';
        FmtSpec g = *f;
        return emit_number(&g, 0, "", "", 0, buf, 3, false);
    }
    int base = 10, every = 3;
    const char *prefix = "";
    switch (type) {
    case 'b': base = 2; prefix = "0b"; every = 4; break;
    case 'o': base = 8; prefix = "0o"; every = 4; break;
    case 'x': base = 16; prefix = "0x"; every = 4; break;
    case 'X': base = 16; prefix = "0X"; every = 4; break;
    default: break;
    }
    if (!f->alt)
        prefix = "";
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char digits[70];
    int nd = 0;
    const char *alphabet = type == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        digits[sizeof digits - 1 - nd++] = alphabet[mag % (unsigned)base];
        mag /= (unsigned)base;
    } while (mag);
    return emit_number(f, sign_char(f, v < 0), prefix, digits + sizeof digits - nd, (size_t)nd, "",
                       every, false);
}

static TwObject *format_double(double v, const FmtSpec *f0, TwObject *value)
{
    FmtSpec fs = *f0;
    const FmtSpec *f = &fs;
    uint32_t type = f->type;
    switch (type) {
    case 0: case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'n': case '%':
        break;
    default:
        return bad_type_code(type, value);
    }
    if (f->precision > INT32_MAX) {
        tw_err_set_string(TwExc_ValueError, "precision too big");
        return NULL;
    }
    char t = type == 'n' ? 'g' : (char)type;
    bool upper = t == 'E' || t == 'F' || t == 'G';
    bool neg = signbit(v) && !isnan(v);
    double a = fabs(v);
    char *body;
    size_t cap = 0;
    char small[512];
    if (!isfinite(a)) {
        body = small;
        snprintf(body, sizeof small, "%s%s", isnan(a) ? "nan" : "inf", t == '%' ? "%" : "");
    } else {
        cap = 400 + (f->precision > 0 ? (size_t)f->precision : 0);
        body = cap <= sizeof small ? small : tw_mem_alloc(cap);
        if (body == NULL)
            return tw_err_no_memory();
        tw_float_format_body(a, t, (int)f->precision, f->alt, body, cap);
        if (f->z && neg) {
            /* Negative zero coercion: -0.00 becomes 0.00. */
            bool allzero = true;
            for (const char *c = body; *c && *c != 'e' && *c != 'E'; c++)
                if (*c >= '1' && *c <= '9')
                    allzero = false;
            if (allzero)
                neg = false;
        }
    }
    size_t nd = 0;
    while (body[nd] >= '0' && body[nd] <= '9')
        nd++;
    TwObject *r = emit_number(f, sign_char(f, neg), "", body, nd, body + nd, 3, upper);
    if (body != small)
        tw_mem_free(body, cap);
    return r;
}

static TwObject *format_str(TwObject *value, const FmtSpec *f)
{
    if (f->type != 0 && f->type != 's')
        return bad_type_code(f->type, value);
    if (f->sign) {
        tw_err_set_string(TwExc_ValueError, f->sign == ' ' ? "Space not allowed in string format specifier"
                                                           : "Sign not allowed in string format specifier");
        return NULL;
    }
    if (f->z) {
        tw_err_set_string(TwExc_ValueError,
                          "Negative zero coercion (z) not allowed in string format specifier");
        return NULL;
    }
    if (f->alt) {
        tw_err_set_string(TwExc_ValueError, "Alternate form (#) not allowed in string format specifier");
        return NULL;
    }
    if (f->align == '=') {
        tw_err_set_string(TwExc_ValueError, "'=' alignment not allowed in string format specifier");
        return NULL;
    }
    TwSsize len = STR(value)->length;
    if (f->precision >= 0 && f->precision < len)
        len = f->precision;
    TwSsize padn = f->width > len ? f->width - len : 0;
    TwSsize left = 0, right = 0;
    switch (f->align) {
    case '>': left = padn; break;
    case '^': left = padn / 2; right = padn - left; break;
    default: right = padn; break;
    }
    TwStrBuilder sb;
    tw_sb_init(&sb);
    if (sb_repeat(&sb, f->fill, f->fill_n, left) < 0 ||
        tw_sb_append(&sb, STR(value)->data, (size_t)cp_to_byte(value, len)) < 0 ||
        sb_repeat(&sb, f->fill, f->fill_n, right) < 0) {
        tw_sb_discard(&sb);
        return NULL;
    }
    return tw_sb_finish(&sb);
}

/* Does this int/float/str (sub)class instance use the built-in __format__? */
static bool uses_builtin_format(TwObject *value, TwTypeObject *base)
{
    TwTypeObject *tp = TW_TYPE(value);
    if (tp == base || tp == &TwBool_Type)
        return true;
    TwObject *name = tw_str_intern_cstr("__format__");
    return tw_type_lookup(tp, name) == tw_type_lookup(base, name);
}

TwObject *tw_object_format(TwObject *value, TwObject *spec)
{
    if (spec == NULL)
        spec = EMPTY;
    TwTypeObject *base = NULL;
    if (TW_INT_CHECK(value))
        base = &TwInt_Type;
    else if (TW_FLOAT_CHECK(value))
        base = &TwFloat_Type;
    else if (TW_STR_CHECK(value))
        base = &TwStr_Type;
    if (base != NULL && uses_builtin_format(value, base)) {
        if (STR(spec)->size == 0)
            return tw_object_str(value);
        FmtSpec f;
        if (parse_spec(spec, &f, base == &TwStr_Type ? 's' : base == &TwInt_Type ? 'd' : 0,
                       base == &TwStr_Type ? '<' : '>', value) < 0)
            return NULL;
        if (base == &TwInt_Type)
            return format_int(value, &f);
        if (base == &TwFloat_Type)
            return format_double(TW_FLOAT_VALUE(value), &f, value);
        return format_str(value, &f);
    }
    TwObject *name = tw_str_intern_cstr("__format__");
    TwObject *meth = tw_type_lookup(TW_TYPE(value), name);
    if (meth == NULL || meth == tw_type_lookup(&TwBaseObject_Type, name)) {
        if (STR(spec)->size == 0)
            return tw_object_str(value);
        return tw_err_format(TwExc_TypeError, "unsupported format string passed to %s.__format__",
                             tw_type_name(TW_TYPE(value)));
    }
    TwObject *r = tw_call_method(value, "__format__", &spec, 1);
    if (r != NULL && !TW_STR_CHECK(r)) {
        tw_err_format(TwExc_TypeError, "__format__ must return a str, not %T", r);
        TW_DECREF(r);
        return NULL;
    }
    return r;
}

static TwObject *str_format_meth(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    TwObject *a[1];
    if (parse_args("__format__", args, nargs, kw, NULL, 1, 1, a) < 0)
        return NULL;
    if (!TW_STR_CHECK(a[0]))
        return tw_err_format(TwExc_TypeError, "__format__() argument must be str, not %T", a[0]);
    return tw_object_format(self, a[0]);
}

/* ---------------- %-formatting ------------------------------------ */

/* Pad `body` (with its sign/prefix) to width as printf does: '-' left
 * aligns, '0' pads with zeros after the sign and prefix, else spaces. */
static int percent_emit(TwStrBuilder *sb, const char *signpfx, const char *body, size_t nb,
                        TwSsize width, bool left, bool zero)
{
    size_t ns = strlen(signpfx);
    TwSsize len = (TwSsize)ns + utf8_count(body, nb);
    TwSsize padn = width > len ? width - len : 0;
    if (!left && !zero && sb_repeat(sb, " ", 1, padn) < 0)
        return -1;
    if (tw_sb_append(sb, signpfx, ns) < 0)
        return -1;
    if (!left && zero && sb_repeat(sb, "0", 1, padn) < 0)
        return -1;
    if (tw_sb_append(sb, body, nb) < 0)
        return -1;
    if (left && sb_repeat(sb, " ", 1, padn) < 0)
        return -1;
    return 0;
}

/* An int for %d/%x/...: ints, and for %d also floats and __int__. */
static int percent_int(TwObject *v, char conv, int64_t *out)
{
    if (TW_INT_CHECK(v)) {
        *out = TW_INT_VALUE(v);
        return 0;
    }
    bool decimal = conv == 'd' || conv == 'i' || conv == 'u';
    if (decimal && TW_TYPE(v)->nb_int) {
        TwObject *i = TW_TYPE(v)->nb_int(v);
        if (i == NULL)
            return -1;
        if (!TW_INT_CHECK(i)) {
            TW_DECREF(i);
            tw_err_format(TwExc_TypeError, "__int__ returned non-int (type %T)", i);
            return -1;
        }
        *out = TW_INT_VALUE(i);
        TW_DECREF(i);
        return 0;
    }
    if (TW_TYPE(v)->nb_index) {
        int64_t x = tw_int_as_i64(v);
        if (x == -1 && tw_err_occurred())
            return -1;
        *out = x;
        return 0;
    }
    if (decimal)
        tw_err_format(TwExc_TypeError, "%%%c format: a real number is required, not %T", conv, v);
    else
        tw_err_format(TwExc_TypeError, "%%%c format: an integer is required, not %T", conv, v);
    return -1;
}

static TwObject *str_percent_format(TwObject *fmt, TwObject *args)
{
    TwObject *const *argv;
    TwSsize nargs, argidx = 0;
    TwObject *dict = NULL;
    if (TW_TUPLE_CHECK(args)) {
        argv = TW_TUPLE_ITEMS(args);
        nargs = TW_TUPLE_SIZE(args);
    } else {
        argv = &args;
        nargs = 1;
        if (!TW_STR_CHECK(args) && TW_TYPE(args)->tp_getitem)
            dict = args;
    }
    bool used_key = false;
    TwStrBuilder sb;
    tw_sb_init(&sb);
    const char *s = STR(fmt)->data, *end = s + STR(fmt)->size, *p = s;
    while (p < end) {
        const char *pct = memchr(p, '%', (size_t)(end - p));
        if (pct == NULL) {
            tw_sb_append(&sb, p, (size_t)(end - p));
            break;
        }
        tw_sb_append(&sb, p, (size_t)(pct - p));
        p = pct + 1;
        if (p >= end) {
            tw_err_set_string(TwExc_ValueError, "incomplete format");
            goto fail;
        }
        TwObject *value = NULL;       /* borrowed or owned per value_owned */
        bool value_owned = false;
        if (*p == '(') {
            if (dict == NULL) {
                tw_err_set_string(TwExc_TypeError, "format requires a mapping");
                goto fail;
            }
            int depth = 1;
            const char *k = ++p;
            while (p < end && depth > 0) {
                if (*p == '(')
                    depth++;
                else if (*p == ')')
                    depth--;
                p++;
            }
            if (depth > 0) {
                tw_err_set_string(TwExc_ValueError, "incomplete format key");
                goto fail;
            }
            TwObject *key = tw_str_from_utf8(k, (size_t)(p - 1 - k));
            if (key == NULL)
                goto fail;
            value = tw_object_getitem(dict, key);
            TW_DECREF(key);
            if (value == NULL)
                goto fail;
            value_owned = true;
            used_key = true;
        }
        bool left = false, plus = false, space = false, alt = false, zero = false;
        for (; p < end; p++) {
            if (*p == '-') left = true;
            else if (*p == '+') plus = true;
            else if (*p == ' ') space = true;
            else if (*p == '#') alt = true;
            else if (*p == '0') zero = true;
            else break;
        }
        TwSsize width = -1, prec = -1;
        for (int which = 0; which < 2; which++) {
            TwSsize *dst = which == 0 ? &width : &prec;
            if (which == 1) {
                if (p < end && *p == '.') {
                    p++;
                    prec = 0;
                } else {
                    break;
                }
            }
            if (p < end && *p == '*') {
                p++;
                if (argidx >= nargs || used_key) {
                    tw_err_set_string(TwExc_TypeError, "not enough arguments for format string");
                    goto fail_value;
                }
                TwObject *w = argv[argidx++];
                if (!TW_INT_CHECK(w)) {
                    tw_err_set_string(TwExc_TypeError, "* wants int");
                    goto fail_value;
                }
                *dst = (TwSsize)TW_INT_VALUE(w);
                if (which == 1 && (*dst > INT32_MAX || *dst < INT32_MIN)) {
                    tw_err_set_string(TwExc_OverflowError, "Python int too large to convert to C int");
                    goto fail_value;
                }
                if (which == 0 && *dst < 0) {
                    left = true;
                    *dst = -*dst;
                }
            } else if (p < end && *p >= '0' && *p <= '9') {
                /* CPython's limits: a width fits a Py_ssize_t, a
                 * precision a C int */
                TwSsize nd = read_decimal(p, end, which == 0 ? INTPTR_MAX : INT32_MAX, dst);
                if (nd < 0) {
                    tw_err_set_string(TwExc_ValueError,
                                      which == 0 ? "width too big" : "precision too big");
                    goto fail_value;
                }
                p += nd;
            }
        }
        while (p < end && (*p == 'h' || *p == 'l' || *p == 'L'))
            p++;
        if (p >= end) {
            tw_err_set_string(TwExc_ValueError, "incomplete format");
            goto fail_value;
        }
        char conv = *p++;
        if (conv == '%') {
            sb_putc(&sb, '%');
            if (value_owned)
                TW_DECREF(value);
            continue;
        }
        if (value == NULL) {
            if (argidx >= nargs || (used_key && dict)) {
                tw_err_set_string(TwExc_TypeError, "not enough arguments for format string");
                goto fail;
            }
            value = argv[argidx++];
        }
        int r = 0;
        switch (conv) {
        case 's': case 'r': case 'a': {
            TwObject *t = conv == 's' ? tw_object_str(value) : conv == 'r' ? tw_object_repr(value)
                                                                          : tw_object_ascii(value);
            if (t == NULL)
                goto fail_value;
            TwSsize nb = STR(t)->size;
            if (prec >= 0 && prec < STR(t)->length)
                nb = cp_to_byte(t, prec);
            r = percent_emit(&sb, "", STR(t)->data, (size_t)nb, width, left, false);
            TW_DECREF(t);
            break;
        }
        case 'c': {
            uint32_t cp;
            if (TW_INT_CHECK(value)) {
                int64_t v = TW_INT_VALUE(value);
                if (v < 0 || v > 0x10FFFF) {
                    tw_err_set_string(TwExc_OverflowError, "%c arg not in range(0x110000)");
                    goto fail_value;
                }
                cp = (uint32_t)v;
            } else if (TW_STR_CHECK(value) && STR(value)->length == 1) {
                utf8_decode((const unsigned char *)STR(value)->data, &cp);
            } else {
                tw_err_set_string(TwExc_TypeError, "%c requires int or char");
                goto fail_value;
            }
            char buf[4];
            int k = utf8_encode(cp, buf);
            r = percent_emit(&sb, "", buf, (size_t)k, width, left, false);
            break;
        }
        case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': {
            int64_t v;
            if (percent_int(value, conv, &v) < 0)
                goto fail_value;
            uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
            char digits[80], signpfx[8];
            int n;
            if (conv == 'x' || conv == 'X')
                n = snprintf(digits, sizeof digits, conv == 'x' ? "%llx" : "%llX", (unsigned long long)mag);
            else if (conv == 'o')
                n = snprintf(digits, sizeof digits, "%llo", (unsigned long long)mag);
            else
                n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)mag);
            TwStrBuilder body;
            tw_sb_init(&body);
            if ((prec > n && sb_repeat(&body, "0", 1, prec - n) < 0) ||
                tw_sb_append(&body, digits, (size_t)n) < 0) {
                tw_sb_discard(&body);
                goto fail_value;
            }
            int o = 0;
            if (v < 0) signpfx[o++] = '-';
            else if (plus) signpfx[o++] = '+';
            else if (space) signpfx[o++] = ' ';
            if (alt && conv != 'd' && conv != 'i' && conv != 'u') {
                signpfx[o++] = '0';
                signpfx[o++] = conv == 'o' ? 'o' : conv;
            }
            signpfx[o] = '\0';
            r = percent_emit(&sb, signpfx, body.buf, body.len, width, left, zero);
            tw_sb_discard(&body);
            break;
        }
        case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': {
            double v = tw_float_as_double(value);
            if (v == -1.0 && tw_err_occurred())
                goto fail_value;
            bool neg = signbit(v) && !isnan(v);
            double a = fabs(v);
            char signpfx[2] = { 0, 0 };
            if (neg) signpfx[0] = '-';
            else if (plus) signpfx[0] = '+';
            else if (space) signpfx[0] = ' ';
            size_t cap = 400 + (size_t)(prec > 0 ? prec : 0);
            char *buf = tw_mem_alloc(cap);
            if (buf == NULL) {
                tw_err_no_memory();
                goto fail_value;
            }
            int n;
            if (!isfinite(a)) {
                bool up = conv == 'E' || conv == 'F' || conv == 'G';
                n = snprintf(buf, cap, "%s", isnan(a) ? (up ? "NAN" : "nan") : (up ? "INF" : "inf"));
            } else {
                char cf[8];
                snprintf(cf, sizeof cf, alt ? "%%#.*%c" : "%%.*%c", conv);
                n = snprintf(buf, cap, cf, prec < 0 ? 6 : (int)prec, a);
            }
            r = percent_emit(&sb, signpfx, buf, (size_t)n, width, left, zero);
            tw_mem_free(buf, cap);
            break;
        }
        default: {
            TwSsize idx = utf8_count(s, (size_t)(p - 1 - s));
            uint32_t cp;
            utf8_decode((const unsigned char *)p - 1, &cp);
            if (cp > 32 && cp < 127)
                tw_err_format(TwExc_ValueError, "unsupported format character '%c' (0x%x) at index %zd",
                              (int)cp, (unsigned)cp, idx);
            else
                tw_err_format(TwExc_ValueError, "unsupported format character '\\x%x' (0x%x) at index %zd",
                              (unsigned)cp, (unsigned)cp, idx);
            goto fail_value;
        }
        }
        if (value_owned)
            TW_DECREF(value);
        if (r < 0)
            goto fail;
        continue;
fail_value:
        if (value_owned)
            TW_DECREF(value);
        goto fail;
    }
    if (argidx < nargs && dict == NULL) {
        tw_err_set_string(TwExc_TypeError, "not all arguments converted during string formatting");
        goto fail;
    }
    return tw_sb_finish(&sb);
fail:
    tw_sb_discard(&sb);
    return NULL;
}

/* ---------------- str.format -------------------------------------- */

typedef struct {
    TwObject *const *args;
    size_t nargs;
    TwObject *kwnames;
    TwObject *const *kwvalues;
    TwObject *mapping;          /* format_map */
    int auto_index;             /* next automatic index, -1 once manual  */
    bool manual;
} FormatArgs;

static TwObject *format_lookup_kw(FormatArgs *fa, const char *name, size_t n)
{
    TwObject *key = tw_str_from_utf8(name, n);
    if (key == NULL)
        return NULL;
    TwObject *r = NULL;
    if (fa->mapping) {
        r = tw_object_getitem(fa->mapping, key);
    } else {
        TwSsize nkw = fa->kwnames ? TW_TUPLE_SIZE(fa->kwnames) : 0;
        for (TwSsize i = 0; i < nkw; i++)
            if (tw_str_eq(TW_TUPLE_GET(fa->kwnames, i), key)) {
                r = tw_newref(fa->kwvalues[i]);
                break;
            }
        if (r == NULL) {
            TwObject *t = tw_tuple_pack(1, key);
            if (t) {
                tw_err_set_object(TwExc_KeyError, t);
                TW_DECREF(t);
            }
        }
    }
    TW_DECREF(key);
    return r;
}

/* Resolve a field name ("", "0", "name", then .attr / [key] parts). */
static TwObject *format_get_field(FormatArgs *fa, const char *f, size_t n)
{
    size_t i = 0;
    while (i < n && f[i] != '.' && f[i] != '[')
        i++;
    TwObject *obj;
    /* a number when every character is a digit; as in CPython, digits
     * too many for a Py_ssize_t are an error before anything after them
     * is looked at */
    TwSsize num, nd = read_decimal(f, f + i, INTPTR_MAX, &num);
    if (nd < 0) {
        tw_err_set_string(TwExc_ValueError, "Too many decimal digits in format string");
        return NULL;
    }
    bool digits = i > 0 && (size_t)nd == i;
    if (i == 0 || digits) {
        int64_t idx;
        if (i == 0) {
            if (fa->manual) {
                tw_err_set_string(TwExc_ValueError,
                                  "cannot switch from manual field specification to automatic field numbering");
                return NULL;
            }
            idx = fa->auto_index++;
        } else {
            if (fa->auto_index > 0) {
                tw_err_set_string(TwExc_ValueError,
                                  "cannot switch from automatic field numbering to manual field specification");
                return NULL;
            }
            fa->manual = true;
            idx = num;
        }
        if (fa->mapping || idx >= (int64_t)fa->nargs) {
            if (fa->mapping)
                return tw_err_format(TwExc_ValueError, "Format string contains positional fields");
            return tw_err_format(TwExc_IndexError,
                                 "Replacement index %lld out of range for positional args tuple",
                                 (long long)idx);
        }
        obj = tw_newref(fa->args[idx]);
    } else {
        obj = format_lookup_kw(fa, f, i);
        if (obj == NULL)
            return NULL;
    }
    while (i < n) {
        TwObject *next;
        if (f[i] == '.') {
            size_t j = ++i;
            while (i < n && f[i] != '.' && f[i] != '[')
                i++;
            if (i == j) {
                TW_DECREF(obj);
                return tw_err_format(TwExc_ValueError, "Empty attribute in format string");
            }
            TwObject *name = tw_str_from_utf8(f + j, i - j);
            next = name ? tw_object_getattr(obj, name) : NULL;
            TW_XDECREF(name);
        } else if (f[i] == '[') {
            size_t j = ++i;
            while (i < n && f[i] != ']')
                i++;
            if (i >= n) {
                TW_DECREF(obj);
                return tw_err_format(TwExc_ValueError, "Missing ']' in format string");
            }
            if (i == j) {
                TW_DECREF(obj);
                return tw_err_format(TwExc_ValueError, "Empty attribute in format string");
            }
            TwSsize v, nd = read_decimal(f + j, f + i, INTPTR_MAX, &v);
            if (nd < 0) {
                TW_DECREF(obj);
                return tw_err_format(TwExc_ValueError, "Too many decimal digits in format string");
            }
            bool num = (size_t)nd == i - j;
            TwObject *key = num ? tw_int_from_i64(v) : tw_str_from_utf8(f + j, i - j);
            next = key ? tw_object_getitem(obj, key) : NULL;
            TW_XDECREF(key);
            i++;
            if (i < n && f[i] != '.' && f[i] != '[') {
                TW_XDECREF(next);
                TW_DECREF(obj);
                return tw_err_format(TwExc_ValueError,
                                     "Only '.' or '[' may follow ']' in format field specifier");
            }
        } else {
            TW_DECREF(obj);
            return tw_err_format(TwExc_ValueError,
                                 "Only '.' or '[' may follow ']' in format field specifier");
        }
        TW_DECREF(obj);
        if (next == NULL)
            return NULL;
        obj = next;
    }
    return obj;
}

static int vformat(TwStrBuilder *sb, const char *s, size_t n, FormatArgs *fa, int depth);

/* One replacement field's text (between the braces). */
static int format_field(TwStrBuilder *sb, const char *f, size_t n, FormatArgs *fa, int depth)
{
    size_t i = 0;
    int bracket = 0;
    while (i < n) {
        if (f[i] == '[')
            bracket = 1;
        else if (f[i] == ']')
            bracket = 0;
        else if (!bracket && (f[i] == '!' || f[i] == ':'))
            break;
        i++;
    }
    size_t name_end = i;
    char conv = 0;
    if (i < n && f[i] == '!') {
        if (i + 1 >= n) {
            tw_err_set_string(TwExc_ValueError, "end of string while looking for conversion specifier");
            return -1;
        }
        conv = f[i + 1];
        i += 2;
        if (i < n && f[i] != ':') {
            tw_err_set_string(TwExc_ValueError, "expected ':' after conversion specifier");
            return -1;
        }
    }
    const char *spec = i < n ? f + i + 1 : f + n;
    size_t spec_n = i < n ? n - i - 1 : 0;
    TwObject *obj = format_get_field(fa, f, name_end);
    if (obj == NULL)
        return -1;
    if (conv) {
        TwObject *c;
        if (conv == 'r')
            c = tw_object_repr(obj);
        else if (conv == 's')
            c = tw_object_str(obj);
        else if (conv == 'a')
            c = tw_object_ascii(obj);
        else {
            TW_DECREF(obj);
            if (conv > 32 && conv < 127)
                tw_err_format(TwExc_ValueError, "Unknown conversion specifier %c", conv);
            else
                tw_err_format(TwExc_ValueError, "Unknown conversion specifier \\x%x",
                              (unsigned)(unsigned char)conv);
            return -1;
        }
        TW_DECREF(obj);
        if (c == NULL)
            return -1;
        obj = c;
    }
    TwObject *spec_obj;
    if (memchr(spec, '{', spec_n)) {
        TwStrBuilder sub;
        tw_sb_init(&sub);
        if (vformat(&sub, spec, spec_n, fa, depth - 1) < 0) {
            tw_sb_discard(&sub);
            TW_DECREF(obj);
            return -1;
        }
        spec_obj = tw_sb_finish(&sub);
    } else {
        spec_obj = tw_str_from_utf8(spec, spec_n);
    }
    if (spec_obj == NULL) {
        TW_DECREF(obj);
        return -1;
    }
    TwObject *r = tw_object_format(obj, spec_obj);
    TW_DECREF(obj);
    TW_DECREF(spec_obj);
    if (r == NULL)
        return -1;
    int rc = sb_append_str(sb, r);
    TW_DECREF(r);
    return rc;
}

static int vformat(TwStrBuilder *sb, const char *s, size_t n, FormatArgs *fa, int depth)
{
    if (depth <= 0) {
        tw_err_set_string(TwExc_ValueError, "Max string recursion exceeded");
        return -1;
    }
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        if (c == '}') {
            if (i + 1 < n && s[i + 1] == '}') {
                sb_putc(sb, '}');
                i += 2;
                continue;
            }
            tw_err_set_string(TwExc_ValueError, "Single '}' encountered in format string");
            return -1;
        }
        if (c != '{') {
            size_t j = i;
            while (j < n && s[j] != '{' && s[j] != '}')
                j++;
            tw_sb_append(sb, s + i, j - i);
            i = j;
            continue;
        }
        if (i + 1 < n && s[i + 1] == '{') {
            sb_putc(sb, '{');
            i += 2;
            continue;
        }
        if (i + 1 >= n) {
            tw_err_set_string(TwExc_ValueError, "Single '{' encountered in format string");
            return -1;
        }
        /* find the matching '}' (nested braces in the spec; brackets in
         * the field name hide braces) */
        size_t j = i + 1;
        int level = 1;
        bool in_bracket = false;
        while (j < n) {
            char d = s[j];
            if (in_bracket) {
                if (d == ']')
                    in_bracket = false;
            } else if (d == '[' && level == 1) {
                in_bracket = true;
            } else if (d == '{') {
                level++;
            } else if (d == '}') {
                if (--level == 0)
                    break;
            }
            j++;
        }
        if (j >= n) {
            tw_err_set_string(TwExc_ValueError, "expected '}' before end of string");
            return -1;
        }
        if (format_field(sb, s + i + 1, j - i - 1, fa, depth) < 0)
            return -1;
        i = j + 1;
    }
    return 0;
}

static TwObject *str_format(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    FormatArgs fa = { args, nargs, kw, args + nargs, NULL, 0, false };
    TwStrBuilder sb;
    tw_sb_init(&sb);
    if (vformat(&sb, STR(self)->data, (size_t)STR(self)->size, &fa, 2) < 0) {
        tw_sb_discard(&sb);
        return NULL;
    }
    return tw_sb_finish(&sb);
}

static TwObject *str_format_map(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    TwObject *a[1];
    if (parse_args("format_map", args, nargs, kw, NULL, 1, 1, a) < 0)
        return NULL;
    FormatArgs fa = { NULL, 0, NULL, NULL, a[0], 0, false };
    TwStrBuilder sb;
    tw_sb_init(&sb);
    if (vformat(&sb, STR(self)->data, (size_t)STR(self)->size, &fa, 2) < 0) {
        tw_sb_discard(&sb);
        return NULL;
    }
    return tw_sb_finish(&sb);
}

/* ---------------- the type ---------------------------------------- */

static TwHash str_hash_slot(TwObject *op)
{
    return tw_str_hash(op);
}

static TwObject *str_getnewargs(TwObject *self, TwObject *const *args, size_t nargs, TwObject *kw)
{
    TwObject *s = str_str(self);
    if (s == NULL)
        return NULL;
    TwObject *t = tw_tuple_pack(1, s);
    TW_DECREF(s);
    return t;
}

static const TwMethodDef str_methods[] = {
    { "join", str_join, 0 },
    { "split", str_split, 0 },
    { "rsplit", str_rsplit, 0 },
    { "splitlines", str_splitlines, 0 },
    { "strip", str_strip, 0 },
    { "lstrip", str_lstrip, 0 },
    { "rstrip", str_rstrip, 0 },
    { "replace", str_replace, 0 },
    { "find", str_find, 0 },
    { "rfind", str_rfind, 0 },
    { "index", str_index, 0 },
    { "rindex", str_rindex, 0 },
    { "count", str_count, 0 },
    { "startswith", str_startswith, 0 },
    { "endswith", str_endswith, 0 },
    { "upper", str_upper, 0 },
    { "lower", str_lower, 0 },
    { "casefold", str_casefold, 0 },
    { "capitalize", str_capitalize, 0 },
    { "title", str_title, 0 },
    { "swapcase", str_swapcase, 0 },
    { "isdigit", str_isdigit, 0 },
    { "isdecimal", str_isdecimal, 0 },
    { "isnumeric", str_isnumeric, 0 },
    { "isalpha", str_isalpha, 0 },
    { "isalnum", str_isalnum, 0 },
    { "isspace", str_isspace, 0 },
    { "isupper", str_isupper, 0 },
    { "islower", str_islower, 0 },
    { "istitle", str_istitle, 0 },
    { "isascii", str_isascii, 0 },
    { "isprintable", str_isprintable, 0 },
    { "isidentifier", str_isidentifier, 0 },
    { "center", str_center, 0 },
    { "ljust", str_ljust, 0 },
    { "rjust", str_rjust, 0 },
    { "zfill", str_zfill, 0 },
    { "expandtabs", str_expandtabs, 0 },
    { "partition", str_partition, 0 },
    { "rpartition", str_rpartition, 0 },
    { "removeprefix", str_removeprefix, 0 },
    { "removesuffix", str_removesuffix, 0 },
    { "format", str_format, 0 },
    { "format_map", str_format_map, 0 },
    { "maketrans", str_maketrans, TW_METH_STATIC },
    { "translate", str_translate, 0 },
    { "__format__", str_format_meth, 0 },
    { "__getnewargs__", str_getnewargs, 0 },
    { NULL, NULL, 0 },
};

TwTypeObject TwStr_Type = {
    .ob_base = TW_OBJECT_HEAD_INIT(&TwType_Type),
    .tp_name = "str",
    .tp_basicsize = sizeof(TwStrObject),
    .tp_itemsize = 1,
    .tp_flags = TW_TPFLAGS_BASETYPE | TW_TPFLAGS_STR_SUBCLASS | TW_TPFLAGS_SHARE_HOT,
    .tp_dealloc = str_dealloc,
    .tp_repr = str_repr,
    .tp_str = str_str,
    .tp_hash = str_hash_slot,
    .tp_richcompare = str_richcompare,
    .tp_iter = str_iter,
    .tp_new = str_new,
    .nb = {
        [TW_BINOP_ADD] = str_add,
        [TW_BINOP_MUL] = str_mul,
        [TW_BINOP_MOD] = str_mod,
    },
    .tp_len = str_len,
    .tp_getitem = str_getitem,
    .tp_contains = str_contains,
    .tp_base = &TwBaseObject_Type,
    .tp_methods = str_methods,
};
