#!/usr/bin/env bash
# micro-tables.sh RESULTS_DIR [--factor] - the micro-benchmarks' headline figures as
# Markdown tables (the README's section comes from them), read from what scripts/micro.sh
# wrote: every figure a median with its 95% CI as [low, high].
#   --factor   instead, the yardstick comparison as CSV: for thread create+join, fork+wait
#              and spawn+wait, the minimal C loop (median of its batch means, with the CI of
#              that median) against bench-overhead at p = 1, their ratio, and whether it is
#              within a factor of two
# Exit status: 0, 2 (bad input: one line on stderr).
set -euo pipefail
die() { echo "micro-tables.sh: $*" >&2; exit 2; }
dir="" factor=0
while [ $# -gt 0 ]; do
    case $1 in
        --factor) factor=1 ;;
        -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) die "unknown option '$1' (see --help)" ;;
        *) [ -z "$dir" ] || die "unexpected argument '$1'"; dir=$1 ;;
    esac
    shift
done
[ -n "$dir" ] && [ -d "$dir" ] || die "no results folder given, or no such folder (see --help)"
. "$(dirname "$0")/micro-lib.bash"
micro_check_dir "$dir"

# The yardstick: minimal.csv's batch means per op (median, CI of the median by order
# statistics as stats.h computes it) against overhead.csv's p = 1 rows.
yardstick() {
    gawk -F, '
        function ranks(n) { r = 1.96 * sqrt(n); lo = int((n - r) / 2); if (lo < 1) lo = 1
                            hi = 1 + (n + r) / 2; hi = hi == int(hi) ? hi : int(hi) + 1; if (hi > n) hi = n }
        FNR == 1 { for (i = 1; i <= NF; i++) c[FILENAME, $i] = i; next }
        FILENAME ~ /minimal.csv$/ { v[$1][++nv[$1]] = $4; next }
        $c[FILENAME, "row"] == "summary" && $c[FILENAME, "workers"] == 1 {
            k = $c[FILENAME, "construct"]
            bm[k] = $c[FILENAME, "median"]; bl[k] = $c[FILENAME, "ci_low"]; bh[k] = $c[FILENAME, "ci_high"]
        }
        END {
            print "op,minimal_median_us,minimal_ci_low_us,minimal_ci_high_us,minimal_batches,bench_median_us,bench_ci_low_us,bench_ci_high_us,factor,within_2x"
            split("thread fork spawn", ops, " ")
            for (o = 1; o <= 3; o++) {
                op = ops[o]
                if (!(op in nv) || !(op in bm)) continue
                n = asort(v[op], s)
                med = n % 2 ? s[(n + 1) / 2] : (s[n / 2] + s[n / 2 + 1]) / 2
                ranks(n)
                f = bm[op] / med
                printf "%s,%.3f,%.3f,%.3f,%d,%s,%s,%s,%.3f,%s\n", op, med, s[lo], s[hi], n, bm[op], bl[op], bh[op], f,
                       (f >= 0.5 && f <= 2) ? "yes" : "no"
            }
        }' "$dir/minimal.csv" "$dir/overhead.csv"
}

if [ $factor = 1 ]; then
    [ -s "$dir/minimal.csv" ] && [ -s "$dir/overhead.csv" ] || die "$dir: no minimal.csv and overhead.csv"
    yardstick
    exit 0
fi

# cell: "median [lo, hi]" with 3 significant digits; "within noise" costs say so
cells='function g(x) { return x == "" ? "?" : sprintf("%.3g", x) }
       function cell(m, lo, hi, verdict,    s) {
           s = g(m) " [" g(lo) ", " g(hi) "]"
           return verdict == "within noise" ? s " (within noise)" : s }'

if [ -s "$dir/minimal.csv" ] && [ -s "$dir/overhead.csv" ]; then
    echo "### Creating a worker: the suite against a minimal C loop (us per worker, p = 1)"
    echo
    echo "| operation | minimal C loop here | bench-overhead | ratio | PLATFORM.md, this machine family |"
    echo "|---|---|---|---|---|"
    yardstick | gawk -F, -v OFS=" | " "$cells"'
        NR == 1 { next }
        { pub = $1 == "thread" ? "17-25" : $1 == "fork" ? "104-122" : "263-296"
          name = $1 == "thread" ? "pthread_create + join" : $1 == "fork" ? "fork + _exit + waitpid" : "posix_spawn(/bin/true) + waitpid"
          print "| " name, cell($2, $3, $4), cell($6, $7, $8), sprintf("%.2f (%s)", $9, $10 == "yes" ? "within 2x" : "NOT within 2x"), pub " |" }'
    echo
fi

if [ -s "$dir/overhead.csv" ]; then
    echo "### Creation and dispatch (median [95% CI], calibrated work subtracted)"
    echo
    gawk -F, "$cells"'
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["row"] != "summary" { next }
        {
            k = $c["construct"]; p = $c["workers"] + 0
            if (!(k in seen)) { seen[k] = 1; order[++nk] = k; unit[k] = $c["unit"]; metric[k] = $c["metric"] }
            if (!(p in ps)) { ps[p] = 1; plist[++np] = p }
            v[k, p] = cell($c["median"], $c["ci_low"], $c["ci_high"], $c["verdict"])
        }
        END {
            n = asort(plist)
            printf "| construct | what | unit |"; for (i = 1; i <= n; i++) printf " p = %d |", plist[i]; print ""
            printf "|---|---|---|"; for (i = 1; i <= n; i++) printf "---|"; print ""
            for (j = 1; j <= nk; j++) {
                k = order[j]; printf "| %s | %s | %s |", k, metric[k], unit[k]
                for (i = 1; i <= n; i++) printf " %s |", ((k, plist[i]) in v) ? v[k, plist[i]] : ""
                print ""
            }
        }' "$dir/overhead.csv"
    echo
fi

if [ -s "$dir/ipc.csv" ]; then
    echo "### Channels: round trip (us) and one-way bandwidth (MiB/s), median [95% CI]"
    echo
    gawk -F, "$cells"'
        function human(s) { return s >= 1048576 ? (s / 1048576) " MiB" : s >= 1024 ? (s / 1024) " KiB" : s " B" }
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["row"] != "summary" { next }
        {
            k = $c["construct"] " | " $c["between"]; s = $c["size"] + 0; m = $c["metric"]
            if (!(k in seen)) { seen[k] = 1; order[++nk] = k }
            if (!(s in ss)) { ss[s] = 1; slist[++ns] = s }
            v[k, m, s] = cell($c["median"], $c["ci_low"], $c["ci_high"], "")
        }
        END {
            n = asort(slist)
            printf "| channel | between |"
            for (i = 1; i <= n; i++) printf " round trip %s |", human(slist[i])
            for (i = 1; i <= n; i++) printf " bandwidth %s |", human(slist[i])
            print ""; printf "|---|---|"; for (i = 1; i <= 2 * n; i++) printf "---|"; print ""
            for (j = 1; j <= nk; j++) {
                k = order[j]; printf "| %s |", k
                for (i = 1; i <= n; i++) printf " %s |", v[k, "round-trip", slist[i]]
                for (i = 1; i <= n; i++) printf " %s |", v[k, "bandwidth", slist[i]]
                print ""
            }
        }' "$dir/ipc.csv"
    echo
fi

if [ -s "$dir/sync.csv" ]; then
    echo "### Synchronisation: one operation alone (ns, empty loop subtracted) and p workers on one object (million operations/s, all workers)"
    echo
    gawk -F, "$cells"'
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["row"] != "summary" { next }
        {
            k = $c["construct"]; b = $c["between"]; p = $c["workers"] + 0
            if (!(k in seen)) { seen[k] = 1; order[++nk] = k }
            x = cell($c["median"], $c["ci_low"], $c["ci_high"], $c["verdict"])
            if ($c["metric"] == "uncontended") solo[k, b] = x
            else { cont[k, b, p] = x; if (!(p in ps)) { ps[p] = 1; plist[++np] = p } }
        }
        END {
            n = asort(plist)
            printf "| primitive | alone, threads (ns) | alone, process-shared (ns) |"
            for (i = 1; i <= n; i++) printf " threads p = %d |", plist[i]
            for (i = 1; i <= n; i++) printf " processes p = %d |", plist[i]
            print ""; printf "|---|---|---|"; for (i = 1; i <= 2 * n; i++) printf "---|"; print ""
            for (j = 1; j <= nk; j++) {
                k = order[j]; printf "| %s | %s | %s |", k, solo[k, "threads"], solo[k, "processes"]
                for (i = 1; i <= n; i++) printf " %s |", cont[k, "threads", plist[i]]
                for (i = 1; i <= n; i++) printf " %s |", cont[k, "processes", plist[i]]
                print ""
            }
        }' "$dir/sync.csv"
    echo
fi

if [ -s "$dir/memory.csv" ]; then
    echo "### Memory of the program and its workers (MiB, summed over the processes; median [95% CI])"
    echo
    gawk -F, "$cells"'
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["row"] != "summary" { next }
        {
            k = $c["construct"] " | " $c["size"]; p = $c["workers"] + 0
            if (!(k in seen)) { seen[k] = 1; order[++nk] = k }
            if (!(p in ps)) { ps[p] = 1; plist[++np] = p }
            v[k, $c["metric"], p] = cell($c["median"], $c["ci_low"], $c["ci_high"], "")
        }
        END {
            n = asort(plist)
            printf "| workers | matmul n |"
            for (i = 1; i <= n; i++) printf " RSS p = %d | PSS p = %d |", plist[i], plist[i]
            print ""; printf "|---|---|"; for (i = 1; i <= 2 * n; i++) printf "---|"; print ""
            for (j = 1; j <= nk; j++) {
                k = order[j]; printf "| %s |", k
                for (i = 1; i <= n; i++) printf " %s | %s |", v[k, "rss", plist[i]], v[k, "pss", plist[i]]
                print ""
            }
        }' "$dir/memory.csv"
    echo
fi

if [ -s "$dir/breakeven.csv" ]; then
    echo "### Break-even sizes at p = all CPUs (speedup interval: seq ci_low / model ci_high to seq ci_high / model ci_low)"
    echo
    echo "| kernel | model | break-even size | swept | T_seq there (s) | T_model there (s) | speedup [interval] |"
    echo "|---|---|---|---|---|---|---|"
    gawk -F, 'NR == 1 { next } {
        swept = $5 " to " $6
        if ($4 == "") printf "| %s | %s | %s | %s | | | |\n", $1, $2, $12, swept
        else printf "| %s | %s | %s%s | %s | %.3g | %.3g | %.3g [%.3g, %.3g] |\n", $1, $2, $4,
                    $12 ~ /smallest/ ? " (or below: the smallest size swept)" : "", swept, $7, $8, $9, $10, $11
    }' "$dir/breakeven.csv"
    echo
fi
