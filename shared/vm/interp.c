/*
 * interp.c — start-up and shutdown of the interpreter, running a program as
 * __main__, printing uncaught exceptions the way CPython does, and the
 * module registry behind `import`.
 *
 * The order of start-up matters: the runtime first (so there is a thread
 * state to count allocations in and a GIL to hold), then the object model,
 * then sys.modules and the builtins and sys modules that every program sees.
 *
 * Shutdown mirrors CPython's: an uncaught exception is printed first, then
 * non-daemon threads are waited for, then buffered output is flushed.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "modules/stdmodules.h"
#include "twinpy/interp.h"
#include "twinpy/threads.h"
#include "twinpy/types.h"
#include "twinpy/vm.h"

/* ---------------- the module registry ------------------------------ */

/* Built-in modules are created on first import.  The table is filled at
 * start-up (before any thread exists) and only read afterwards. */
typedef struct {
    const char *name;
    TwObject *(*init)(void);
} TwBuiltinModule;

#define TW_MAX_BUILTIN_MODULES 64
static TwBuiltinModule builtin_modules[TW_MAX_BUILTIN_MODULES];
static int n_builtin_modules;

static TwObject *modules_dict;      /* sys.modules                       */
static TwObject *builtins_module;
static TwObject *sys_module;
static char *main_dir;              /* where `import name` finds name.py */

/* Set while the program's globals are let go at exit
 * (release_program_globals): reports then show no source lines, as
 * CPython's, which can no longer read them by then.  (Atomic: daemon
 * threads may print meanwhile.) */
static bool releasing_globals;

/* The main program's source, kept so that tracebacks can show its lines
 * even when it came from -c or stdin. */
static const char *main_src;
static size_t main_src_len;
static char *main_filename;

void tw_register_builtin_module(const char *name, TwObject *(*init)(void))
{
    for (int i = 0; i < n_builtin_modules; i++) {
        if (strcmp(builtin_modules[i].name, name) == 0) {
            builtin_modules[i].init = init;
            return;
        }
    }
    if (n_builtin_modules == TW_MAX_BUILTIN_MODULES) {
        fprintf(stderr, "twinpy: too many built-in modules (registering %s)\n", name);
        abort();
    }
    builtin_modules[n_builtin_modules].name = name;
    builtin_modules[n_builtin_modules].init = init;
    n_builtin_modules++;
}

TwObject *tw_interp_modules_dict(void) { return modules_dict; }
TwObject *tw_interp_sys_module(void) { return sys_module; }
TwObject *tw_builtins_dict(void) { return builtins_module ? tw_module_get_dict(builtins_module) : NULL; }

/* Read a whole file into a NUL-terminated malloc'd buffer. NULL + errno on failure. */
static char *read_file(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 8192, len = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        errno = ENOMEM;
        return NULL;
    }
    for (;;) {
        if (len + 1 >= cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                fclose(f);
                errno = ENOMEM;
                return NULL;
            }
            buf = nb;
            cap *= 2;
        }
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    buf[len] = '\0';
    *len_out = len;
    return buf;
}

/* A module written in Python beside the main script: name.py.  It is put
 * into sys.modules before its body runs (as CPython does, so that circular
 * imports see the partly initialised module) and removed if the body fails. */
static TwObject *import_source_module(TwObject *name)
{
    const char *dir = main_dir ? main_dir : ".";
    size_t plen = strlen(dir) + TW_STR_SIZE(name) + 8;
    char *path = malloc(plen);
    if (!path)
        return tw_err_no_memory();
    snprintf(path, plen, "%s/%s.py", dir, TW_STR_DATA(name));
    size_t len;
    char *src = read_file(path, &len);
    if (!src) {
        free(path);
        return NULL;      /* not found: no exception set */
    }
    TwObject *mod = tw_module_new(TW_STR_DATA(name));
    TwObject *code = NULL, *res = NULL;
    if (!mod)
        goto done;
    TwObject *d = tw_module_get_dict(mod);
    TwObject *file = tw_str_from_cstr(path);
    if (!file || tw_dict_set_str(d, "__file__", file) < 0 ||
        tw_dict_set_str(d, "__builtins__", builtins_module) < 0 ||
        tw_dict_set(modules_dict, name, mod) < 0) {
        TW_XDECREF(file);
        goto fail;
    }
    TW_DECREF(file);
    code = tw_compile_source(src, len, path, TW_COMPILE_EXEC);
    if (!code)
        goto fail_registered;
    res = tw_eval_code(code, d, NULL);
    if (!res)
        goto fail_registered;
    TW_DECREF(res);
    TW_DECREF(code);
    free(src);
    free(path);
    return mod;
fail_registered: {
        TwObject *exc = tw_err_fetch();
        if (tw_dict_contains(modules_dict, name) == 1)
            (void)tw_dict_del(modules_dict, name);
        tw_err_clear();
        tw_err_restore(exc);
    }
fail:
    TW_CLEAR(mod);
done:
    TW_XDECREF(code);
    free(src);
    free(path);
    if (!tw_err_occurred())
        tw_err_no_memory();
    return NULL;
}

/*
 * Imports running in several threads.  A module's body (or a built-in
 * module's constructor, some of which run Python source) runs once: the
 * first thread to import a name registers it in `importing` and runs it;
 * another thread importing the same name meanwhile waits until that is
 * done, then takes the module from sys.modules (or, if the first import
 * failed, tries again itself), as CPython's per-module import locks do.
 * The thread running a body that imports the same name again (a circular
 * import) gets the partly initialised module at once, and so does a
 * thread whose wait would close a cycle of threads waiting for each
 * other's imports (A imports m1, which imports m2, while B imports m2,
 * which imports m1): CPython accepts the partial module there too.
 * Invariants, all under import_mu:
 *   - at most one entry per name, owned by the thread running it, removed
 *     (done set, waiters woken) when that thread's import ends, whatever
 *     its outcome;
 *   - `waits` lists each waiting thread with the entry it waits for, so
 *     the cycle test follows owner -> entry waited for -> owner;
 *   - an entry is freed by the last of its owner and waiters to let go.
 * import_mu is never held across Python code or a wait for the GIL (a
 * waiter detaches first and takes import_mu again only to sleep on the
 * condition), and the fast path, a name sys.modules already holds while
 * no import runs anywhere, takes no lock at all: `importing_count` is 0.
 */
typedef struct ImportEntry {
    TwObject *name;
    TwThreadState *owner;
    bool done;
    int refs;                          /* owner + waiters */
    struct ImportEntry *next;
} ImportEntry;

typedef struct ImportWait {
    TwThreadState *who;
    ImportEntry *entry;
    struct ImportWait *next;
} ImportWait;

static pthread_mutex_t import_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t import_cv = PTHREAD_COND_INITIALIZER;
static ImportEntry *importing;
static ImportWait *import_waits;
static int importing_count;            /* entries; read without the lock */

static ImportEntry *import_find(TwObject *name)
{
    for (ImportEntry *e = importing; e; e = e->next)
        if (TW_STR_SIZE(e->name) == TW_STR_SIZE(name) &&
            memcmp(TW_STR_DATA(e->name), TW_STR_DATA(name), (size_t)TW_STR_SIZE(name)) == 0)
            return e;
    return NULL;
}

/* Would the calling thread, waiting for e, close a cycle of waits? */
static bool import_would_deadlock(ImportEntry *e, TwThreadState *me)
{
    TwThreadState *t = e->owner;
    for (int steps = 0; steps < 10000; steps++) {
        if (t == me)
            return true;
        ImportWait *w = import_waits;
        while (w && w->who != t)
            w = w->next;
        if (w == NULL)
            return false;
        t = w->entry->owner;
    }
    return true;
}

static void import_entry_unref(ImportEntry *e)
{
    if (--e->refs == 0) {
        TW_DECREF(e->name);
        free(e);
    }
}

/* Before importing `name`: 1 with *entry set when the caller is to run
 * the import (end it with import_end); 0 when it should look in
 * sys.modules again (another thread's import of it has ended, or the
 * caller is inside that import, or waiting would deadlock: *partial_ok
 * is then true); -1 with an exception set.  With claim false, only
 * waits for another thread's import of name, if one runs (returns 0). */
static int import_begin(TwObject *name, bool claim, ImportEntry **entry, bool *partial_ok)
{
    TwThreadState *me = tw_tstate();
    *entry = NULL;
    *partial_ok = false;
    pthread_mutex_lock(&import_mu);
    ImportEntry *e = import_find(name);
    if (e == NULL && !claim) {
        pthread_mutex_unlock(&import_mu);
        return 0;
    }
    if (e == NULL) {
        e = malloc(sizeof *e);
        if (e == NULL) {
            pthread_mutex_unlock(&import_mu);
            tw_err_no_memory();
            return -1;
        }
        e->name = tw_newref(name);
        e->owner = me;
        e->done = false;
        e->refs = 1;
        e->next = importing;
        importing = e;
        __atomic_store_n(&importing_count, importing_count + 1, __ATOMIC_RELAXED);
        pthread_mutex_unlock(&import_mu);
        *entry = e;
        return 1;
    }
    if (e->owner == me || import_would_deadlock(e, me)) {
        pthread_mutex_unlock(&import_mu);
        *partial_ok = true;
        return 0;
    }
    ImportWait w = {me, e, import_waits};
    import_waits = &w;
    e->refs++;
    pthread_mutex_unlock(&import_mu);
    tw_begin_blocking();
    pthread_mutex_lock(&import_mu);
    while (!e->done)
        pthread_cond_wait(&import_cv, &import_mu);
    for (ImportWait **pp = &import_waits; *pp; pp = &(*pp)->next)
        if (*pp == &w) {
            *pp = w.next;
            break;
        }
    import_entry_unref(e);
    pthread_mutex_unlock(&import_mu);
    tw_end_blocking();
    return 0;
}

static void import_end(ImportEntry *e)
{
    pthread_mutex_lock(&import_mu);
    for (ImportEntry **pp = &importing; *pp; pp = &(*pp)->next)
        if (*pp == e) {
            *pp = e->next;
            break;
        }
    __atomic_store_n(&importing_count, importing_count - 1, __ATOMIC_RELAXED);
    e->done = true;
    pthread_cond_broadcast(&import_cv);
    import_entry_unref(e);
    pthread_mutex_unlock(&import_mu);
}

/* The module sys.modules holds for name (a new reference; 1), 0 if none,
 * -1 on error; 2 (with the module) if another thread is still running
 * its import. */
static int import_lookup(TwObject *name, TwObject **mod)
{
    int r = tw_dict_get_ref(modules_dict, name, mod);
    if (r <= 0 || __atomic_load_n(&importing_count, __ATOMIC_RELAXED) == 0)
        return r;
    pthread_mutex_lock(&import_mu);
    ImportEntry *e = import_find(name);
    bool running_elsewhere = e != NULL && e->owner != tw_tstate();
    pthread_mutex_unlock(&import_mu);
    return running_elsewhere ? 2 : 1;
}

/* Runs the import of name by the calling thread: a built-in module's
 * constructor or name.py.  New reference; NULL with an exception set, or
 * with none when there is no such module. */
static TwObject *import_run(TwObject *name)
{
    const char *cname = TW_STR_DATA(name);
    for (int i = 0; i < n_builtin_modules; i++) {
        if (strcmp(builtin_modules[i].name, cname) != 0)
            continue;
        TwObject *mod = builtin_modules[i].init();
        if (!mod)
            return NULL;
        if (tw_dict_set(modules_dict, name, mod) < 0) {
            TW_DECREF(mod);
            return NULL;
        }
        return mod;
    }
    if (strchr(cname, '.') == NULL && cname[0] != '\0')
        return import_source_module(name);
    return NULL;
}

/* import name: sys.modules, then the built-in modules, then name.py in the
 * main script's directory.  Dotted names are outside the subset. */
TwObject *tw_import_module(TwObject *name)
{
    if (!TW_STR_CHECK(name)) {
        return tw_err_format(TwExc_TypeError, "module name must be str, not %T", name);
    }
    bool partial_ok = false;
    ImportEntry *e;
    for (;;) {
        TwObject *mod = NULL;
        int r = import_lookup(name, &mod);
        if (r == 2) {
            /* partly initialised by another thread: wait for that import
             * to end, then give this same module object, as CPython does
             * (even if that import failed and took it out of sys.modules) */
            if (import_begin(name, false, &e, &partial_ok) < 0) {
                TW_DECREF(mod);
                return NULL;
            }
            return mod;
        }
        if (r != 0)
            return r < 0 ? NULL : mod;
        if (partial_ok)
            break;             /* nothing partial after all: import it */
        r = import_begin(name, true, &e, &partial_ok);
        if (r < 0)
            return NULL;
        if (r == 0)
            continue;          /* look again */
        /* another thread may have finished it between the lookup and
         * import_begin */
        r = tw_dict_get_ref(modules_dict, name, &mod);
        if (r == 0)
            mod = import_run(name);
        import_end(e);
        if (r < 0)
            return NULL;
        if (mod || tw_err_occurred())
            return mod;
        return tw_err_format(TwExc_ModuleNotFoundError, "No module named %R", name);
    }
    /* The caller is inside this import, or waiting would deadlock, and
     * the module is not in sys.modules (a built-in one still being made):
     * make it without an entry, as before. */
    TwObject *mod = import_run(name);
    if (mod || tw_err_occurred())
        return mod;
    return tw_err_format(TwExc_ModuleNotFoundError, "No module named %R", name);
}

/* ---------------- start-up and shutdown ---------------------------- */

/* The threading modules live in files of their own; they are registered
 * here so that they are importable in every build that links them. */
static void register_standard_modules(void)
{
    tw_register_builtin_module("builtins", tw_builtins_module_init);
    tw_register_builtin_module("sys", tw_sys_module_init);
    tw_register_builtin_module("time", tw_time_module_init);
    tw_register_builtin_module("math", tw_math_module_init);
    tw_register_builtin_module("gc", tw_gc_module_init);
    tw_register_builtin_module("collections", tw_collections_module_init);
    tw_threads_register_modules();
}

int tw_interpreter_init(int argc, char **argv)
{
    tw_runtime_init();
    if (tw_objects_init() < 0) {
        fprintf(stderr, "twinpy: failed to initialise the object model\n");
        return -1;
    }
    if (tw_vm_types_init() < 0) {
        fprintf(stderr, "twinpy: failed to initialise the virtual machine's types\n");
        return -1;
    }
    modules_dict = tw_dict_new();
    if (!modules_dict)
        goto fail;
    register_standard_modules();
    TwObject *name = tw_str_from_cstr("builtins");
    if (!name)
        goto fail;
    builtins_module = tw_import_module(name);
    TW_DECREF(name);
    if (!builtins_module)
        goto fail;
    name = tw_str_from_cstr("sys");
    if (!name)
        goto fail;
    sys_module = tw_import_module(name);
    TW_DECREF(name);
    if (!sys_module || tw_sys_set_argv(argc, argv) < 0)
        goto fail;
    return 0;
fail:
    fprintf(stderr, "twinpy: start-up failed\n");
    if (tw_err_occurred()) {
        TwObject *exc = tw_err_fetch();
        tw_print_exception(exc);
        TW_DECREF(exc);
    }
    return -1;
}

/* What the program left alive is let go as CPython does at exit:
 * __main__ and the modules imported from source files leave sys.modules,
 * and a full collection takes their globals (they and the functions they
 * hold form cycles through the functions' globals), so finalizers
 * (__del__, a suspended generator's `finally`) run before the process
 * ends.  The built-in and frozen modules (sys, threading, ...) stay.  A
 * program that never made an object with a finalizer would see nothing
 * of it, and skips it (start-up plus exit of an empty script is 4-7% more
 * instructions with the collection). */
static void release_program_globals(void)
{
    if (!__atomic_load_n(&tw_finalizers_seen, __ATOMIC_RELAXED))
        return;
    TwObject *items = tw_dict_items_list(modules_dict);
    if (items != NULL) {
        for (TwSsize i = 0; i < TW_LIST_SIZE(items); i++) {
            TwObject *pair = tw_list_get(items, i), *file = NULL;
            if (pair == NULL)
                break;
            TwObject *name = TW_TUPLE_GET(pair, 0), *mod = TW_TUPLE_GET(pair, 1);
            bool from_source = TW_TYPE(mod) == &TwModule_Type
                && tw_dict_get_ref_str(tw_module_get_dict(mod), "__file__", &file) == 1;
            TW_XDECREF(file);
            if (from_source || (TW_STR_CHECK(name) && strcmp(TW_STR_DATA(name), "__main__") == 0))
                (void)tw_dict_del(modules_dict, name);
            TW_DECREF(pair);
        }
        TW_DECREF(items);
    }
    tw_err_clear();
    __atomic_store_n(&releasing_globals, true, __ATOMIC_RELAXED);
    (void)tw_gc_collect(2);
    tw_err_clear();
}

void tw_interpreter_fini(void)
{
    /* Non-daemon threads keep the program alive, as in CPython. */
    tw_threading_wait_for_threads();
    release_program_globals();
    tw_stdio_flush_all();
}

/* ---------------- SystemExit ---------------------------------------- */

/* SystemExit's code: None -> 0, an int -> that status, anything else is
 * printed to stderr and gives 1 (CPython's handle_system_exit). */
static int system_exit_status(TwObject *exc)
{
    TwBaseExceptionObject *be = (TwBaseExceptionObject *)exc;
    TwObject *code = NULL;
    TwObject *args = tw_field_get_ref(&be->args);
    if (args && TW_TUPLE_CHECK(args)) {
        TwSsize n = TW_TUPLE_SIZE(args);
        if (n == 1)
            code = tw_newref(TW_TUPLE_GET(args, 0));
        else if (n > 1)
            code = tw_newref(args);
    }
    TW_XDECREF(args);
    if (!code)
        code = tw_field_get_ref(&be->value);
    if (!code || code == Tw_None) {
        TW_XDECREF(code);
        return 0;
    }
    if (TW_INT_CHECK(code)) {
        int64_t v = TW_INT_VALUE(code);
        TW_DECREF(code);
        return (int)(v & 0xff);
    }
    tw_stdio_flush(1);
    TwObject *s = tw_object_str(code);
    TW_DECREF(code);
    if (s) {
        tw_stdio_write(2, TW_STR_DATA(s), (size_t)TW_STR_SIZE(s));
        TW_DECREF(s);
    } else {
        tw_err_clear();
    }
    tw_stdio_write(2, "\n", 1);
    return 1;
}

/* The exception that ended the main program: SystemExit gives its status;
 * anything else is printed with its traceback and gives 1. */
static int handle_uncaught(void)
{
    TwObject *exc = tw_err_fetch();
    if (!exc)
        return 1;
    int status;
    if (tw_err_given_matches(exc, TwExc_SystemExit)) {
        status = system_exit_status(exc);
    } else {
        tw_stdio_flush(1);
        tw_print_exception(exc);
        status = 1;
    }
    TW_DECREF(exc);
    return status;
}

static void set_main_dir(const char *filename)
{
    free(main_dir);
    main_dir = NULL;
    if (filename[0] == '<') {
        main_dir = strdup(".");
        return;
    }
    const char *slash = strrchr(filename, '/');
    if (!slash)
        main_dir = strdup(".");
    else if (slash == filename)
        main_dir = strdup("/");
    else
        main_dir = strndup(filename, (size_t)(slash - filename));
}

int tw_run_main(const char *src, size_t len, const char *filename)
{
    set_main_dir(filename);
    main_src = src;
    main_src_len = len;
    free(main_filename);
    main_filename = strdup(filename);

    TwObject *mod = tw_module_new("__main__");
    if (!mod)
        return handle_uncaught();
    TwObject *d = tw_module_get_dict(mod);
    TwObject *name = tw_str_from_cstr("__main__");
    if (!name || tw_dict_set_str(d, "__name__", name) < 0 ||
        tw_dict_set_str(d, "__builtins__", builtins_module) < 0 ||
        tw_dict_set(modules_dict, name, mod) < 0) {
        TW_XDECREF(name);
        TW_DECREF(mod);
        return handle_uncaught();
    }
    TW_DECREF(name);
    if (filename[0] != '<') {
        TwObject *file = tw_str_from_cstr(filename);
        if (!file || tw_dict_set_str(d, "__file__", file) < 0) {
            TW_XDECREF(file);
            TW_DECREF(mod);
            return handle_uncaught();
        }
        TW_DECREF(file);
    }
    int status = 0;
    TwObject *code = tw_compile_source(src, len, filename, TW_COMPILE_EXEC);
    if (!code) {
        status = handle_uncaught();
    } else {
        TwObject *res = tw_eval_code(code, d, NULL);
        TW_DECREF(code);
        if (!res)
            status = handle_uncaught();
        else
            TW_DECREF(res);
    }
    TW_DECREF(mod);
    return status;
}

/* ---------------- printing exceptions ------------------------------- */

/* A growing byte buffer: a traceback is composed whole and written with
 * one call, so that tracebacks from several threads do not interleave. */
typedef struct {
    char *buf;
    size_t len, cap;
} TwOut;

static void out_add(TwOut *o, const char *s, size_t n)
{
    if (o->len + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 256;
        while (cap < o->len + n + 1)
            cap *= 2;
        char *nb = realloc(o->buf, cap);
        if (!nb)
            return;
        o->buf = nb;
        o->cap = cap;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = '\0';
}

static void out_str(TwOut *o, const char *s) { out_add(o, s, strlen(s)); }

static void out_fmt(TwOut *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_fmt(TwOut *o, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        out_add(o, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big)
        return;
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    out_add(o, big, (size_t)n);
    free(big);
}

/* The source of a file named in a traceback: the main program's text is
 * kept; other files are read once and cached (one entry is enough: a
 * traceback rarely alternates between many files). */
static char *cached_path, *cached_src;
static size_t cached_len;

static const char *source_of(const char *filename, size_t *len)
{
    if (main_filename && strcmp(filename, main_filename) == 0 && main_src) {
        *len = main_src_len;
        return main_src;
    }
    if (filename[0] == '<')
        return NULL;
    if (cached_path && strcmp(cached_path, filename) == 0) {
        *len = cached_len;
        return cached_src;
    }
    size_t n;
    char *src = read_file(filename, &n);
    if (!src)
        return NULL;
    free(cached_path);
    free(cached_src);
    cached_path = strdup(filename);
    cached_src = src;
    cached_len = n;
    *len = n;
    return src;
}

/* Line `lineno` (1-based) of a file, without its end of line; NULL if absent. */
static const char *source_line(const char *filename, long lineno, size_t *n_out)
{
    if (__atomic_load_n(&releasing_globals, __ATOMIC_RELAXED))
        return NULL;
    size_t len;
    const char *src = source_of(filename, &len);
    if (!src || lineno < 1)
        return NULL;
    const char *p = src, *end = src + len;
    for (long i = 1; i < lineno; i++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return NULL;
        p = nl + 1;
    }
    if (p >= end)
        return NULL;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    *n_out = (size_t)((nl ? nl : end) - p);
    return p;
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\r' || c == '\n' || c == '\v'; }

/* "    <stripped source line>\n", as CPython prints under a File line. */
static void out_source_line(TwOut *o, const char *filename, long lineno)
{
    size_t n;
    const char *line = source_line(filename, lineno, &n);
    if (!line)
        return;
    while (n > 0 && is_space(*line)) {
        line++;
        n--;
    }
    while (n > 0 && is_space(line[n - 1]))
        n--;
    if (n == 0)
        return;
    out_str(o, "    ");
    out_add(o, line, n);
    out_str(o, "\n");
}

/* Characters (code points) in the first n bytes of UTF-8 text. */
static long utf8_chars(const char *s, size_t n)
{
    long c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xc0) != 0x80;
    return c;
}

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\f'; }

/* shared/vm/traceback_anchors.c: the operator's (or subscript's) byte
 * offsets [*left, *right) in a source segment, if it is one BinOp or
 * Subscript. */
bool tw_traceback_caret_anchors(const char *seg, size_t n, long *left, long *right);

/* The marker line under a traceback's source line, CPython 3.11's rules:
 * ^ under the instruction's columns, ~ and ^ for operators and subscripts,
 * nothing when the markers would cover the whole line. */
static void out_carets(TwOut *o, const char *filename, int lineno, int end_lineno, int col, int end_col)
{
    size_t n;
    const char *line = source_line(filename, lineno, &n);
    if (!line || lineno < 1 || end_lineno < lineno || col < 0 || end_col < 0)
        return;
    while (n > 0 && is_space(line[n - 1]))
        n--;
    if ((size_t)col > n)
        return;
    size_t ecol = (size_t)end_col;
    long start = utf8_chars(line, (size_t)col), end;
    long left = -1, right = -1;
    bool anchors = false;
    if (lineno == end_lineno) {
        if (ecol > n)
            ecol = n;
        if (ecol < (size_t)col)
            return;
        end = utf8_chars(line, ecol);
        long lb, rb;
        if (tw_traceback_caret_anchors(line + col, ecol - (size_t)col, &lb, &rb)) {
            anchors = true;
            left = start + utf8_chars(line + col, (size_t)lb);
            right = start + utf8_chars(line + col, (size_t)rb);
        }
    } else {
        end = utf8_chars(line, n);
    }
    size_t lead = 0;
    while (lead < n && is_blank(line[lead]))
        lead++;
    long truncation = utf8_chars(line, lead);
    long stripped = utf8_chars(line, n) - truncation;
    if (end - start == stripped && !anchors)
        return;
    out_str(o, "    ");
    for (long pos = truncation + 1; pos <= end; pos++) {
        if (pos <= start)
            out_str(o, " ");
        else if (anchors && left < pos && pos <= right)
            out_str(o, "^");
        else
            out_str(o, anchors ? "~" : "^");
    }
    out_str(o, "\n");
}

static const char *str_or(TwObject *s, const char *dflt)
{
    return (s && TW_STR_CHECK(s)) ? TW_STR_DATA(s) : dflt;
}

/* The traceback entries, outermost call first ("most recent call last"),
 * with CPython's folding of a line repeated more than three times in a
 * row (deep recursion). */
static void out_traceback(TwOut *o, TwObject *exc)
{
    TwSsize n = tw_traceback_count(exc);
    if (n <= 0) {
        tw_err_clear();
        return;
    }
    out_str(o, "Traceback (most recent call last):\n");
    const char *pfile = NULL, *pname = NULL;
    long pline = -1;
    long repeat = 0;
    for (TwSsize k = 0; k < n; k++) {
        TwObject *fobj = NULL, *nobj = NULL;
        int lineno = 0, end_lineno = -1, col = -1, end_col = -1;
        if (tw_traceback_entry(exc, k, &fobj, &nobj, &lineno, &end_lineno, &col, &end_col) < 0) {
            tw_err_clear();
            continue;
        }
        const char *file = str_or(fobj, "<unknown>"), *name = str_or(nobj, "<unknown>");
        long line = lineno;
        if (pfile && strcmp(file, pfile) == 0 && strcmp(name, pname) == 0 && line == pline) {
            repeat++;
            if (repeat >= 3)
                continue;
        } else {
            if (repeat >= 3)
                out_fmt(o, "  [Previous line repeated %ld more time%s]\n", repeat - 2,
                        repeat - 2 > 1 ? "s" : "");
            repeat = 0;
        }
        out_fmt(o, "  File \"%s\", line %ld, in %s\n", file, line, name);
        out_source_line(o, file, line);
        out_carets(o, file, lineno, end_lineno, col, end_col);
        pfile = file;     /* borrowed from the exception, which outlives the loop */
        pname = name;
        pline = line;
    }
    if (repeat >= 3)
        out_fmt(o, "  [Previous line repeated %ld more time%s]\n", repeat - 2, repeat - 2 > 1 ? "s" : "");
}

/* "ValueError", "mymod.MyError" (not for __main__ or builtins classes). */
static void out_type_name(TwOut *o, TwTypeObject *tp)
{
    TwObject *mod = NULL, *qual = NULL;
    if (tp->tp_dict && (tw_dict_get_ref(tp->tp_dict, tw_str_intern_cstr("__module__"), &mod) < 0 ||
                        tw_dict_get_ref(tp->tp_dict, tw_str_intern_cstr("__qualname__"), &qual) < 0))
        tw_err_clear();
    if (mod && TW_STR_CHECK(mod) && !tw_str_eq_cstr(mod, "__main__") && !tw_str_eq_cstr(mod, "builtins")) {
        out_str(o, TW_STR_DATA(mod));
        out_str(o, ".");
    }
    out_str(o, (qual && TW_STR_CHECK(qual)) ? TW_STR_DATA(qual) : tw_type_name(tp));
    tw_xdecref(mod);
    tw_xdecref(qual);
}

/* A SyntaxError's location block: File line, source line, carets
 * (CPython 3.11's format), then "SyntaxError: msg". */
static void out_syntax_error_args(TwOut *o, TwObject *exc, TwObject *args);

static void out_syntax_error(TwOut *o, TwObject *exc)
{
    /* args held while printed: another thread may assign them (object.h) */
    TwObject *args = tw_field_get_ref(&((TwBaseExceptionObject *)exc)->args);
    out_syntax_error_args(o, exc, args);
    TW_XDECREF(args);
}

static void out_syntax_error_args(TwOut *o, TwObject *exc, TwObject *args)
{
    TwObject *msg = NULL, *info = NULL;
    if (args && TW_TUPLE_CHECK(args)) {
        if (TW_TUPLE_SIZE(args) >= 1)
            msg = TW_TUPLE_GET(args, 0);
        if (TW_TUPLE_SIZE(args) >= 2 && TW_TUPLE_CHECK(TW_TUPLE_GET(args, 1)))
            info = TW_TUPLE_GET(args, 1);
    }
    if (info && TW_TUPLE_SIZE(info) >= 4) {
        TwObject *fn = TW_TUPLE_GET(info, 0), *ln = TW_TUPLE_GET(info, 1);
        TwObject *off = TW_TUPLE_GET(info, 2), *text = TW_TUPLE_GET(info, 3);
        TwObject *eoff = TW_TUPLE_SIZE(info) >= 6 ? TW_TUPLE_GET(info, 5) : NULL;
        const char *fname = str_or(fn, "<string>");
        long lineno = TW_INT_CHECK(ln) ? (long)TW_INT_VALUE(ln) : 0;
        if (TW_INT_CHECK(ln))
            out_fmt(o, "  File \"%s\", line %ld\n", fname, lineno);
        const char *t = NULL;
        size_t tn = 0;
        if (text && TW_STR_CHECK(text)) {
            t = TW_STR_DATA(text);
            tn = (size_t)TW_STR_SIZE(text);
        } else if (TW_INT_CHECK(ln)) {
            t = source_line(fname, lineno, &tn);
        }
        if (t) {
            while (tn > 0 && (t[tn - 1] == '\n' || t[tn - 1] == '\r'))
                tn--;
            size_t spaces = 0;
            while (spaces < tn && (t[spaces] == ' ' || t[spaces] == '\f' || t[spaces] == '\n'))
                spaces++;
            out_str(o, "    ");
            out_add(o, t + spaces, tn - spaces);
            out_str(o, "\n");
            if (off && TW_INT_CHECK(off)) {
                long offset = (long)TW_INT_VALUE(off);
                long end = (eoff && TW_INT_CHECK(eoff) && TW_INT_VALUE(eoff) != 0) ? (long)TW_INT_VALUE(eoff) : offset;
                if (end == offset || end == -1)
                    end = offset + 1;
                long col = offset - 1 - (long)spaces, ecol = end - 1 - (long)spaces;
                if (col >= 0) {
                    out_str(o, "    ");
                    for (long i = 0; i < col && (size_t)i < tn - spaces; i++)
                        out_add(o, is_space(t[spaces + i]) ? &t[spaces + i] : " ", 1);
                    for (long i = col; i < (ecol > col ? ecol : col + 1); i++)
                        out_str(o, "^");
                    out_str(o, "\n");
                }
            }
        }
    }
    out_type_name(o, TW_TYPE(exc));
    out_str(o, ": ");
    if (msg && TW_STR_CHECK(msg) && TW_STR_SIZE(msg) > 0)
        out_str(o, TW_STR_DATA(msg));
    else
        out_str(o, "<no detail available>");
    out_str(o, "\n");
}

/* The last line: "TypeError: msg", or the bare name when str(exc) is "". */
static void out_exception_line(TwOut *o, TwObject *exc)
{
    if (TW_TYPE_CHECK(exc, (TwTypeObject *)TwExc_SyntaxError)) {
        out_syntax_error(o, exc);
        return;
    }
    out_type_name(o, TW_TYPE(exc));
    TwObject *s = tw_object_str(exc);
    if (!s) {
        tw_err_clear();
        out_str(o, ": <exception str() failed>\n");
        return;
    }
    if (TW_STR_SIZE(s) > 0) {
        out_str(o, ": ");
        out_add(o, TW_STR_DATA(s), (size_t)TW_STR_SIZE(s));
    }
    out_str(o, "\n");
    TW_DECREF(s);
}

#define TW_MAX_CHAIN 64

/* Causes and contexts first, each followed by the sentence that links it
 * to the next; an exception already printed is not printed again. */
static void out_chain(TwOut *o, TwObject *exc, TwObject **seen, int *nseen)
{
    if (*nseen < TW_MAX_CHAIN)
        seen[(*nseen)++] = exc;
    TwBaseExceptionObject *be = (TwBaseExceptionObject *)exc;
    bool known;
    /* held while printed: another thread may assign them (object.h) */
    TwObject *cause = tw_field_get_ref(&be->cause), *context = tw_field_get_ref(&be->context);
    if (cause && cause != Tw_None && TW_HAS_TPFLAG(cause, TW_TPFLAGS_EXC_SUBCLASS)) {
        known = false;
        for (int i = 0; i < *nseen; i++)
            known |= seen[i] == cause;
        if (!known) {
            out_chain(o, cause, seen, nseen);
            out_str(o, "\nThe above exception was the direct cause of the following exception:\n\n");
        }
    } else if (context && context != Tw_None && !be->suppress_context &&
               TW_HAS_TPFLAG(context, TW_TPFLAGS_EXC_SUBCLASS)) {
        known = false;
        for (int i = 0; i < *nseen; i++)
            known |= seen[i] == context;
        if (!known) {
            out_chain(o, context, seen, nseen);
            out_str(o, "\nDuring handling of the above exception, another exception occurred:\n\n");
        }
    }
    TW_XDECREF(cause);
    TW_XDECREF(context);
    out_traceback(o, exc);
    out_exception_line(o, exc);
}

/* A report built in o goes to stderr after what stdout holds; the
 * exception pending before it was built is set again. */
static void write_report(TwOut *o, TwObject *pending)
{
    tw_stdio_flush(1);
    if (o->buf)
        tw_stdio_write(2, o->buf, o->len);
    tw_stdio_flush(2);
    free(o->buf);
    tw_err_clear();
    tw_err_restore(pending);
}

void tw_print_exception(TwObject *exc)
{
    if (!exc)
        return;
    /* Printing may call str() on user objects: keep any pending exception aside. */
    TwObject *pending = tw_err_fetch();
    TwOut o = {0};
    if (TW_HAS_TPFLAG(exc, TW_TPFLAGS_EXC_SUBCLASS)) {
        TwObject *seen[TW_MAX_CHAIN];
        int nseen = 0;
        out_chain(&o, exc, seen, &nseen);
    } else {
        out_str(&o, "TypeError: exceptions must derive from BaseException\n");
    }
    write_report(&o, pending);
}

/* As CPython's default unraisable hook: the exception's own traceback and
 * line, without the exceptions it was raised during (its __context__). */
void tw_print_unraisable(TwObject *exc, TwObject *where)
{
    TwObject *pending = tw_err_fetch();
    TwOut o = {0};
    out_str(&o, "Exception ignored in: ");
    TwObject *r = where ? tw_object_repr(where) : NULL;
    if (r) {
        out_add(&o, TW_STR_DATA(r), (size_t)TW_STR_SIZE(r));
        TW_DECREF(r);
    } else {
        tw_err_clear();
        out_str(&o, "<object repr() failed>");
    }
    out_str(&o, "\n");
    if (exc && TW_HAS_TPFLAG(exc, TW_TPFLAGS_EXC_SUBCLASS)) {
        out_traceback(&o, exc);
        out_exception_line(&o, exc);
    }
    write_report(&o, pending);
}
