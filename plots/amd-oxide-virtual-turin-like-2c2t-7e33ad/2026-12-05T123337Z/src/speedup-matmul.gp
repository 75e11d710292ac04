# speedup-matmul.gp - matmul, n = 2304: speedup over the sequential program (amd-oxide-virtual-turin-like-2c2t-7e33ad)
# Drawn by scripts/cbench.py from /work/main/results/amd-oxide-virtual-turin-like-2c2t-7e33ad/2026-12-05T123337Z. To change it, edit the
# values below, style.gp (every chart's look) or sweep.gp (this kind of chart),
# then run, in this folder: gnuplot speedup-matmul.gp (it writes ../speedup-matmul.png and .svg).
if (!exists("out")) out = '../speedup-matmul'
kind = 'speedup'
array heading[2] = ['matmul, n = 2304: speedup over the sequential program', 'Oxide Virtual Turin-like Processor , 2 physical cores, 2 PUs (amd-oxide-virtual-turin-like-2c2t-7e33ad, 2026-12-05)']
array caption[4] = ['Points: median speedups; bars: 95% bootstrap intervals of the ratio of medians (2000 resamples). At least 10 runs per point (pooled over 5 interleaved rounds).', "Base T_seq = 497 ms, 95% CI [479 ms, 561 ms]. Every point verified against the sequential result. 15 of 19 points noisy (CV > 3%): moving with a different speed from one run of the binary to the next (15), context switches (6), other processes' CPU time (2).", 'Points are offset sideways slightly so that bars stay apart. Dashed line: the physical cores; shaded: more workers than PUs.', "At p = 1 (one worker, the same kernel call), time against bench-seq (causes: the README's p = 1 table): procpool 1.111x [1.046, 1.210], procs 1.141x [1.073, 1.168] (10,414 page faults a run against 0)"]
ylabel = 'speedup S(p) = T_seq / T(p)'
cores = 2
pus = 2
pmax = 4
xtics = '1, 2, 4'
quota_from = 0
series_n = 6
array series[6] = ['openblas', 'openmp', 'procpool', 'procs', 'threadpool', 'threads']
array data[6] = ['sweep-matmul-openblas.csv', 'sweep-matmul-openmp.csv', 'sweep-matmul-procpool.csv', 'sweep-matmul-procs.csv', 'sweep-matmul-threadpool.csv', 'sweep-matmul-threads.csv']
array rank[6] = [1, 2, 3, 4, 5, 6]
array offset[6] = [-0.12, -0.072, -0.024, 0.024, 0.072, 0.12]
seq_s = 0.496502888
seq_title = 'bench-seq: 497 ms'
unverified = ''
load 'style.gp'
load 'sweep.gp'
