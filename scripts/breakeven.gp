# breakeven.gp - one kernel's break-even chart (issue 7): median time against problem size
# for bench-seq and every parallel model at p = all CPUs, log-log, each with the 95% CI of
# its median as error bars; a ring marks each model's break-even size (the smallest size
# from which on the speedup's lower bound, seq ci_low / model ci_high, stays above 1).
# scripts/micro-plot.sh prepares the data and calls, per kernel:
#   gnuplot -e "dir='DATA'; out='CHARTS'; machine='...'; kernel='primes'; xname='N, the bound';
#               series='seq threads ...'; betext='- 4096 ...' (the break-even size
#               of each series, - for none); beseries='threads ...'; p=2" breakeven.gp
# Data: be-K-S.dat (size median lo hi), be-K-S-point.dat (size median) for S in beseries.

colors = "#000000 #1f77b4 #d62728 #2ca02c #9467bd #ff7f0e #8c564b #e377c2 #17becf #7f7f7f"
col(i) = word(colors, (i - 1) % 10 + 1)
f(name) = sprintf("%s/%s", dir, name)
index_of(s) = sum [i = 1:words(series)] (word(series, i) eq s ? i : 0)

do for [ext in "png svg"] {
    if (ext eq "png") {
        set terminal pngcairo size 1100,750 font "DejaVu Sans,11" background rgb "white"
    } else {
        set terminal svg size 1100,750 font "DejaVu Sans,11" background rgb "white"
    }
    set output sprintf("%s/breakeven-%s.%s", out, kernel, ext)
    set title sprintf("Break-even size: %s at p = %d - %s\n{/*0.8 medians; error bars: 95%% CI of the median; rings: break-even (speedup lower bound above 1 from there on)}", kernel, p, machine)
    set logscale xy
    set format x "10^{%L}"
    set format y "10^{%L}"
    set xlabel sprintf("problem size (%s)", xname)
    set ylabel "wall time of one run (s)"
    set grid xtics ytics mxtics mytics lc rgb "#e0e0e0"
    set key top left opaque box lc rgb "#c0c0c0"
    # a series' title: its name, and its break-even size where it has one
    betitle(i) = word(betext, i) eq "-" ? word(series, i) : sprintf("%s (break-even %s)", word(series, i), word(betext, i))
    if (words(beseries) == 0) {
        plot for [i = 1:words(series)] f(sprintf("be-%s-%s.dat", kernel, word(series, i))) \
                using 1:2:3:4 with yerrorlines lw (i == 1 ? 3 : 2) pt 7 ps 0.8 lc rgb col(i) title betitle(i)
    } else {
        plot for [i = 1:words(series)] f(sprintf("be-%s-%s.dat", kernel, word(series, i))) \
                using 1:2:3:4 with yerrorlines lw (i == 1 ? 3 : 2) pt 7 ps 0.8 lc rgb col(i) title betitle(i), \
             for [j = 1:words(beseries)] f(sprintf("be-%s-%s-point.dat", kernel, word(beseries, j))) \
                using 1:2 with points pt 6 ps 3.5 lw 2 lc rgb col(index_of(word(beseries, j))) notitle
    }
    unset output
}
