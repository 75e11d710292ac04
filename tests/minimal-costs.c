/*
 * minimal-costs - the yardstick of bench-overhead: the plainest C loops that time thread
 * create+join, fork+_exit+waitpid and posix_spawn(/bin/true)+waitpid, with nothing of the
 * suite linked in (no harness, no calibration, no reference). The published creation
 * costs the README compares with were taken with loops like these. scripts/cbench.sh micro runs it beside
 * bench-overhead and checks that the suite's p = 1 figures land within a factor of two:
 * the harness adds no cost of its own.
 *
 * Usage: minimal-costs [N [BATCHES]]: BATCHES batches (default 11) of N operations
 * (default 200) each; prints `op,batch,n,mean_us`, one line per batch.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *empty(void *arg)
{
    return arg;
}

static int one_thread(void)
{
    pthread_t t;
    int rc = pthread_create(&t, NULL, empty, NULL);
    if (rc != 0) {
        fprintf(stderr, "minimal-costs: pthread_create: %s\n", strerror(rc));
        return -1;
    }
    rc = pthread_join(t, NULL);
    if (rc != 0) {
        fprintf(stderr, "minimal-costs: pthread_join: %s\n", strerror(rc));
        return -1;
    }
    return 0;
}

static int one_fork(void)
{
    pid_t pid = fork();
    if (pid < 0) {
        perror("minimal-costs: fork");
        return -1;
    }
    if (pid == 0)
        _exit(0);
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "minimal-costs: the fork child failed\n");
        return -1;
    }
    return 0;
}

static int one_spawn(void)
{
    char *argv[] = { "true", NULL };
    pid_t pid;
    int rc = posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ);
    if (rc != 0) {
        fprintf(stderr, "minimal-costs: posix_spawn: %s\n", strerror(rc));
        return -1;
    }
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "minimal-costs: /bin/true failed\n");
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 200, batches = argc > 2 ? atol(argv[2]) : 11;
    if (argc > 3 || n < 1 || batches < 1) {
        fprintf(stderr, "usage: minimal-costs [N [BATCHES]]\n");
        return 2;
    }
    static const struct {
        const char *name;
        int (*fn)(void);
    } ops[] = { { "thread", one_thread }, { "fork", one_fork }, { "spawn", one_spawn } };
    fflush(stdout);
    printf("op,batch,n,mean_us\n");
    for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++) {
        if (ops[o].fn() < 0) /* one discarded warm-up */
            return 1;
        for (long b = 0; b < batches; b++) {
            double t0 = now();
            for (long i = 0; i < n; i++)
                if (ops[o].fn() < 0)
                    return 1;
            printf("%s,%ld,%ld,%.3f\n", ops[o].name, b + 1, n, (now() - t0) / (double)n * 1e6);
            fflush(stdout); /* nothing buffered when the next fork copies the process */
        }
    }
    return 0;
}
