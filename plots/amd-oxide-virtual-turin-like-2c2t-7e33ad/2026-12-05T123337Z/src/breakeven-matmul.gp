# breakeven-matmul.gp - break-even size of matmul
# Drawn by scripts/cbench.py from /work/main/results/amd-oxide-virtual-turin-like-2c2t-7e33ad/2026-12-05T123337Z/micro. To change it, edit the
# values below, style.gp (every chart's look) or breakeven.gp (this kind of chart),
# then run, in this folder: gnuplot breakeven-matmul.gp (it writes ../breakeven-matmul.png and .svg).
if (!exists("out")) out = '../breakeven-matmul'
array heading[2] = ['Break-even size: matmul at p = 2', 'Oxide Virtual Turin-like Processor , 2 physical cores, 2 PUs (amd-oxide-virtual-turin-like-2c2t-7e33ad, 2026-12-05)']
array caption[2] = ['Points: medians; bars: 95% confidence intervals of the median. Series at p workers, bench-seq (black) at 1.', "Rings: break-even, the smallest size from which on the speedup's lower bound (seq ci_low / model ci_high) stays above 1."]
xlabel = 'problem size (n: matrix order)'
array series[8] = ['seq', 'openblas', 'openmp', 'procpool', 'procs-fork', 'procs-spawn', 'threadpool', 'threads']
array data[8] = ['breakeven-matmul-seq.csv', 'breakeven-matmul-openblas.csv', 'breakeven-matmul-openmp.csv', 'breakeven-matmul-procpool.csv', 'breakeven-matmul-procs-fork.csv', 'breakeven-matmul-procs-spawn.csv', 'breakeven-matmul-threadpool.csv', 'breakeven-matmul-threads.csv']
array rank[8] = [0, 1, 2, 3, 4, 5, 6, 7]
array series_title[8] = ['seq', 'openblas (break-even 288)', 'openmp (break-even 144)', 'procpool (break-even 576)', 'procs-fork (break-even 1152)', 'procs-spawn (break-even 2304)', 'threadpool (break-even 36)', 'threads (break-even 576)']
rings = 'breakeven-matmul-points.csv'
rings_n = 7
array ring_series[7] = ['openblas', 'openmp', 'procpool', 'procs-fork', 'procs-spawn', 'threadpool', 'threads']
array ring_rank[7] = [1, 2, 3, 4, 5, 6, 7]
ylo = 1.09461538462e-06
yhi = 0.6159616996
ytics = '"10 us" 1e-05, "100 us" 0.0001, "1 ms" 0.001, "10 ms" 0.01, "100 ms" 0.1'
load 'style.gp'
load 'breakeven.gp'
