# time-randsum.gp - randsum, N = 800000000: median wall time (amd-oxide-virtual-turin-like-2c2t-7e33ad)
# Drawn by scripts/cbench.py from /work/main/results/amd-oxide-virtual-turin-like-2c2t-7e33ad/2026-12-05T083905Z. To change it, edit the
# values below, style.gp (every chart's look) or sweep.gp (this kind of chart),
# then run, in this folder: gnuplot time-randsum.gp (it writes ../time-randsum.png and .svg).
if (!exists("out")) out = '../time-randsum'
kind = 'time'
array heading[2] = ['randsum, N = 800000000: median wall time', 'Oxide Virtual Turin-like Processor , 2 physical cores, 2 PUs (amd-oxide-virtual-turin-like-2c2t-7e33ad, 2026-12-05)']
array caption[4] = ['Points: median times; bars: 95% confidence intervals of the median (order statistics). At least 10 runs per point (pooled over 2 interleaved rounds).', "Base T_seq = 143 ms, 95% CI [142 ms, 144 ms]. Every point verified against the sequential result. 2 of 11 points noisy (CV > 3%): moving with other processes' CPU time (1), context switches (1); 1 with none of the recorded causes.", 'Points are offset sideways slightly so that bars stay apart. Dashed line: the physical cores; shaded: more workers than PUs.', "At p = 1 (one worker, the same kernel call), time against bench-seq (causes: the README's p = 1 table): openmp 0.967x [0.944, 0.988]"]
ylabel = 'median wall time per run (log scale)'
cores = 2
pus = 2
pmax = 2
xtics = '1, 2'
quota_from = 0
series_n = 5
array series[5] = ['openmp', 'procpool', 'procs', 'threadpool', 'threads']
array data[5] = ['sweep-randsum-openmp.csv', 'sweep-randsum-procpool.csv', 'sweep-randsum-procs.csv', 'sweep-randsum-threadpool.csv', 'sweep-randsum-threads.csv']
array rank[5] = [2, 3, 4, 5, 6]
array offset[5] = [-0.048, -0.024, 0, 0.024, 0.048]
seq_s = 0.142867440
seq_title = 'bench-seq: 143 ms'
unverified = ''
ylo = 0.0439592123077
yhi = 0.2001243751
ytics = '"50 ms" 0.05, "100 ms" 0.1, "200 ms" 0.2'
load 'style.gp'
load 'sweep.gp'
