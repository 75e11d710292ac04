# time-randsum.gp - randsum, N = 800000000: median wall time (amd-oxide-virtual-turin-like-2c2t-7e33ad)
# Drawn by scripts/cbench.py from /work/main/results/amd-oxide-virtual-turin-like-2c2t-7e33ad/2026-12-05T123337Z. To change it, edit the
# values below, style.gp (every chart's look) or sweep.gp (this kind of chart),
# then run, in this folder: gnuplot time-randsum.gp (it writes ../time-randsum.png and .svg).
if (!exists("out")) out = '../time-randsum'
kind = 'time'
array heading[2] = ['randsum, N = 800000000: median wall time', 'Oxide Virtual Turin-like Processor , 2 physical cores, 2 PUs (amd-oxide-virtual-turin-like-2c2t-7e33ad, 2026-12-05)']
array caption[4] = ['Points: median times; bars: 95% confidence intervals of the median (order statistics). At least 10 runs per point (pooled over 5 interleaved rounds).', "Base T_seq = 140 ms, 95% CI [131 ms, 147 ms]. Every point verified against the sequential result. 10 of 16 points noisy (CV > 3%): moving with a different speed from one run of the binary to the next (10), context switches (3), other processes' CPU time (1).", 'Points are offset sideways slightly so that bars stay apart. Dashed line: the physical cores; shaded: more workers than PUs.', "At p = 1 (one worker, the same kernel call), time against bench-seq (causes: the README's p = 1 table): procpool 0.953x [0.928, 0.996]"]
ylabel = 'median wall time per run (log scale)'
cores = 2
pus = 2
pmax = 4
xtics = '1, 2, 4'
quota_from = 0
series_n = 5
array series[5] = ['openmp', 'procpool', 'procs', 'threadpool', 'threads']
array data[5] = ['sweep-randsum-openmp.csv', 'sweep-randsum-procpool.csv', 'sweep-randsum-procs.csv', 'sweep-randsum-threadpool.csv', 'sweep-randsum-threads.csv']
array rank[5] = [2, 3, 4, 5, 6]
array offset[5] = [-0.096, -0.048, 0, 0.048, 0.096]
seq_s = 0.140490978
seq_title = 'bench-seq: 140 ms'
unverified = ''
ylo = 0.0240155517949
yhi = 0.2271511177
ytics = '"50 ms" 0.05, "100 ms" 0.1, "200 ms" 0.2'
load 'style.gp'
load 'sweep.gp'
