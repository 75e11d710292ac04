/*
 * cli.c - see cli.h.
 */
#include "cli.h"

#include "build_info.h"
#include "options.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct entry {
    struct option opt;
    unsigned who;
};

#define BOTH (CB_CLI_MODELS | CB_CLI_MICRO)
#define REQ required_argument
#define NO no_argument
static const struct entry table[] = {
    { { "kernel", REQ, NULL, CB_OPT_KERNEL }, CB_CLI_MODELS },
    { { "size", REQ, NULL, CB_OPT_SIZE }, CB_CLI_MODELS },
    { { "workers", REQ, NULL, CB_OPT_WORKERS }, BOTH },
    { { "schedule", REQ, NULL, CB_OPT_SCHEDULE }, CB_CLI_MODELS },
    { { "chunk", REQ, NULL, CB_OPT_CHUNK }, CB_CLI_MODELS },
    { { "sizes", REQ, NULL, CB_OPT_SIZES }, CB_CLI_MICRO },
    { { "only", REQ, NULL, CB_OPT_ONLY }, CB_CLI_MICRO },
    { { "between", REQ, NULL, CB_OPT_BETWEEN }, CB_CLI_MICRO },
    { { "delay", REQ, NULL, CB_OPT_DELAY }, CB_CLI_MICRO },
    { { "reps", REQ, NULL, CB_OPT_REPS }, BOTH },
    { { "warmup", REQ, NULL, CB_OPT_WARMUP }, BOTH },
    { { "min-time", REQ, NULL, CB_OPT_MIN_TIME }, CB_CLI_MICRO },
    { { "seed", REQ, NULL, CB_OPT_SEED }, BOTH },
    { { "sequential-order", NO, NULL, CB_OPT_SEQUENTIAL_ORDER }, CB_CLI_MODELS },
    { { "timeout", REQ, NULL, CB_OPT_TIMEOUT }, BOTH },
    { { "quick", NO, NULL, CB_OPT_QUICK }, CB_CLI_MICRO },
    { { "output", REQ, NULL, CB_OPT_OUTPUT }, BOTH },
    { { "raw", NO, NULL, CB_OPT_RAW }, BOTH },
    { { "start", REQ, NULL, CB_OPT_START }, CB_CLI_MODELS },
    { { "channel", REQ, NULL, CB_OPT_CHANNEL }, CB_CLI_MODELS },
    { { "quiet", NO, NULL, CB_OPT_QUIET }, BOTH },
    { { "help", NO, NULL, CB_OPT_HELP }, BOTH },
    { { "version", NO, NULL, CB_OPT_VERSION }, BOTH },
    { { "model-info", NO, NULL, CB_OPT_MODEL_INFO }, CB_CLI_MODELS },
    { { "bind", REQ, NULL, CB_OPT_BIND }, BOTH },
    { { "topology", REQ, NULL, CB_OPT_TOPOLOGY }, CB_CLI_MODELS },
    { { "topology-xml", REQ, NULL, CB_OPT_TOPOLOGY_XML }, CB_CLI_MODELS },
    { { "plan", NO, NULL, CB_OPT_PLAN }, CB_CLI_MODELS },
    { { "json", NO, NULL, CB_OPT_JSON }, CB_CLI_MODELS },
    { { "wait", REQ, NULL, CB_OPT_WAIT }, CB_CLI_MODELS },
    { { "foreign-topology", NO, NULL, CB_OPT_FOREIGN_TOPOLOGY }, CB_CLI_MODELS },
};
#define NENTRY (sizeof table / sizeof table[0])

static const char *prog = "bench";
static struct option chosen[NENTRY + 1];
static char shorts[2 + 2 * NENTRY + 1];

void cb_cli_begin(const char *name, unsigned who, const struct option **longopts,
                  const char **shortopts)
{
    prog = name;
    size_t n = 0, s = 0;
    shorts[s++] = ':'; /* a missing value is ':', told apart from an unknown option */
    for (size_t i = 0; i < NENTRY; i++) {
        if (!(table[i].who & who))
            continue;
        chosen[n++] = table[i].opt;
        int code = table[i].opt.val;
        if (code < 128) {
            shorts[s++] = (char)code;
            if (table[i].opt.has_arg == required_argument)
                shorts[s++] = ':';
        }
    }
    memset(&chosen[n], 0, sizeof chosen[n]);
    shorts[s] = '\0';
    opterr = 0;
    *longopts = chosen;
    *shortopts = shorts;
}

int cb_cli_usage(const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cb_clean_line(msg); /* one line, whatever the arguments it quotes hold */
    fprintf(stderr, "%s: %s (see --help)\n", prog, msg);
    return CB_EXIT_USAGE;
}

int cb_cli_common(int code, const char *arg, char **argv, struct cb_cli_common *c)
{
    uint64_t v;
    switch (code) {
    case CB_OPT_REPS:
        if (cb_parse_u64(arg, &v) < 0 || v == 0 || v > CB_MAX_REPS)
            return cb_cli_usage("--reps '%s': not a count from 1 to %d", arg, CB_MAX_REPS);
        *c->reps = (int)v;
        return 0;
    case CB_OPT_WARMUP:
        if (cb_parse_u64(arg, &v) < 0 || v == 0 || v > CB_MAX_REPS)
            return cb_cli_usage("--warmup '%s': not a count from 1 to %d (at least one "
                                "warm-up repetition is discarded)", arg, CB_MAX_REPS);
        *c->warmup = (int)v;
        return 0;
    case CB_OPT_SEED:
        if (cb_parse_u64(arg, &v) < 0)
            return cb_cli_usage("--seed '%s': not an unsigned integer", arg);
        *c->seed = v;
        return 0;
    case CB_OPT_TIMEOUT:
        if (cb_parse_seconds(arg, c->timeout) < 0)
            return cb_cli_usage("--timeout '%s': not a positive number of seconds", arg);
        return 0;
    case CB_OPT_OUTPUT:
        *c->output = arg;
        return 0;
    case CB_OPT_RAW:
        *c->raw = 1;
        return 0;
    case CB_OPT_QUIET:
        *c->quiet = 1;
        return 0;
    case CB_OPT_BIND: {
        /* the policies' names and parser (bind.c): one table of policies */
        enum cb_bind b;
        if (cb_bind_parse(arg, &b) < 0)
            return cb_cli_usage("--bind '%s': unknown policy (none, compact, cores, scatter)",
                                arg);
        *c->bind = b;
        return 0;
    }
    case CB_OPT_VERSION:
        cb_cli_version();
        return -1;
    case ':':
        return cb_cli_usage("option '%s' needs a value", argv[optind - 1]);
    case '?':
        if (optopt)
            return cb_cli_usage("unknown option '-%c'", optopt);
        return cb_cli_usage("unknown option '%s'", argv[optind - 1]);
    default:
        return 1;
    }
}

int cb_cli_parse(int argc, char **argv, const char *name, unsigned who, struct cb_cli_common *c,
                 int (*own)(int code, const char *arg, void *ctx), void *ctx)
{
    const struct option *longopts;
    const char *shortopts;
    cb_cli_begin(name, who, &longopts, &shortopts);
    int code, rc;
    while ((code = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        if ((rc = cb_cli_common(code, optarg, argv, c)) == 1)
            rc = own(code, optarg, ctx);
        if (rc != 0)
            return rc;
    }
    if (optind < argc)
        return cb_cli_usage("unexpected argument '%s'", argv[optind]);
    return 0;
}

void cb_cli_version(void)
{
    printf("%s (concurrency-bench) %s, commit %s\nbuild: %s\ncompiler: %s\n", prog, CB_VERSION,
           CB_GIT_COMMIT, CB_BUILD_FLAGS, CB_COMPILER);
}
