# compare.gp - one kernel on several machines: the speedup over each machine's own bench-seq,
# or the median wall time (log scale), against the workers p (or p / physical cores). Colour
# follows the series (model), line and point style the machine. Loaded after style.gp by the
# chart's file, which sets:
#   kind            'speedup' or 'time'
#   heading, caption (see style.gp), xlabel, ylabel
#   xmode           'workers' or 'cores' (x = p / the machine's physical cores)
#   xlo, xhi, xtics the x range, and the measured p as a tic list ('1, 2, 4') or ''
#   arrays machine (names), machine_in (1: has this kernel), machine_cores, machine_pus,
#                   machine_offset (sideways shift of its points), seq_s (its bench-seq
#                   median time, NaN: none)
#   series_n, arrays series, series_rank: the models in this chart (palette place)
#   data_n, arrays data (files: rows of one machine's summary.csv for one series),
#                   data_machine, data_rank
#   ylo, yhi, ytics (time only)

nm = |machine|
xdiv(m) = xmode eq 'cores' ? 1.0 * machine_cores[m] : 1.0
set xlabel xlabel
set ylabel ylabel
set xrange [xlo:xhi]
if (xtics ne '') { eval 'set xtics (' . xtics . ')' }
if (kind eq 'time') {
    set logscale y 10
    set yrange [ylo:yhi]
    eval 'set ytics (' . ytics . ')'
    set mytics 10
    y = 'median_s'; ylow = 'ci_low_s'; yhigh = 'ci_high_s'
} else {
    set yrange [0:*]
    y = 'speedup'; ylow = 'speedup_lo'; yhigh = 'speedup_hi'
}
# an interval's ends; a time without an interval is drawn at its median
LOW(dummy) = kind eq 'time' ? or_else(column(ylow), column(y)) : column(ylow)
HIGH(dummy) = kind eq 'time' ? or_else(column(yhigh), column(y)) : column(yhigh)
# The plot is made of parts, each present or not (gnuplot expands @NAME in the plot command;
# a part is a macro, not a loop of no iteration, which would still take room in the key and
# open its file). The key has one entry per machine (its line and point style) and one per
# model (its colour); the data lines have none of their own.
IDEAL = kind eq 'speedup' && xmode eq 'workers' ? \
    ", x title 'ideal: S = p' with lines dt 3 lw 2 lc rgb ideal_colour" : ''
KEY = ", for [m = 1:nm] NaN title (machine_in[m] ? machine[m] : '') \
       with linespoints dt dash(m) lw 2 pt point(m) ps 1.3 lc rgb '#404040'"
if (series_n > 0) {
    KEY = KEY . ", for [s = 1:series_n] NaN title series[s] with lines lw 4 lc rgb colour(series_rank[s])"
}
# per machine: its own ideal S = p on a cores axis; its bench-seq time
LINES = ''
if (kind eq 'speedup' && xmode eq 'cores') {
    LINES = ", for [m = 1:nm] (machine_in[m] ? machine_cores[m] * x : NaN) notitle \
               with lines dt dash(m) lw 1.5 lc rgb '#aaaaaa'"
}
if (kind eq 'time') {
    LINES = ", for [m = 1:nm] (machine_in[m] ? seq_s[m] : NaN) notitle \
               with lines dt dash(m) lw 2 lc rgb seq_colour"
}
DATA = data_n == 0 ? '' : \
    ", for [i = 1:data_n] data[i] \
       using (column('workers') / xdiv(data_machine[i]) + machine_offset[data_machine[i]]):(column(y)):(LOW(0)):(HIGH(0)) \
       notitle with yerrorlines dt dash(data_machine[i]) lw line_width pt point(data_machine[i]) \
       ps 1.3 lc rgb colour(data_rank[i])"

# per machine: p > its PUs shaded (darker where several overlap), its physical cores a line
# dashed as the machine
do for [m = 1:nm] {
    if (machine_in[m]) {
        edge = (machine_pus[m] + 0.5) / xdiv(m)
        if (edge < xhi) { eval oversub_band(m, edge) }
        eval cores_line(m, machine_cores[m] / xdiv(m), dash(m))
    }
}

do for [ext in formats] {
    eval terminal(ext)
    set output out . '.' . ext
    plot NaN notitle @IDEAL @KEY @LINES @DATA
    unset output
}
