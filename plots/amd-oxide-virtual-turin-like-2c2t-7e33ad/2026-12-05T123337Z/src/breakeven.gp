# breakeven.gp - one kernel's break-even chart: the median time of one run against the
# problem size, log-log, for bench-seq (black) and every parallel series at p workers, with
# the 95% confidence interval of the median as error bars; a ring marks each series'
# break-even size (from there on the speedup's lower bound, seq ci_low / model ci_high, stays
# above 1: breakeven.csv). Loaded after style.gp by the chart's file, which sets:
#   heading, caption (see style.gp), xlabel
#   arrays series (names), data (files: size, median_s, ci_low_s, ci_high_s),
#                   rank (palette place; 0: bench-seq), series_title (with the break-even)
#   rings           the file of the break-even points (series, breakeven_size, median_s),
#                   or ''; rings_n and arrays ring_series, ring_rank: the series it holds
#   ylo, yhi, ytics the y range and its tics

series_colour(r) = r == 0 ? seq_colour : colour(r)
series_point(r) = r == 0 ? 7 : point(r)
set logscale xy 10
set format x '%.0s%c'
set xlabel xlabel
set ylabel 'wall time of one run (log scale)'
set yrange [ylo:yhi]
eval 'set ytics (' . ytics . ')'
set mytics 10
set mxtics 10
set grid xtics ytics mxtics mytics lc rgb '#e4e4e4', lc rgb '#f2f2f2'
eval key_inside

# the rings, where there are any (a loop over no file would still open it; gnuplot expands
# @RINGS in the plot command)
RINGS = rings eq '' ? '' : \
    ", for [j = 1:rings_n] rings using (strcol('series') eq ring_series[j] ? column('breakeven_size') : NaN):'median_s' \
       with points pt 6 ps 3.5 lw 2 lc rgb series_colour(ring_rank[j]) notitle"

do for [ext in formats] {
    eval terminal(ext)
    set output out . '.' . ext
    plot \
        for [i = 1:|series|] data[i] \
            using 'size':'median_s':(or_else(column('ci_low_s'), column('median_s'))):(or_else(column('ci_high_s'), column('median_s'))) \
            with yerrorlines lw (rank[i] == 0 ? 3 : line_width) pt series_point(rank[i]) ps 0.9 \
            lc rgb series_colour(rank[i]) title series_title[i] \
        @RINGS
    unset output
}
