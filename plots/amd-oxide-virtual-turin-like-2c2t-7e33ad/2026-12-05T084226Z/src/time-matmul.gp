# time-matmul.gp - matmul, n = 2304: median wall time (amd-oxide-virtual-turin-like-2c2t-7e33ad)
# Drawn by scripts/cbench.py from /work/main/results/amd-oxide-virtual-turin-like-2c2t-7e33ad/2026-12-05T084226Z. To change it, edit the
# values below, style.gp (every chart's look) or sweep.gp (this kind of chart),
# then run, in this folder: gnuplot time-matmul.gp (it writes ../time-matmul.png and .svg).
if (!exists("out")) out = '../time-matmul'
kind = 'time'
array heading[2] = ['matmul, n = 2304: median wall time', 'Oxide Virtual Turin-like Processor , 2 physical cores, 2 PUs (amd-oxide-virtual-turin-like-2c2t-7e33ad, 2026-12-05)']
array caption[4] = ['Points: median times; bars: 95% confidence intervals of the median (order statistics). At least 10 runs per point (pooled over 2 interleaved rounds).', 'Base T_seq = 515 ms, 95% CI [505 ms, 521 ms]. Every point verified against the sequential result. 2 of 13 points noisy (CV > 3%): moving with context switches (1); 1 with none of the recorded causes.', 'Points are offset sideways slightly so that bars stay apart. Dashed line: the physical cores; shaded: more workers than PUs.', "At p = 1 (one worker, the same kernel call), time against bench-seq (causes: the README's p = 1 table): procpool 1.088x [1.067, 1.111], procs 1.111x [1.044, 1.152] (10,416 page faults a run against 0)"]
ylabel = 'median wall time per run (log scale)'
cores = 2
pus = 2
pmax = 2
xtics = '1, 2'
quota_from = 0
series_n = 6
array series[6] = ['openblas', 'openmp', 'procpool', 'procs', 'threadpool', 'threads']
array data[6] = ['sweep-matmul-openblas.csv', 'sweep-matmul-openmp.csv', 'sweep-matmul-procpool.csv', 'sweep-matmul-procs.csv', 'sweep-matmul-threadpool.csv', 'sweep-matmul-threads.csv']
array rank[6] = [1, 2, 3, 4, 5, 6]
array offset[6] = [-0.06, -0.036, -0.012, 0.012, 0.036, 0.06]
seq_s = 0.515463808
seq_title = 'bench-seq: 515 ms'
unverified = ''
ylo = 0.158604248615
yhi = 0.7686151928
ytics = '"200 ms" 0.2, "300 ms" 0.3, "400 ms" 0.4, "500 ms" 0.5, "600 ms" 0.6, "700 ms" 0.7'
load 'style.gp'
load 'sweep.gp'
