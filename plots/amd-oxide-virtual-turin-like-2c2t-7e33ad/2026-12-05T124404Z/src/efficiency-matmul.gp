# efficiency-matmul.gp - matmul, n = 2304: parallel efficiency (amd-oxide-virtual-turin-like-2c2t-7e33ad)
# Drawn by scripts/cbench.py from /work/main/results/amd-oxide-virtual-turin-like-2c2t-7e33ad/2026-12-05T124404Z. To change it, edit the
# values below, style.gp (every chart's look) or sweep.gp (this kind of chart),
# then run, in this folder: gnuplot efficiency-matmul.gp (it writes ../efficiency-matmul.png and .svg).
if (!exists("out")) out = '../efficiency-matmul'
kind = 'efficiency'
array heading[2] = ['matmul, n = 2304: parallel efficiency', 'Oxide Virtual Turin-like Processor , 2 physical cores, 2 PUs (amd-oxide-virtual-turin-like-2c2t-7e33ad, 2026-12-05)']
array caption[4] = ['Points: median speedup / p; bars: 95% bootstrap intervals (2000 resamples). At least 10 runs per point (pooled over 5 interleaved rounds).', "Base T_seq = 491 ms, 95% CI [471 ms, 514 ms]. Every point verified against the sequential result. 6 of 19 points noisy (CV > 3%): moving with a different speed from one run of the binary to the next (6), page faults (1), other processes' CPU time (1), context switches (1).", 'Points are offset sideways slightly so that bars stay apart. Dashed line: the physical cores; shaded: more workers than PUs.', "At p = 1 (one worker, the same kernel call), time against bench-seq (causes: the README's p = 1 table): procpool 1.091x [1.066, 1.147], procs 1.119x [1.087, 1.168] (10,416 page faults a run against 0)"]
ylabel = 'efficiency E(p) = S(p) / p'
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
seq_s = 0.490667765
seq_title = 'bench-seq: 491 ms'
unverified = ''
load 'style.gp'
load 'sweep.gp'
