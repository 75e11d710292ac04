# micro-lines.gp - a micro-benchmark against the workers p, in one or more graphs side by
# side: medians with the 95% confidence interval of the median as error bars, one line per
# construct. The creation and dispatch costs (micro-overhead), p workers on one object
# (micro-sync-contended) and memory (micro-memory). Loaded after style.gp by the chart's
# file, which sets:
#   heading, caption (see style.gp), xlabel, xtics (a tic list, or '': automatic)
#   pus, pmax       the machine's PUs and the largest p: p > PUs is shaded
#   logy            1: logarithmic y axis; 0: linear from 0
#   arrays panel_title, panel_ylabel, panel_first, panel_last: per graph, its lines are
#                   line_data[panel_first] .. line_data[panel_last]
#   arrays line_data (files: summary rows of the micro-benchmark's CSV), line_title,
#                   line_colour (palette place), line_dash (1: solid, 2: dashed, open points)
# Columns used: workers, median, ci_low, ci_high (no interval: drawn at the median).

xmax = pmax + 0.5
set xlabel xlabel
set xrange [0.5:xmax]
if (xtics ne '') { eval 'set xtics (' . xtics . ')' }
if (logy) { set logscale y 10; set yrange [*:*] } else { set yrange [0:*] }
eval key_inside
if (pmax > pus) {
    eval oversub_band(1, pus + 0.5)
    eval oversub_label(1, (pus + 0.5 + xmax) / 2, sprintf('p > %d PUs', pus))
}

do for [ext in formats] {
    eval terminal(ext)
    set output out . '.' . ext
    set multiplot layout 1, |panel_title| margins screen 0.085, 0.985, bottom_edge, top_edge - 0.035 \
        spacing screen 0.09
    do for [g = 1:|panel_title|] {
        set title panel_title[g]
        set ylabel panel_ylabel[g]
        # room above the lines for the key (graph units: a line of the key takes about 0.05)
        set offsets 0, 0, graph 0.05 * (panel_last[g] - panel_first[g] + 1) + 0.04, 0
        plot for [i = panel_first[g]:panel_last[g]] line_data[i] \
            using 'workers':'median':(or_else(column('ci_low'), column('median'))):(or_else(column('ci_high'), column('median'))) \
            with yerrorlines lc rgb colour(line_colour[i]) dt line_dash[i] \
            lw (line_dash[i] == 1 ? line_width : 1.2) \
            pt (line_dash[i] == 1 ? point(line_colour[i]) : open_point(line_colour[i])) ps 1.2 \
            title line_title[i]
        eval clear_heading
    }
    unset multiplot
    eval set_heading
    unset output
}
