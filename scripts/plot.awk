# plot.awk - turn one results folder's summary.csv into gnuplot data files and a gnuplot
# script (run with plotlib.awk; driven by plot.sh). Per kernel and size, three charts:
# speedup over bench-seq, efficiency, and median time (log scale), each with every series
# the summary holds: nothing here names a model, so a model added later appears by itself.
#
# -v tmp=DIR (data, bodies and the script go there), outdir=DIR (charts), outputs=FILE
# (temporary and final chart names), and the machine: label, brand, cores, pus, date.

BEGIN { FS = ","; script = tmp "/charts.gp"; nk = 0; ns = 0 }

FNR == 1 {
    read_header("kernel size size_name model series workers n runs median_s ci_low_s ci_high_s " \
                "speedup speedup_lo speedup_hi efficiency efficiency_lo efficiency_hi verified " \
                "seq_median_s seq_ci_low_s seq_ci_high_s resamples warnings")
    next
}

{
    kk = v("kernel") SUBSEP v("size")
    if (!(kk in kidx)) {
        kidx[kk] = ++nk
        kname[nk] = v("kernel"); ksize[nk] = v("size"); ksname[nk] = v("size_name")
        sizes_of[v("kernel")]++
    }
    k = kidx[kk]
    p = v("workers") + 0
    if (!((k, p) in has_p)) { has_p[k, p] = 1; plist[k] = plist[k] " " p }
    if (p > pmax[k]) pmax[k] = p
    nmin = v("n") + 0
    if (!(k in kn) || nmin < kn[k]) kn[k] = nmin
    if (v("runs") + 0 > kruns[k]) kruns[k] = v("runs") + 0
    resamples = v("resamples")
    if (v("verified") != "yes") bad[k]++
    if (v("warnings") ~ /(^|;)noisy(;|$)/) noisy[k]++
    npoints[k]++
    lo = v("ci_low_s") == "" ? v("median_s") : v("ci_low_s")
    hi = v("ci_high_s") == "" ? v("median_s") : v("ci_high_s")
    if (!(k in tmin) || lo + 0 < tmin[k]) tmin[k] = lo + 0
    if (hi + 0 > tmax[k]) tmax[k] = hi + 0
    if (v("model") == "seq") {
        tseq[k] = v("median_s"); tseq_lo[k] = v("ci_low_s"); tseq_hi[k] = v("ci_high_s")
        next
    }
    s = v("series")
    if (!(s in seen)) { seen[s] = ++ns; series[ns] = s }
    if (!((k, s) in kser)) { kser[k, s] = 1; kcount[k]++ }
    file = tmp "/d-" k "-" seen[s] ".dat"
    dfile[k, s] = file
    # workers, S, lo, hi, E, lo, hi, median, CI low, CI high (missing CI: the median)
    print p, d("speedup"), d("speedup_lo"), d("speedup_hi"), d("efficiency"),
          d("efficiency_lo"), d("efficiency_hi"), v("median_s"),
          v("ci_low_s") == "" ? v("median_s") : v("ci_low_s"),
          v("ci_high_s") == "" ? v("median_s") : v("ci_high_s") > file
    if (v("verified") != "yes")
        print p, d("speedup"), d("efficiency"), v("median_s") > (tmp "/bad-" k ".dat")
}

END {
    if (failed) exit 2
    if (nk == 0) { print FILENAME ": no rows" > "/dev/stderr"; exit 2 }
    # colours follow the sorted series names
    n = asort(series, sorted)
    for (i = 1; i <= n; i++) rank[sorted[i]] = i
    machine = sprintf("%s, %s physical cores, %s PUs (%s%s)", brand, cores, pus, label,
                      date == "" ? "" : ", " substr(date, 1, 10))
    for (k = 1; k <= nk; k++) {
        stem = sizes_of[kname[k]] > 1 ? kname[k] "-" ksize[k] : kname[k]
        what = sprintf("%s, %s = %s", kname[k], ksname[k], ksize[k])
        xmax = pmax[k] + 0.5
        # sideways offsets so error bars of neighbouring series do not hide each other
        step = 0.012 * (pmax[k] < 16 ? pmax[k] : 16)
        verdict = bad[k] ? sprintf("%d point(s) NOT verified (red crosses).", bad[k]) \
                         : "Every point verified against the sequential result."
        runs = kruns[k] > 1 ? sprintf(" (pooled over %d interleaved rounds)", kruns[k]) : ""
        base = tseq[k] == "" ? "No bench-seq baseline in this folder." \
             : sprintf("Base T_seq = %s, 95%% CI [%s, %s].", secs(tseq[k]), secs(tseq_lo[k]), secs(tseq_hi[k]))
        noise = noisy[k] ? sprintf(" %d of %d points noisy (CV > 3%%).", noisy[k], npoints[k]) : ""
        # the series of this kernel, in colour order
        m = 0
        for (i = 1; i <= n; i++) if ((k, sorted[i]) in kser) ks[++m] = sorted[i]
        # explicit tics at the measured worker counts when they are few
        np = split(substr(plist[k], 2), pl, " ")
        asort(pl, pls, "@val_num_asc")
        tics = ""
        for (i = 1; i <= np; i++) tics = tics (i > 1 ? ", " : "") pls[i]
        for (c = 1; c <= 3; c++) {
            kind = c == 1 ? "speedup" : c == 2 ? "efficiency" : "time"
            body = tmp "/body-" kind "-" k ".gp"
            body_preamble(body)
            if (kind == "speedup") {
                title = what ": speedup over the sequential program"
                ylab = "speedup S(p) = T_seq / T(p)"
                cap = "Points: median speedups; bars: 95% bootstrap intervals of the ratio of medians (" \
                      resamples " resamples)."
            } else if (kind == "efficiency") {
                title = what ": parallel efficiency"
                ylab = "efficiency E(p) = S(p) / p"
                cap = "Points: median speedup / p; bars: 95% bootstrap intervals (" resamples " resamples)."
            } else {
                title = what ": median wall time"
                ylab = "median wall time per run (log scale)"
                cap = "Points: median times; bars: 95% confidence intervals of the median (order statistics)."
            }
            cap = cap " At least " kn[k] " runs per point" runs "."
            cap2 = base " " verdict noise
            cap3 = "Points are offset sideways slightly so that bars stay apart. Dashed line: the physical cores; shaded: more workers than PUs."
            print "set title \"" qq(title) "\\n" qq(machine) "\" font ',14'" > body
            print "set label 101 " q(cap) " at screen 0.01, screen 0.085 left font ',10.5'" > body
            print "set label 102 " q(cap2) " at screen 0.01, screen 0.052 left font ',10.5'" > body
            print "set label 103 " q(cap3) " at screen 0.01, screen 0.019 left font ',10.5'" > body
            print "set xlabel 'workers p (threads, processes, pool workers or MPI ranks)'" > body
            print "set ylabel " q(ylab) > body
            printf "set xrange [0.5:%g]\n", xmax > body
            if (np <= 16) print "set xtics (" tics ")" > body
            if (kind == "time") {
                print "set logscale y 10" > body
                ylo = tmin[k]; yhi = tmax[k]
                if (tseq[k] != "" && tseq[k] / xmax < ylo) ylo = tseq[k] / xmax
                if (tseq[k] != "" && tseq[k] + 0 > yhi) yhi = tseq[k] + 0
                ylo /= 1.3; yhi *= 1.3
                printf "set yrange [%g:%g]\n", ylo, yhi > body
                print "set ytics (" log_tics(ylo, yhi) ")" > body
                print "set mytics 10" > body
            } else if (kind == "efficiency") {
                print "set yrange [0:*]" > body
            } else {
                print "set yrange [0:*]" > body
            }
            # more workers than PUs: shaded; SMT siblings (cores < p <= PUs): lighter
            if (pmax[k] > pus)
                printf "set object 1 rect from first %g, graph 0 to graph 1, graph 1 behind fc rgb '#fde4d4' fs solid 1.0 noborder\n" \
                       "set label 1 'oversubscribed: p > %d PUs' at first %g, graph 0.97 center tc rgb '#a03c00' front\n",
                       pus + 0.5, pus, (pus + 0.5 + xmax) / 2 > body
            if (pus > cores)
                printf "set object 2 rect from first %g, graph 0 to first %g, graph 1 behind fc rgb '#e4eefa' fs solid 1.0 noborder\n" \
                       "set label 2 'SMT siblings' at first %g, graph 0.97 center tc rgb '#2060a0' front\n",
                       cores + 0.5, pus + 0.5, (cores + pus + 1) / 2 > body
            printf "set arrow 1 from first %g, graph 0 to first %g, graph 1 nohead dt 2 lw 1.5 lc rgb '#555555' back\n", cores, cores > body
            # the dashed line at the physical cores and the shading, explained in the key
            cores_key = sprintf(", \\\n  NaN title '%d physical cores' with lines dt 2 lw 1.5 lc rgb '#555555'", cores)
            if (pmax[k] > pus)
                cores_key = cores_key sprintf(", \\\n  NaN title 'p > %d PUs: oversubscribed' with boxes fs solid 1.0 lc rgb '#fde4d4'", pus)
            plot = "plot "
            if (kind == "speedup")
                plot = plot "x title 'ideal: S = p' with lines dt 3 lw 2 lc rgb '#888888'"
            else if (kind == "efficiency")
                plot = plot "1 title 'ideal: E = 1' with lines dt 3 lw 2 lc rgb '#888888'"
            else if (tseq[k] != "")
                plot = plot tseq[k] " title " q("bench-seq: " secs(tseq[k])) " with lines dt 2 lw 2 lc rgb '#000000', " \
                       tseq[k] "/x title 'ideal: T_seq / p' with lines dt 3 lw 2 lc rgb '#888888'"
            else
                plot = plot "NaN notitle"
            ycol = kind == "speedup" ? "2:3:4" : kind == "efficiency" ? "5:6:7" : "8:9:10"
            for (j = 1; j <= m; j++) {
                s = ks[j]
                dx = (j - (m + 1) / 2) * step
                plot = plot sprintf(", \\\n  %s using ($1%+g):%s with yerrorlines lw 2 pt %d ps 1.4 lc rgb '%s' title %s",
                                    q(dfile[k, s]), dx, ycol, point_type(rank[s]), colour(rank[s]), q(s))
            }
            plot = plot cores_key
            if (bad[k])
                plot = plot sprintf(", \\\n  %s using 1:%d with points pt 2 ps 3 lw 3 lc rgb '#d00000' title 'NOT verified'",
                                    q(tmp "/bad-" k ".dat"), kind == "speedup" ? 2 : kind == "efficiency" ? 3 : 4)
            print plot > body
            close(body)
            emit_chart(script, body, outdir, kind "-" stem)
        }
    }
    close(script)
    close(outputs)
}
