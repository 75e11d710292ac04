# breakeven-matmul.gp - break-even size of matmul
# Drawn by scripts/cbench.py from results/amd-epyc-2c2t/micro. To change it, edit the
# values below, style.gp (every chart's look) or breakeven.gp (this kind of chart),
# then run, in this folder: gnuplot breakeven-matmul.gp (it writes ../breakeven-matmul.png and .svg).
if (!exists("out")) out = '../breakeven-matmul'
array heading[2] = ['Break-even size: matmul at p = 2', 'AMD EPYC, 2 physical cores, 2 PUs (amd-epyc-2c2t, 2026-11-22)']
array caption[2] = ['Points: medians; bars: 95% confidence intervals of the median. Series at p workers, bench-seq (black) at 1.', "Rings: break-even, the smallest size from which on the speedup's lower bound (seq ci_low / model ci_high) stays above 1."]
xlabel = 'problem size (n: matrix order)'
array series[8] = ['seq', 'openblas', 'openmp', 'procpool', 'procs-fork', 'procs-spawn', 'threadpool', 'threads']
array data[8] = ['breakeven-matmul-seq.csv', 'breakeven-matmul-openblas.csv', 'breakeven-matmul-openmp.csv', 'breakeven-matmul-procpool.csv', 'breakeven-matmul-procs-fork.csv', 'breakeven-matmul-procs-spawn.csv', 'breakeven-matmul-threadpool.csv', 'breakeven-matmul-threads.csv']
array rank[8] = [0, 1, 2, 3, 4, 5, 6, 7]
array series_title[8] = ['seq', 'openblas (break-even 576)', 'openmp (break-even 288)', 'procpool', 'procs-fork (break-even 1152)', 'procs-spawn (break-even 1152)', 'threadpool (break-even 1152)', 'threads (break-even 576)']
rings = 'breakeven-matmul-points.csv'
rings_n = 6
array ring_series[6] = ['openblas', 'openmp', 'procs-fork', 'procs-spawn', 'threadpool', 'threads']
array ring_rank[6] = [1, 2, 4, 5, 6, 7]
ylo = 8.86153846154e-07
yhi = 1.2428327418
ytics = '"1 us" 1e-06, "10 us" 1e-05, "100 us" 0.0001, "1 ms" 0.001, "10 ms" 0.01, "100 ms" 0.1, "1 s" 1'
load 'style.gp'
load 'breakeven.gp'
