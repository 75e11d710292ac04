# sweep.gp - one chart of a sweep (one kernel at one size): the speedup over bench-seq, the
# efficiency or the median wall time (log scale) against the workers p, one line per series
# of summary.csv, with its 95% intervals as error bars. Loaded after style.gp by the chart's
# file, which sets:
#   kind            'speedup', 'efficiency' or 'time'
#   heading, caption (see style.gp), ylabel
#   cores, pus      the machine's physical cores and PUs; pmax the largest p measured
#   xtics           the measured p as a gnuplot tic list ('1, 2, 4'), or '' (automatic)
#   quota_from      where the points above the cgroup CPU quota begin (p - 0.5), 0: none
#   series_n        how many series; arrays series (names), data (their files, rows of
#                   summary.csv), rank (palette place), offset (sideways shift, in workers)
#   seq_s, seq_title  bench-seq's median time (NaN: none) and its key entry
#   unverified      the file of the points not verified, or ''
#   ylo, yhi, ytics (time only) the range and its tics ('"1 s" 1, ...')
# Columns used: workers, speedup(_lo, _hi), efficiency(_lo, _hi), median_s, ci_low_s,
# ci_high_s (a time without an interval is drawn at its median).

xmax = pmax + 0.5
set xlabel 'workers p (threads, processes, pool workers or MPI ranks)'
set ylabel ylabel
set xrange [0.5:xmax]
if (xtics ne '') { eval 'set xtics (' . xtics . ')' }
if (kind eq 'time') {
    set logscale y 10
    set yrange [ylo:yhi]
    eval 'set ytics (' . ytics . ')'
    set mytics 10
    y = 'median_s'; ylow = 'ci_low_s'; yhigh = 'ci_high_s'
} else {
    set yrange [0:*]
    y = kind; ylow = kind . '_lo'; yhigh = kind . '_hi'
}
# an interval's ends; a time without an interval is drawn at its median
LOW(dummy) = kind eq 'time' ? or_else(column(ylow), column(y)) : column(ylow)
HIGH(dummy) = kind eq 'time' ? or_else(column(yhigh), column(y)) : column(yhigh)
# The plot is made of parts, each present or not (gnuplot expands @NAME in the plot command;
# a part is a macro, not a loop of no iteration, which would still take room in the key and
# open its file): the ideal line (and bench-seq), the series, the key entries of the lines
# and bands, the points not verified.
if (kind eq 'speedup') {
    IDEAL = "x title 'ideal: S = p' with lines dt 3 lw 2 lc rgb ideal_colour,"
} else {
    if (kind eq 'efficiency') {
        IDEAL = "1 title 'ideal: E = 1' with lines dt 3 lw 2 lc rgb ideal_colour,"
    } else {
        IDEAL = seq_s != seq_s ? '' : \
            "seq_s title seq_title with lines dt 2 lw 2 lc rgb seq_colour, \
             seq_s / x title 'ideal: T_seq / p' with lines dt 3 lw 2 lc rgb ideal_colour,"
    }
}
SERIES = series_n == 0 ? '' : \
    "for [j = 1:series_n] data[j] using (column('workers') + offset[j]):(column(y)):(LOW(0)):(HIGH(0)) \
     with yerrorlines lw line_width pt point(rank[j]) ps point_size lc rgb colour(rank[j]) title series[j],"
CORES = "NaN title sprintf('%d physical cores', cores) with lines dt 2 lw 1.5 lc rgb cores_colour"
OVERSUB = pmax <= pus ? '' : \
    ", NaN title sprintf('p > %d PUs: oversubscribed', pus) \
     with boxes fs transparent solid band_alpha noborder lc rgb oversub_colour"
NOT_VERIFIED = unverified eq '' ? '' : \
    ", unverified using 'workers':(column(y)) with points pt 2 ps 3 lw 3 lc rgb bad_colour title 'NOT verified'"

# more workers than PUs: shaded; SMT siblings (cores < p <= PUs): another shade
if (pmax > pus) {
    eval oversub_band(1, pus + 0.5)
    eval oversub_label(1, (pus + 0.5 + xmax) / 2, sprintf('oversubscribed: p > %d PUs', pus))
}
if (pus > cores) {
    eval smt_band(2, cores + 0.5, pus + 0.5)
    eval smt_label(2, (cores + pus + 1) / 2.0, 'SMT siblings')
}
# more workers than the CPU quota (cgroup cpu.max): hatched
if (quota_from > 0) {
    eval quota_band(3, quota_from)
    eval quota_label(3, (quota_from + xmax) / 2, 'p > CPU quota')
}
eval cores_line(1, cores, 2)

do for [ext in formats] {
    eval terminal(ext)
    set output out . '.' . ext
    plot @IDEAL @SERIES @CORES @OVERSUB @NOT_VERIFIED
    unset output
}
