# speedup-primes.gp - primes, N = 6500000: speedup over the sequential program (amd-oxide-virtual-turin-like-2c2t-7e33ad)
# Drawn by scripts/cbench.py from /work/main/results/amd-oxide-virtual-turin-like-2c2t-7e33ad/2026-12-05T123337Z. To change it, edit the
# values below, style.gp (every chart's look) or sweep.gp (this kind of chart),
# then run, in this folder: gnuplot speedup-primes.gp (it writes ../speedup-primes.png and .svg).
if (!exists("out")) out = '../speedup-primes'
kind = 'speedup'
array heading[2] = ['primes, N = 6500000: speedup over the sequential program', 'Oxide Virtual Turin-like Processor , 2 physical cores, 2 PUs (amd-oxide-virtual-turin-like-2c2t-7e33ad, 2026-12-05)']
array caption[3] = ['Points: median speedups; bars: 95% bootstrap intervals of the ratio of medians (2000 resamples). At least 10 runs per point (pooled over 5 interleaved rounds).', 'Base T_seq = 845 ms, 95% CI [810 ms, 859 ms]. Every point verified against the sequential result. 3 of 16 points noisy (CV > 3%): moving with a different speed from one run of the binary to the next (3), context switches (2).', 'Points are offset sideways slightly so that bars stay apart. Dashed line: the physical cores; shaded: more workers than PUs.']
ylabel = 'speedup S(p) = T_seq / T(p)'
cores = 2
pus = 2
pmax = 4
xtics = '1, 2, 4'
quota_from = 0
series_n = 5
array series[5] = ['openmp', 'procpool', 'procs', 'threadpool', 'threads']
array data[5] = ['sweep-primes-openmp.csv', 'sweep-primes-procpool.csv', 'sweep-primes-procs.csv', 'sweep-primes-threadpool.csv', 'sweep-primes-threads.csv']
array rank[5] = [2, 3, 4, 5, 6]
array offset[5] = [-0.096, -0.048, 0, 0.048, 0.096]
seq_s = 0.845113211
seq_title = 'bench-seq: 845 ms'
unverified = ''
load 'style.gp'
load 'sweep.gp'
