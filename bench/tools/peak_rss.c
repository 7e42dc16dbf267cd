/*
 * peak_rss.c — run a command and write its peak resident set size.
 *
 *   twin_peak_rss FILE CMD [ARGS...]
 *
 * Runs CMD with the same stdin/stdout/stderr, waits for it, writes its
 * ru_maxrss (KiB) to FILE and exits with its status (128 + signal if it
 * was killed).
 *
 * Why a separate program: Linux keeps a child's ru_maxrss as the maximum
 * over everything the process was, including the parent's image it was
 * forked from before exec.  Spawned from the Python driver (~20 MiB) every
 * small interpreter would read as ~20 MiB; spawned from this ~1 MiB
 * program it reads as its own peak.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: twin_peak_rss FILE CMD [ARGS...]\n");
        return 2;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("twin_peak_rss: fork");
        return 2;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        fprintf(stderr, "twin_peak_rss: %s: %s\n", argv[2], strerror(errno));
        _exit(127);
    }
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            perror("twin_peak_rss: wait4");
            return 2;
        }
    }
    FILE *f = fopen(argv[1], "w");
    if (f) {
        fprintf(f, "%ld\n", ru.ru_maxrss);
        fclose(f);
    }
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}
