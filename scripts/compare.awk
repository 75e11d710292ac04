# compare.awk - overlay several results folders (machines): per kernel, every series'
# speedup and median time on every machine in one chart (run with plotlib.awk; driven by
# compare.sh, which passes the summary.csv files in machine order). Colour follows the
# series (model), dash and point type follow the machine. Nothing here names a model.
#
# -v tmp, outdir, outputs (as plot.awk); xmode=workers|cores; and per machine, separated
# by tabs: names, descs; by spaces: cores, pus. Prints the CI-overlap lines of machines
# 2.. against machine 1 to tmp/overlap.txt; warnings about differing kernels or sizes on
# stderr.

BEGIN {
    FS = ","; script = tmp "/charts.gp"
    nm = split(names, mname, "\t"); split(descs, mdesc, "\t")
    split(cores, mcores, " "); split(pus, mpus, " ")
    nk = 0; ns = 0
}

FNR == 1 {
    read_header("kernel size size_name model series workers n median_s ci_low_s ci_high_s " \
                "speedup speedup_lo speedup_hi verified resamples")
    next
}

{
    m = ARGIND
    rows[m]++
    kn = v("kernel")
    if (!(kn in kidx)) { kidx[kn] = ++nk; kname[nk] = kn }
    k = kidx[kn]
    has[k, m] = 1
    if (!index(" " ksizes[k, m] " ", " " v("size") " ")) ksizes[k, m] = ksizes[k, m] (ksizes[k, m] == "" ? "" : " ") v("size")
    ksname[k] = v("size_name")
    resamples = v("resamples")
    p = v("workers") + 0
    x = xmode == "cores" ? p / mcores[m] : p
    if (x > xmax[k]) xmax[k] = x
    if (p > pmax[k]) pmax[k] = p
    if (!((k, p) in has_p)) { has_p[k, p] = 1; plist[k] = plist[k] " " p }
    lo = v("ci_low_s"); hi = v("ci_high_s")
    # the overlap of the median CIs, point by point (same kernel, size, series, p)
    if (lo != "" && hi != "") {
        key = kn SUBSEP v("size") SUBSEP v("series") SUBSEP p
        cilo[m, key] = lo; cihi[m, key] = hi; keys[key] = 1
    }
    tlo = lo == "" ? v("median_s") : lo; thi = hi == "" ? v("median_s") : hi
    if (!(k in tmin) || tlo + 0 < tmin[k]) tmin[k] = tlo + 0
    if (thi + 0 > tmax[k]) tmax[k] = thi + 0
    if (v("verified") != "yes") bad[k]++
    if (v("model") == "seq") { tseq[k, m] = v("median_s"); next }
    s = v("series")
    if (!(s in seen)) { seen[s] = ++ns; series[ns] = s }
    kser[k, s] = 1
    file = tmp "/c-" k "-" m "-" seen[s] ".dat"
    dfile[k, m, s] = file
    print x, d("speedup"), d("speedup_lo"), d("speedup_hi"), v("median_s"), tlo, thi > file
}

END {
    if (failed) exit 2
    for (m = 1; m <= nm; m++)
        if (!(m in rows)) { print ARGV[m] ": no rows" > "/dev/stderr"; exit 2 }
    n = asort(series, sorted)
    for (i = 1; i <= n; i++) rank[sorted[i]] = i
    # what the folders do not share: said, not silently merged
    for (k = 1; k <= nk; k++) {
        for (m = 1; m <= nm; m++)
            if (!((k, m) in has))
                printf "compare.sh: warning: kernel %s is missing from %s\n", kname[k], mname[m] > "/dev/stderr"
        first = ""
        for (m = 1; m <= nm; m++) {
            if (!((k, m) in has)) continue
            if (first == "") { first = m; continue }
            if (ksizes[k, m] != ksizes[k, first])
                printf "compare.sh: warning: kernel %s has size %s on %s but %s on %s: times are not comparable\n",
                       kname[k], ksizes[k, m], mname[m], ksizes[k, first], mname[first] > "/dev/stderr"
        }
    }
    for (m = 2; m <= nm; m++) {
        common = 0; overlap = 0
        for (key in keys)
            if (((1, key) in cilo) && ((m, key) in cilo)) {
                common++
                if (cilo[1, key] + 0 <= cihi[m, key] + 0 && cilo[m, key] + 0 <= cihi[1, key] + 0) overlap++
            }
        if (common)
            printf "%s vs %s: the median 95%% CIs overlap for %d of %d common points (%.1f%%)\n",
                   mname[1], mname[m], overlap, common, 100 * overlap / common > (tmp "/overlap.txt")
        else
            printf "%s vs %s: no common points with a CI (same kernel, size, model and p) to compare\n",
                   mname[1], mname[m] > (tmp "/overlap.txt")
    }
    close(tmp "/overlap.txt")

    for (k = 1; k <= nk; k++) {
        xr = xmode == "cores" ? xmax[k] * 1.06 + 0.05 : pmax[k] + 0.5
        xl = xmode == "cores" ? 0 : 0.5
        step = 0.008 * (xr < 16 ? xr : 16)
        np = split(substr(plist[k], 2), pl, " ")
        asort(pl, pls, "@val_num_asc")
        tics = ""
        for (i = 1; i <= np; i++) tics = tics (i > 1 ? ", " : "") pls[i]
        m_in = 0
        for (m = 1; m <= nm; m++) if ((k, m) in has) m_in++
        for (c = 1; c <= 2; c++) {
            kind = c == 1 ? "speedup" : "time"
            body = tmp "/body-" kind "-" k ".gp"
            body_preamble(body)
            # the machines, one line each, left-aligned above the graph (a centred title
            # of long lines would run off the page)
            print "set tmargin " (3 + 1.3 * m_in) > body
            printf "set label 90 %s at screen 0.01, screen 0.975 left font ',14'\n",
                   q(kname[k] (kind == "speedup" ? ": speedup over each machine's own sequential program" \
                                                 : ": median wall time on each machine")) > body
            line = 0
            for (m = 1; m <= nm; m++)
                if ((k, m) in has)
                    printf "set label %d %s at screen 0.01, screen %g left font ',11.5'\n", 90 + m,
                           q(sprintf("%s: %s, %s = %s", mname[m], mdesc[m], ksname[k], ksizes[k, m])),
                           0.975 - 0.032 * ++line > body
            cap = kind == "speedup" ? "Points: median speedups over bench-seq on the same machine; bars: 95% bootstrap intervals (" resamples " resamples)." \
                                    : "Points: median times; bars: 95% CIs of the median (order statistics). Black lines: bench-seq of each machine, dashed as the machine."
            cap2 = "Colour: model; line and point style: machine; vertical lines: physical cores. A speedup alone does not compare machines: read it with the times."
            cap3 = (xmode == "cores" ? "x = p / physical cores (1 = all cores); grey: ideal S = p per machine. " : "") \
                   "Shaded: p > a machine's PUs (darker where several overlap)." \
                   (bad[k] ? sprintf(" %d point(s) NOT verified.", bad[k]) : " Every point verified.")
            print "set label 101 " q(cap) " at screen 0.01, screen 0.085 left font ',10.5'" > body
            print "set label 102 " q(cap2) " at screen 0.01, screen 0.052 left font ',10.5'" > body
            print "set label 103 " q(cap3) " at screen 0.01, screen 0.019 left font ',10.5'" > body
            print "set xlabel " q(xmode == "cores" ? "workers p / physical cores of the machine" : "workers p") > body
            print "set ylabel " q(kind == "speedup" ? "speedup S(p) = T_seq / T(p)" : "median wall time per run (log scale)") > body
            printf "set xrange [%g:%g]\n", xl, xr > body
            if (xmode != "cores" && np <= 16) print "set xtics (" tics ")" > body
            if (kind == "time") {
                ylo = tmin[k] / 1.3; yhi = tmax[k] * 1.3
                printf "set logscale y 10\nset yrange [%g:%g]\n", ylo, yhi > body
                print "set ytics (" log_tics(ylo, yhi) ")" > body
            } else {
                print "set yrange [0:*]" > body
            }
            # The key has one entry per model (its colour) and one per machine (its line and
            # point style); the data lines themselves have no entry of their own.
            obj = 0
            lines = ""
            key = (kind == "speedup" && xmode != "cores") ? ", \\\n  x title 'ideal: S = p' with lines dt 3 lw 2 lc rgb '#888888'" : ""
            for (m = 1; m <= nm; m++) {
                if (!((k, m) in has)) continue
                lim = xmode == "cores" ? mpus[m] / mcores[m] : mpus[m]
                edge = xmode == "cores" ? lim + 0.5 / mcores[m] : lim + 0.5
                if (edge < xr)
                    printf "set object %d rect from first %g, graph 0 to graph 1, graph 1 behind fc rgb '#f4a582' fs transparent solid 0.22 noborder\n",
                           ++obj, edge > body
                cx = xmode == "cores" ? 1 : mcores[m]
                printf "set arrow %d from first %g, graph 0 to first %g, graph 1 nohead dt %d lw 1.5 lc rgb '#555555' back\n",
                       m, cx, cx, dash_type(m) > body
                key = key sprintf(", \\\n  NaN title %s with linespoints dt %d lw 2 pt %d ps 1.3 lc rgb '#404040'",
                                  q(mname[m]), dash_type(m), point_type(m))
                # ideal: S = p; on a cores axis p = x * cores differs per machine
                if (kind == "speedup") {
                    if (xmode == "cores")
                        lines = lines sprintf(", \\\n  %s*x notitle with lines dt %d lw 1.5 lc rgb '#aaaaaa'", mcores[m], dash_type(m))
                } else if ((k, m) in tseq)
                    lines = lines sprintf(", \\\n  %s notitle with lines dt %d lw 2 lc rgb '#000000'", tseq[k, m], dash_type(m))
            }
            ycol = kind == "speedup" ? "2:3:4" : "5:6:7"
            for (i = 1; i <= n; i++) {
                s = sorted[i]
                if (!((k, s) in kser)) continue
                key = key sprintf(", \\\n  NaN title %s with lines lw 4 lc rgb '%s'", q(s), colour(rank[s]))
                for (m = 1; m <= nm; m++) {
                    if (!((k, m, s) in dfile)) continue
                    lines = lines sprintf(", \\\n  %s using ($1%+g):%s notitle with yerrorlines dt %d lw 2 pt %d ps 1.3 lc rgb '%s'",
                                          q(dfile[k, m, s]), (m - (nm + 1) / 2) * step * 2, ycol, dash_type(m),
                                          point_type(m), colour(rank[s]))
                }
            }
            print "plot NaN notitle" key lines > body
            close(body)
            emit_chart(script, body, outdir, "compare-" kind "-" kname[k])
        }
    }
    close(script)
    close(outputs)
}
