# breakeven-randsum.gp - break-even size of randsum
# Drawn by scripts/cbench.py from /work/main/results/amd-oxide-virtual-turin-like-2c2t-7e33ad/2026-12-05T123337Z/micro. To change it, edit the
# values below, style.gp (every chart's look) or breakeven.gp (this kind of chart),
# then run, in this folder: gnuplot breakeven-randsum.gp (it writes ../breakeven-randsum.png and .svg).
if (!exists("out")) out = '../breakeven-randsum'
array heading[2] = ['Break-even size: randsum at p = 2', 'Oxide Virtual Turin-like Processor , 2 physical cores, 2 PUs (amd-oxide-virtual-turin-like-2c2t-7e33ad, 2026-12-05)']
array caption[2] = ['Points: medians; bars: 95% confidence intervals of the median. Series at p workers, bench-seq (black) at 1.', "Rings: break-even, the smallest size from which on the speedup's lower bound (seq ci_low / model ci_high) stays above 1."]
xlabel = 'problem size (N: numbers summed)'
array series[7] = ['seq', 'openmp', 'procpool', 'procs-fork', 'procs-spawn', 'threadpool', 'threads']
array data[7] = ['breakeven-randsum-seq.csv', 'breakeven-randsum-openmp.csv', 'breakeven-randsum-procpool.csv', 'breakeven-randsum-procs-fork.csv', 'breakeven-randsum-procs-spawn.csv', 'breakeven-randsum-threadpool.csv', 'breakeven-randsum-threads.csv']
array rank[7] = [0, 2, 3, 4, 5, 6, 7]
array series_title[7] = ['seq', 'openmp (break-even 48828)', 'procpool (break-even 781250)', 'procs-fork (break-even 100000000)', 'procs-spawn (break-even 100000000)', 'threadpool (break-even 781250)', 'threads (break-even 6250000)']
rings = 'breakeven-randsum-points.csv'
rings_n = 6
array ring_series[6] = ['openmp', 'procpool', 'procs-fork', 'procs-spawn', 'threadpool', 'threads']
array ring_rank[6] = [2, 3, 4, 5, 6, 7]
ylo = 1.03230769231e-06
yhi = 0.1799671965
ytics = '"10 us" 1e-05, "100 us" 0.0001, "1 ms" 0.001, "10 ms" 0.01, "100 ms" 0.1'
load 'style.gp'
load 'breakeven.gp'
