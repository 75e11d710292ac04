/*
 * warnings.c - see warnings.h.
 */
#include "warnings.h"

#include "noise.h"
#include "output.h"

#include <math.h>
#include <string.h>

const struct cb_warning cb_warnings[] = {
    { "oversubscribed", NAN, "more workers than PUs" },
    { "quota", NAN, "more workers than the cgroup's CPU quota" },
    { "loaded", CB_LOADED_PU, "other processes used more than this share of a PU over the "
                              "configuration (and at least 50 ms in all)" },
    { "noisy", CB_NOISY_CV, "coefficient of variation of the samples above this" },
    { "outliers", NAN, "samples outside Tukey's fences (1.5 IQR)" },
    { "short", CB_SHORT_S, "a sample shorter than this many seconds" },
    { "no-ci", NAN, "too few samples (5 or fewer) for a confidence interval of the median" },
    { "unverified", NAN, "a result did not match the sequential reference" },
    { "binding-moved", NAN, "a worker ran off its planned PU" },
};
const size_t cb_nwarnings = sizeof cb_warnings / sizeof cb_warnings[0];

void cb_warn_add(char *buf, size_t len, const char *name)
{
    size_t wl = strlen(name);
    for (const char *p = buf; *p;) {
        const char *end = strchr(p, ';');
        size_t l = end ? (size_t)(end - p) : strlen(p);
        if (l == wl && strncmp(p, name, wl) == 0)
            return;
        p += l + (end ? 1 : 0);
    }
    size_t used = strlen(buf);
    if (used + (used ? 1 : 0) + wl >= len)
        return;
    snprintf(buf + used, len - used, "%s%s", used ? ";" : "", name);
}

void cb_warn_samples(char *buf, size_t len, double cv, size_t outliers, double sample_s,
                     int ci_valid)
{
    if (cv > CB_NOISY_CV)
        cb_warn_add(buf, len, "noisy");
    if (outliers)
        cb_warn_add(buf, len, "outliers");
    if (sample_s < CB_SHORT_S)
        cb_warn_add(buf, len, "short");
    if (!ci_valid)
        cb_warn_add(buf, len, "no-ci");
}

void cb_warnings_json(FILE *f, const char *indent, int more)
{
    fprintf(f, "%s\"warnings\": [\n", indent);
    for (size_t i = 0; i < cb_nwarnings; i++) {
        const struct cb_warning *w = &cb_warnings[i];
        fprintf(f, "%s  {\"name\": ", indent);
        cb_json_str(f, w->name);
        if (isnan(w->threshold))
            fprintf(f, ", \"threshold\": null, \"rule\": ");
        else
            fprintf(f, ", \"threshold\": %g, \"rule\": ", w->threshold);
        cb_json_str(f, w->rule);
        fprintf(f, "}%s\n", i + 1 < cb_nwarnings ? "," : "");
    }
    fprintf(f, "%s]%s\n", indent, more ? "," : "");
}
