# breakeven-primes.gp - break-even size of primes
# Drawn by scripts/cbench.py from /work/main/results/oxide-virtual-turin-like-2c2t/micro. To change it, edit the
# values below, style.gp (every chart's look) or breakeven.gp (this kind of chart),
# then run, in this folder: gnuplot breakeven-primes.gp (it writes ../breakeven-primes.png and .svg).
if (!exists("out")) out = '../breakeven-primes'
array heading[2] = ['Break-even size: primes at p = 2', 'Oxide Virtual Turin-like Processor , 2 physical cores, 2 PUs (oxide-virtual-turin-like-2c2t, 2026-12-04)']
array caption[2] = ['Points: medians; bars: 95% confidence intervals of the median. Series at p workers, bench-seq (black) at 1.', "Rings: break-even, the smallest size from which on the speedup's lower bound (seq ci_low / model ci_high) stays above 1."]
xlabel = 'problem size (N: primes below N)'
array series[8] = ['seq', 'mpi', 'openmp', 'procpool', 'procs-fork', 'procs-spawn', 'threadpool', 'threads']
array data[8] = ['breakeven-primes-seq.csv', 'breakeven-primes-mpi.csv', 'breakeven-primes-openmp.csv', 'breakeven-primes-procpool.csv', 'breakeven-primes-procs-fork.csv', 'breakeven-primes-procs-spawn.csv', 'breakeven-primes-threadpool.csv', 'breakeven-primes-threads.csv']
array rank[8] = [0, 1, 3, 4, 5, 6, 7, 8]
array series_title[8] = ['seq', 'mpi (break-even 3250000)', 'openmp (break-even 3250000)', 'procpool (break-even 12695)', 'procs-fork (break-even 406250)', 'procs-spawn (break-even 812500)', 'threadpool (break-even 1586)', 'threads (break-even 50781)']
rings = 'breakeven-primes-points.csv'
rings_n = 7
array ring_series[7] = ['mpi', 'openmp', 'procpool', 'procs-fork', 'procs-spawn', 'threadpool', 'threads']
array ring_rank[7] = [1, 3, 4, 5, 6, 7, 8]
ylo = 4.09230769231e-06
yhi = 1.1432413083
ytics = '"10 us" 1e-05, "100 us" 0.0001, "1 ms" 0.001, "10 ms" 0.01, "100 ms" 0.1, "1 s" 1'
load 'style.gp'
load 'breakeven.gp'
