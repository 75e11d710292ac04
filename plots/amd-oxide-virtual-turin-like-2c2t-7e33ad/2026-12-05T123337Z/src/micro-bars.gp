# micro-bars.gp - a micro-benchmark as bars, in one or more graphs side by side: per channel
# or primitive, the median between threads and between processes, with the 95% confidence
# interval of the median as error bars. The channels' round trip (micro-ipc-latency) and
# bandwidth (micro-ipc-bandwidth), one uncontended operation (micro-sync-uncontended).
# Loaded after style.gp by the chart's file, which sets:
#   heading, caption (see style.gp), xlabel
#   arrays panel_title, panel_ylabel, panel_data (a file per graph: one row per channel or
#                   primitive, its name first, then for each group G the columns G_median,
#                   G_ci_low, G_ci_high; NaN where that group has no result), panel_first,
#                   panel_last: the graph's groups are group[panel_first] .. group[panel_last]
#   arrays group (the column prefixes, e.g. 'threads'), group_title (their key entries),
#                   group_colour (palette place)

set xlabel xlabel
set yrange [0:*]
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.85 border rgb '#404040'
set xtics nomirror scale 0
set grid noxtics ytics
eval key_inside
M(g) = column(group[g] . '_median')

do for [ext in formats] {
    eval terminal(ext)
    set output out . '.' . ext
    set multiplot layout 1, |panel_title| margins screen 0.085, 0.985, bottom_edge, top_edge - 0.035 \
        spacing screen 0.09
    do for [p = 1:|panel_title|] {
        set title panel_title[p]
        set ylabel panel_ylabel[p]
        plot for [g = panel_first[p]:panel_last[p]] panel_data[p] \
            using (M(g)):(or_else(column(group[g] . '_ci_low'), M(g))):(or_else(column(group[g] . '_ci_high'), M(g))):xtic(1) \
            lc rgb colour(group_colour[g]) title group_title[g]
        eval clear_heading
    }
    unset multiplot
    eval set_heading
    unset output
}
