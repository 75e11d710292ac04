# breakeven-matmul.gp - break-even size of matmul
# Drawn by scripts/cbench.py from /work/main/results/oxide-virtual-turin-like-2c2t/micro. To change it, edit the
# values below, style.gp (every chart's look) or breakeven.gp (this kind of chart),
# then run, in this folder: gnuplot breakeven-matmul.gp (it writes ../breakeven-matmul.png and .svg).
if (!exists("out")) out = '../breakeven-matmul'
array heading[2] = ['Break-even size: matmul at p = 2', 'Oxide Virtual Turin-like Processor , 2 physical cores, 2 PUs (oxide-virtual-turin-like-2c2t, 2026-12-04)']
array caption[2] = ['Points: medians; bars: 95% confidence intervals of the median. Series at p workers, bench-seq (black) at 1.', "Rings: break-even, the smallest size from which on the speedup's lower bound (seq ci_low / model ci_high) stays above 1."]
xlabel = 'problem size (n: matrix order)'
array series[9] = ['seq', 'mpi', 'openblas', 'openmp', 'procpool', 'procs-fork', 'procs-spawn', 'threadpool', 'threads']
array data[9] = ['breakeven-matmul-seq.csv', 'breakeven-matmul-mpi.csv', 'breakeven-matmul-openblas.csv', 'breakeven-matmul-openmp.csv', 'breakeven-matmul-procpool.csv', 'breakeven-matmul-procs-fork.csv', 'breakeven-matmul-procs-spawn.csv', 'breakeven-matmul-threadpool.csv', 'breakeven-matmul-threads.csv']
array rank[9] = [0, 1, 2, 3, 4, 5, 6, 7, 8]
array series_title[9] = ['seq', 'mpi (break-even 576)', 'openblas (break-even 288)', 'openmp (break-even 576)', 'procpool (break-even 576)', 'procs-fork', 'procs-spawn', 'threadpool (break-even 18)', 'threads (break-even 576)']
rings = 'breakeven-matmul-points.csv'
rings_n = 6
array ring_series[6] = ['mpi', 'openblas', 'openmp', 'procpool', 'threadpool', 'threads']
array ring_rank[6] = [1, 2, 3, 4, 7, 8]
ylo = 5.78461538462e-07
yhi = 0.9800985311
ytics = '"1 us" 1e-06, "10 us" 1e-05, "100 us" 0.0001, "1 ms" 0.001, "10 ms" 0.01, "100 ms" 0.1'
load 'style.gp'
load 'breakeven.gp'
