# breakeven-primes.gp - break-even size of primes
# Drawn by scripts/cbench.py from /work/main/results/amd-oxide-virtual-turin-like-2c2t-7e33ad/2026-12-05T123337Z/micro. To change it, edit the
# values below, style.gp (every chart's look) or breakeven.gp (this kind of chart),
# then run, in this folder: gnuplot breakeven-primes.gp (it writes ../breakeven-primes.png and .svg).
if (!exists("out")) out = '../breakeven-primes'
array heading[2] = ['Break-even size: primes at p = 2', 'Oxide Virtual Turin-like Processor , 2 physical cores, 2 PUs (amd-oxide-virtual-turin-like-2c2t-7e33ad, 2026-12-05)']
array caption[2] = ['Points: medians; bars: 95% confidence intervals of the median. Series at p workers, bench-seq (black) at 1.', "Rings: break-even, the smallest size from which on the speedup's lower bound (seq ci_low / model ci_high) stays above 1."]
xlabel = 'problem size (N: primes below N)'
array series[7] = ['seq', 'openmp', 'procpool', 'procs-fork', 'procs-spawn', 'threadpool', 'threads']
array data[7] = ['breakeven-primes-seq.csv', 'breakeven-primes-openmp.csv', 'breakeven-primes-procpool.csv', 'breakeven-primes-procs-fork.csv', 'breakeven-primes-procs-spawn.csv', 'breakeven-primes-threadpool.csv', 'breakeven-primes-threads.csv']
array rank[7] = [0, 2, 3, 4, 5, 6, 7]
array series_title[7] = ['seq', 'openmp (break-even 50781)', 'procpool (break-even 25390)', 'procs-fork (break-even 406250)', 'procs-spawn (break-even 812500)', 'threadpool (break-even 12695)', 'threads (break-even 101562)']
rings = 'breakeven-primes-points.csv'
rings_n = 6
array ring_series[6] = ['openmp', 'procpool', 'procs-fork', 'procs-spawn', 'threadpool', 'threads']
array ring_rank[6] = [2, 3, 4, 5, 6, 7]
ylo = 4.19307692308e-06
yhi = 1.1336440297
ytics = '"10 us" 1e-05, "100 us" 0.0001, "1 ms" 0.001, "10 ms" 0.01, "100 ms" 0.1, "1 s" 1'
load 'style.gp'
load 'breakeven.gp'
