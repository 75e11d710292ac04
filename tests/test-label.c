/*
 * test-label.c - machine labels from synthetic CPU identities (issue 18): two EPYC
 * generations behind the same brand "AMD EPYC", two Xeons with one brand string but another
 * model, stepping or feature set, get different labels; the same identity always the same
 * one; odd brand strings (empty, all symbols, very long, not ASCII) still give a valid label.
 * Also this machine's label, twice.
 */
#include "check.h"
#include "context.h"

#include <regex.h>
#include <stdio.h>
#include <string.h>

static struct cb_cpu_identity epyc(int ext_model, const char *features)
{
    struct cb_cpu_identity id;
    memset(&id, 0, sizeof id);
    snprintf(id.vendor, sizeof id.vendor, "AuthenticAMD");
    snprintf(id.brand, sizeof id.brand, "AMD EPYC");
    id.family = 15, id.model = ext_model & 15, id.stepping = 1;
    id.ext_family = 25, id.ext_model = ext_model;
    id.l1d_kib = 32, id.l2_kib = 512, id.l3_kib = 32768;
    snprintf(id.features, sizeof id.features, "%s", features);
    id.cores = 2, id.pus = 2;
    return id;
}

static struct cb_cpu_identity xeon(int ext_model, int stepping, const char *features)
{
    struct cb_cpu_identity id;
    memset(&id, 0, sizeof id);
    snprintf(id.vendor, sizeof id.vendor, "GenuineIntel");
    snprintf(id.brand, sizeof id.brand, "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz");
    id.family = 6, id.model = ext_model & 15, id.stepping = stepping;
    id.ext_family = 6, id.ext_model = ext_model;
    id.l1d_kib = 48, id.l2_kib = 1280, id.l3_kib = 55296;
    snprintf(id.features, sizeof id.features, "%s", features);
    id.cores = 2, id.pus = 4;
    return id;
}

static regex_t valid;

/* a label: [a-z0-9] words joined by single '-', ending -<cores>c<pus>t-<6 hex>, <= 63 chars */
static void check_valid(const struct cb_cpu_identity *id, const char *what)
{
    char a[CB_LABEL_MAX], b[CB_LABEL_MAX];
    cb_label_from_identity(id, a, sizeof a);
    cb_label_from_identity(id, b, sizeof b);
    int ok = regexec(&valid, a, 0, NULL, 0) == 0 && strlen(a) <= 63 && strcmp(a, b) == 0;
    CHECK(ok);
    if (!ok)
        fprintf(stderr, "  %s: label '%s' (again: '%s')\n", what, a, b);
}

static int differ(const struct cb_cpu_identity *x, const struct cb_cpu_identity *y)
{
    char a[CB_LABEL_MAX], b[CB_LABEL_MAX];
    cb_label_from_identity(x, a, sizeof a);
    cb_label_from_identity(y, b, sizeof b);
    if (strcmp(a, b) == 0)
        fprintf(stderr, "  both labelled '%s'\n", a);
    return strcmp(a, b) != 0;
}

static int same(const struct cb_cpu_identity *x, const struct cb_cpu_identity *y)
{
    char a[CB_LABEL_MAX], b[CB_LABEL_MAX];
    cb_label_from_identity(x, a, sizeof a);
    cb_label_from_identity(y, b, sizeof b);
    if (strcmp(a, b) != 0)
        fprintf(stderr, "  '%s' and '%s'\n", a, b);
    return strcmp(a, b) == 0;
}

static void starts(const struct cb_cpu_identity *id, const char *prefix)
{
    char a[CB_LABEL_MAX];
    cb_label_from_identity(id, a, sizeof a);
    int ok = strncmp(a, prefix, strlen(prefix)) == 0;
    CHECK(ok);
    if (!ok)
        fprintf(stderr, "  '%s' does not start with '%s'\n", a, prefix);
}

int main(void)
{
    CHECK(regcomp(&valid, "^[a-z0-9]+(-[a-z0-9]+)*-[0-9]+c[0-9]+t-[0-9a-f]{6}$",
                  REG_EXTENDED | REG_NOSUB) == 0);

    /* two EPYC generations behind one brand: Milan (25/1, no AVX-512), Genoa (25/17) */
    struct cb_cpu_identity milan = epyc(1, "sse4_2,avx,fma3,avx2"),
                           genoa = epyc(17, "sse4_2,avx,fma3,avx2,avx512f");
    CHECK(differ(&milan, &genoa));
    struct cb_cpu_identity genoa_noavx512 = epyc(17, "sse4_2,avx,fma3,avx2");
    CHECK(differ(&milan, &genoa_noavx512)); /* the model alone */
    starts(&milan, "amd-epyc-2c2t-");
    starts(&genoa, "amd-epyc-2c2t-");
    check_valid(&milan, "milan");
    check_valid(&genoa, "genoa");

    /* two Xeons with one brand string: another model, stepping, feature set or cache */
    struct cb_cpu_identity ice = xeon(106, 6, "avx,avx2,avx512f,avx512vl"),
                           ice_s7 = xeon(106, 7, "avx,avx2,avx512f,avx512vl"),
                           spr = xeon(143, 6, "avx,avx2,avx512f,avx512vl"),
                           ice_noavx512 = xeon(106, 6, "avx,avx2");
    CHECK(differ(&ice, &ice_s7));
    CHECK(differ(&ice, &spr));
    CHECK(differ(&ice, &ice_noavx512));
    struct cb_cpu_identity ice_l3 = ice;
    ice_l3.l3_kib = 49152;
    CHECK(differ(&ice, &ice_l3));
    struct cb_cpu_identity ice_fam = ice;
    ice_fam.ext_family = 7;
    CHECK(differ(&ice, &ice_fam));
    struct cb_cpu_identity ice_vendor = ice;
    snprintf(ice_vendor.vendor, sizeof ice_vendor.vendor, "GenuineIotel");
    CHECK(differ(&ice, &ice_vendor));
    starts(&ice, "intel-xeon-platinum-8375c-2c4t-");
    /* another machine of the same kind with other cores: other label, same hash */
    struct cb_cpu_identity ice8 = ice;
    ice8.cores = 8, ice8.pus = 16;
    CHECK(differ(&ice, &ice8));
    CHECK_EQ_U64(cb_cpu_identity_hash(&ice), cb_cpu_identity_hash(&ice8));
    starts(&ice8, "intel-xeon-platinum-8375c-8c16t-");

    /* the same identity twice (a copy, the brand padded as CPUs pad it): the same label */
    struct cb_cpu_identity again = epyc(1, "sse4_2,avx,fma3,avx2");
    CHECK(same(&milan, &again));
    snprintf(again.brand, sizeof again.brand, "AMD EPYC            ");
    CHECK(same(&milan, &again));
    /* the canonical text is fixed: a change here relabels every machine */
    char fixed[CB_LABEL_MAX];
    cb_label_from_identity(&milan, fixed, sizeof fixed);
    CHECK(strcmp(fixed, "amd-epyc-2c2t-ac58e2") == 0);
    if (strcmp(fixed, "amd-epyc-2c2t-ac58e2") != 0)
        fprintf(stderr, "  milan: %s\n", fixed);

    /* readable words: marks, filler, the clock and "N-Core" left out; the vendor first */
    struct cb_cpu_identity w = milan;
    snprintf(w.brand, sizeof w.brand, "AMD EPYC 7B13 64-Core Processor");
    starts(&w, "amd-epyc-7b13-2c2t-");
    snprintf(w.brand, sizeof w.brand, "Oxide Virtual Turin-like Processor             ");
    starts(&w, "amd-oxide-virtual-turin-like-2c2t-");
    check_valid(&w, "turin-like");

    /* odd brands: still a valid label */
    const char *odd[] = { "", "   ", "!!!@@@###$$$", "(R)(TM)(R)", "@ 3.0GHz", "---",
                          "\xff\xfe\x80 \xc3\xa9t\xc3\xa9", "A", "cpu processor with graphics",
                          "Supercalifragilisticexpialidocious-Hyperthreaded-Accelerator-9000X",
                          NULL };
    for (int i = 0; odd[i]; i++) {
        struct cb_cpu_identity o = milan;
        snprintf(o.brand, sizeof o.brand, "%s", odd[i]);
        check_valid(&o, odd[i]);
        memset(o.vendor, 0, sizeof o.vendor);
        check_valid(&o, odd[i]);
        snprintf(o.vendor, sizeof o.vendor, "%s", odd[i]);
        check_valid(&o, odd[i]);
    }
    struct cb_cpu_identity longest = milan;
    memset(longest.brand, 'x', sizeof longest.brand - 1);
    longest.brand[sizeof longest.brand - 1] = '\0';
    check_valid(&longest, "127 x");
    for (size_t i = 0; i + 1 < sizeof longest.brand; i += 4)
        memcpy(longest.brand + i, i % 8 ? "abc " : "9Zq-", 4);
    check_valid(&longest, "many words");
    struct cb_cpu_identity none; /* libcpuid could not answer */
    memset(&none, 0, sizeof none);
    none.cores = 1, none.pus = 1;
    check_valid(&none, "nothing known");
    starts(&none, "cpu-1c1t-");
    none.cores = -1, none.pus = 0;
    check_valid(&none, "no topology");
    char tiny[8];
    cb_label_from_identity(&milan, tiny, sizeof tiny); /* a short buffer: cut, terminated */
    CHECK(strlen(tiny) == 7);

    /* this machine: the same label every time, a valid one */
    struct cb_topo topo;
    char err[256];
    if (cb_topo_load(&topo, NULL, NULL, err, sizeof err) == 0) {
        char a[CB_LABEL_MAX], b[CB_LABEL_MAX];
        cb_machine_label(&topo, a, sizeof a);
        cb_machine_label(&topo, b, sizeof b);
        CHECK(strcmp(a, b) == 0);
        CHECK(regexec(&valid, a, 0, NULL, 0) == 0);
        printf("this machine: %s\n", a);
        cb_topo_destroy(&topo);
    }
    regfree(&valid);
    return check_status("label");
}
