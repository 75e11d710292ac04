# micro.gp - the micro-benchmarks' charts (issue 7), as PNG and SVG. scripts/micro-plot.sh
# turns the CSVs into small data files and calls:
#   gnuplot -e "dir='DATA'; out='CHARTS'; machine='LABEL (BRAND)'; pus=N; creation='...';
#               dispatch='...'; ipcsizes='...'; syncprims='...'; memsizes='...';
#               memmodels='...'; syncbetween='...'" micro.gp
# Data files (whitespace-separated; medians with the 95% CI of the median):
#   ov-C.dat                 p median lo hi        (bench-overhead, construct C)
#   ipc-rt-S.dat, ipc-bw-S.dat  channel thr lo hi proc lo hi   (payload S bytes)
#   solo.dat                 primitive thr lo hi proc lo hi (uncontended)
#   sync-P-B.dat             p median lo hi        (primitive P contended, B threads|processes)
#   mem-N-M-K.dat            p median lo hi        (matmul order N, model M, K rss|pss)
# Every chart: medians, error bars the 95% confidence interval of the median.

colors = "#1f77b4 #d62728 #2ca02c #9467bd #ff7f0e #8c564b #e377c2 #17becf #7f7f7f #000000"
col(i) = word(colors, (i - 1) % 10 + 1)
f(name) = sprintf("%s/%s", dir, name)
caption = "medians; error bars: 95% confidence interval of the median"
human(s) = s >= 1048576 ? sprintf("%g MiB", s / 1048576.0) : s >= 1024 ? sprintf("%g KiB", s / 1024.0) : sprintf("%g B", s)

# Shade p above the CPUs (oversubscribed).
oversub(x) = sprintf("set object 1 rect from first %g, graph 0 to graph 1, graph 1 fc rgb '#eeeeee' fs solid 1.0 noborder behind", x)

do for [ext in "png svg"] {
    if (ext eq "png") {
        set terminal pngcairo size 1200,700 font "DejaVu Sans,11" background rgb "white"
    } else {
        set terminal svg size 1200,700 font "DejaVu Sans,11" background rgb "white"
    }
    set border lw 1
    set grid ytics lc rgb "#d0d0d0"
    set key top left opaque box lc rgb "#c0c0c0"

    # --- creation and dispatch ------------------------------------------------------------
    if (strlen(creation) + strlen(dispatch) > 0) {
        set output sprintf("%s/micro-overhead.%s", out, ext)
        set multiplot layout 1,2 title sprintf("Creating and dispatching workers - %s\n{/*0.8 %s; grey: more workers than the %d CPUs; calibrated work subtracted}", machine, caption, pus)
        set xlabel "workers p"
        set logscale y
        set xtics 1
        eval oversub(pus + 0.5)
        if (strlen(creation) > 0) {
            set title "creation: per worker (create/fork/spawn, then join/wait)"
            set ylabel "us per worker"
            plot for [i = 1:words(creation)] f(sprintf("ov-%s.dat", word(creation, i))) \
                using 1:2:3:4 with yerrorlines lw 2 pt 7 lc rgb col(i) title word(creation, i)
        }
        if (strlen(dispatch) > 0) {
            set title "dispatch: one pass of p empty tasks (workers created once)"
            set ylabel "us per dispatch"
            plot for [i = 1:words(dispatch)] f(sprintf("ov-%s.dat", word(dispatch, i))) \
                using 1:2:3:4 with yerrorlines lw 2 pt 7 lc rgb col(i + 4) title word(dispatch, i)
        }
        unset multiplot
        unset object 1
        unset logscale y
        unset title
    }

    # --- channels ----------------------------------------------------------------------------
    if (strlen(ipcsizes) > 0) {
        set style data histogram
        set style histogram errorbars gap 2 lw 1
        set style fill solid 0.85 border rgb "#404040"
        set xtics nomirror
        set xlabel "channel"
        set yrange [0:*]
        set output sprintf("%s/micro-ipc-latency.%s", out, ext)
        set multiplot layout 1,words(ipcsizes) title sprintf("Channel round trip - %s\n{/*0.8 %s}", machine, caption)
        do for [s in ipcsizes] {
            set title sprintf("round trip of %s", human(s + 0))
            set ylabel "us per round trip"
            plot f(sprintf("ipc-rt-%s.dat", s)) using 2:3:4:xtic(1) title "between threads" lc rgb col(1), \
                 '' using 5:6:7 title "between processes" lc rgb col(2)
        }
        unset multiplot
        set output sprintf("%s/micro-ipc-bandwidth.%s", out, ext)
        set multiplot layout 1,words(ipcsizes) title sprintf("Channel bandwidth, one way - %s\n{/*0.8 %s}", machine, caption)
        do for [s in ipcsizes] {
            set title sprintf("messages of %s", human(s + 0))
            set ylabel "MiB/s"
            plot f(sprintf("ipc-bw-%s.dat", s)) using 2:3:4:xtic(1) title "between threads" lc rgb col(1), \
                 '' using 5:6:7 title "between processes" lc rgb col(2)
        }
        unset multiplot
        unset title
        set yrange [*:*]
        set style data points
    }

    # --- synchronisation -----------------------------------------------------------------------
    if (strlen(syncprims) > 0) {
        set output sprintf("%s/micro-sync-uncontended.%s", out, ext)
        set style data histogram
        set style histogram errorbars gap 2 lw 1
        set style fill solid 0.85 border rgb "#404040"
        set title sprintf("One operation, uncontended - %s\n{/*0.8 %s; the empty loop subtracted}", machine, caption)
        set xlabel "primitive"
        set ylabel "ns per operation"
        set yrange [0:*]
        plot f("solo.dat") using 2:3:4:xtic(1) title "threads (private object)" lc rgb col(1), \
             '' using 5:6:7 title "processes (process-shared object)" lc rgb col(2)
        set yrange [*:*]
        set style data points

        set output sprintf("%s/micro-sync-contended.%s", out, ext)
        set multiplot layout 1,words(syncbetween) title sprintf("p workers on one object - %s\n{/*0.8 %s; grey: more workers than the %d CPUs}", machine, caption, pus)
        set xlabel "workers p"
        set ylabel "million operations per second (all workers)"
        set logscale y
        set xtics 1
        set key top right
        eval oversub(pus + 0.5)
        do for [b in syncbetween] {
            set title sprintf("between %s", b)
            plot for [i = 1:words(syncprims)] f(sprintf("sync-%s-%s.dat", word(syncprims, i), b)) \
                using 1:2:3:4 with yerrorlines lw 2 pt 7 lc rgb col(i) title word(syncprims, i)
        }
        unset multiplot
        unset object 1
        unset logscale y
        unset title
        set key top left
    }

    # --- memory --------------------------------------------------------------------------------
    if (strlen(memsizes) > 0 && strlen(memmodels) > 0) {
        set output sprintf("%s/micro-memory.%s", out, ext)
        set multiplot layout 1,words(memsizes) title sprintf("Memory of the program and its workers - %s\n{/*0.8 %s; solid: PSS (proportional), dashed: RSS (resident, shared pages counted in every process)}", machine, caption)
        set xlabel "workers p"
        set ylabel "MiB, summed over the parent and its worker processes"
        set xtics 1
        set yrange [0:*]
        do for [n in memsizes] {
            set title sprintf("matmul input n = %s", n)
            plot for [i = 1:words(memmodels)] f(sprintf("mem-%s-%s-pss.dat", n, word(memmodels, i))) \
                    using 1:2:3:4 with yerrorlines lw 2 pt 7 lc rgb col(i) title word(memmodels, i) . " PSS", \
                 for [i = 1:words(memmodels)] f(sprintf("mem-%s-%s-rss.dat", n, word(memmodels, i))) \
                    using 1:2:3:4 with yerrorlines lw 1 dt 2 pt 6 lc rgb col(i) title word(memmodels, i) . " RSS"
        }
        unset multiplot
        set yrange [*:*]
        unset title
    }
    unset output
}
