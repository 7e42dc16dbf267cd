/*
 * main.c — the `twinpy` executable.
 *
 *   twinpy [options] script.py [args]    run a file
 *   twinpy [options] -c CODE [args]      run a string
 *   twinpy [options] - [args]            run standard input
 *
 * Exit statuses follow CPython: 0, 1 for an uncaught exception, the code of
 * SystemExit, 2 for a command-line error or a script that cannot be opened.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "modules/stdmodules.h"
#include "twinpy/interp.h"
#include "twinpy/runtime.h"
#include "twinpy/types.h"
#include "twinpy/vm.h"

/* jemalloc reads its options from this variable at start-up (MALLOC_CONF
 * in the environment still overrides them; the system allocator ignores
 * it).  Pages emptied in a burst, as a collection's frees or a grace
 * period's come, go back to the kernel after 100 ms instead of jemalloc's
 * default 10 s.  Peak RSS, full sizes, medians of two sets of 5
 * interleaved runs: cycles at 4 threads nogil 7.76-7.88 -> 7.48-7.57 MiB,
 * gil 6.64-6.75 -> 6.67-6.74 (noise); at 2 threads nogil 6.55 -> 6.37,
 * gil 5.98 -> 5.95.  With 0 ms, 7.39 and 6.50 at 4 threads, but the GIL
 * build's cycles at 2 threads took 10% longer.  alloc_churn,
 * shared_dict_lock, producer_consumer and nbody at 4 threads moved under
 * 0.12 MiB either way, their times and one thread's within noise. */
const char *malloc_conf = "dirty_decay_ms:100";

static const char usage_text[] =
    "usage: twinpy [option] ... [-c cmd | file | -] [arg] ...\n"
    "Options:\n"
    "  -c cmd         program passed in as string (terminates option list)\n"
    "  -h, --help     print this help message and exit\n"
    "  -V, --version  print the twinpy version and its runtime, and exit\n"
    "  --stats        print the runtime's counters to stderr at exit\n"
    "  --trace FILE   write a Chrome/Perfetto trace of the threads to FILE\n"
    "  --dis          print the bytecode of the program instead of running it\n"
    "  file           program read from script file\n"
    "  -              program read from stdin\n"
    "  arg ...        arguments passed to the program in sys.argv[1:]\n";

static void usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "%s", usage_text);
    exit(2);
}

/* Read all of a stream; NULL on failure. */
static char *read_stream(FILE *f, size_t *len_out)
{
    size_t cap = 8192, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    for (;;) {
        if (len + 1 >= cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
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
    if (ferror(f)) {
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    *len_out = len;
    return buf;
}

/* The script's path as __file__ and tracebacks show it: absolute, as
 * CPython 3.9+ makes it. */
static char *absolute_path(const char *path)
{
    if (path[0] == '/')
        return strdup(path);
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd))
        return strdup(path);
    const char *p = path;
    while (p[0] == '.' && p[1] == '/')
        p += 2;
    size_t n = strlen(cwd) + strlen(p) + 2;
    char *abs = malloc(n);
    if (abs)
        snprintf(abs, n, "%s/%s", cwd, p);
    return abs;
}

/* --dis: compile and print the bytecode; a syntax error is reported as
 * when running. */
static int disassemble(const char *src, size_t len, const char *filename)
{
    TwObject *code = tw_compile_source(src, len, filename, TW_COMPILE_EXEC);
    if (!code) {
        TwObject *exc = tw_err_fetch();
        tw_print_exception(exc);
        TW_XDECREF(exc);
        return 1;
    }
    tw_code_disassemble(code, stdout);
    fflush(stdout);
    TW_DECREF(code);
    return 0;
}

int main(int argc, char **argv)
{
    bool stats = false, dis = false;
    const char *trace_path = NULL;
    const char *command = NULL;   /* -c */
    const char *script = NULL;    /* file, or "-" */
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-c") == 0) {
            if (i + 1 >= argc)
                usage_error("Argument expected for the -c option\n", NULL);
            command = argv[++i];
            i++;
            break;
        } else if (strncmp(a, "-c", 2) == 0 && a[2] != '\0' && a[1] == 'c') {
            command = a + 2;
            i++;
            break;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0 || strcmp(a, "-?") == 0) {
            fputs(usage_text, stdout);
            return 0;
        } else if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
            printf("twinpy %s (%s runtime)\n", TW_VERSION, tw_runtime_name());
            return 0;
        } else if (strcmp(a, "--stats") == 0) {
            stats = true;
        } else if (strcmp(a, "--dis") == 0) {
            dis = true;
        } else if (strcmp(a, "--trace") == 0) {
            if (i + 1 >= argc)
                usage_error("Argument expected for the --trace option\n", NULL);
            trace_path = argv[++i];
        } else if (strncmp(a, "--trace=", 8) == 0) {
            trace_path = a + 8;
        } else if (strcmp(a, "-u") == 0 || strcmp(a, "-B") == 0 || strcmp(a, "-E") == 0 ||
                   strcmp(a, "-s") == 0 || strcmp(a, "-S") == 0) {
            /* CPython options that change nothing in twinpy. */
        } else if (strcmp(a, "-") == 0) {
            script = "-";
            i++;
            break;
        } else if (strcmp(a, "--") == 0) {
            i++;
            if (i < argc)
                script = argv[i++];
            break;
        } else if (a[0] == '-') {
            usage_error("Unknown option: %s\n", a);
        } else {
            script = a;
            i++;
            break;
        }
    }

    /* sys.argv: the program's name ("-c", "-" or the script) and the rest. */
    int prog_argc = argc - i + 1;
    char **prog_argv = calloc((size_t)prog_argc + 1, sizeof(char *));
    if (!prog_argv)
        return 1;
    prog_argv[0] = command ? "-c" : script ? (char *)script : "";
    for (int k = 1; k < prog_argc; k++)
        prog_argv[k] = argv[i + k - 1];

    char *src = NULL;
    size_t len = 0;
    char *filename = NULL;
    if (command) {
        src = strdup(command);
        len = strlen(command);
        filename = strdup("<string>");
    } else if (!script || strcmp(script, "-") == 0) {
        if (!script && isatty(0)) {
            fprintf(stderr, "twinpy: no interactive mode; give a script, -c or -\n%s", usage_text);
            return 2;
        }
        src = read_stream(stdin, &len);
        filename = strdup("<stdin>");
        if (!src) {
            fprintf(stderr, "twinpy: can't read standard input: %s\n", strerror(errno));
            return 2;
        }
        if (!script)
            prog_argv[0] = "";
    } else {
        FILE *f = fopen(script, "rb");
        if (!f) {
            int e = errno;
            fprintf(stderr, "twinpy: can't open file '%s': [Errno %d] %s\n", script, e, strerror(e));
            return 2;
        }
        src = read_stream(f, &len);
        int e = errno;
        fclose(f);
        if (!src) {
            fprintf(stderr, "twinpy: can't open file '%s': [Errno %d] %s\n", script, e, strerror(e));
            return 2;
        }
        filename = absolute_path(script);
    }

    tw_fatal_signal_install();
    if (tw_interpreter_init(prog_argc, prog_argv) < 0)
        return 1;
    /* TWINPY_MAX_STEPS=N: stop a runaway program after N backward jumps
     * and calls of the main thread (KeyboardInterrupt), for fuzzing and
     * tests of hostile input. */
    const char *max_steps = getenv("TWINPY_MAX_STEPS");
    if (max_steps && *max_steps)
        tw_set_step_limit(atoll(max_steps));
    if (trace_path && tw_trace_start(trace_path) < 0) {
        fprintf(stderr, "twinpy: can't write trace file '%s'\n", trace_path);
        return 2;
    }
    int status = dis ? disassemble(src, len, filename) : tw_run_main(src, len, filename);
    tw_interpreter_fini();
    if (trace_path)
        tw_trace_stop();
    if (stats) {
        fflush(stdout);
        tw_stats_dump(stderr);
        fflush(stderr);
    }
    tw_runtime_fini();
    free(src);
    free(filename);
    free(prog_argv);
    return status;
}
