# time-randsum.gp - randsum, N = 800000000: median wall time (amd-oxide-virtual-turin-like-2c2t-7e33ad)
# Drawn by scripts/cbench.py from /tmp/mpirun/results/amd-oxide-virtual-turin-like-2c2t-7e33ad/2026-12-05T115933Z. To change it, edit the
# values below, style.gp (every chart's look) or sweep.gp (this kind of chart),
# then run, in this folder: gnuplot time-randsum.gp (it writes ../time-randsum.png and .svg).
if (!exists("out")) out = '../time-randsum'
kind = 'time'
array heading[2] = ['randsum, N = 800000000: median wall time', 'Oxide Virtual Turin-like Processor , 2 physical cores, 2 PUs (amd-oxide-virtual-turin-like-2c2t-7e33ad, 2026-12-05)']
array caption[3] = ['Points: median times; bars: 95% confidence intervals of the median (order statistics). At least 10 runs per point (pooled over 2 interleaved rounds).', 'Base T_seq = 142 ms, 95% CI [142 ms, 149 ms]. Every point verified against the sequential result.', 'Points are offset sideways slightly so that bars stay apart. Dashed line: the physical cores; shaded: more workers than PUs.']
ylabel = 'median wall time per run (log scale)'
cores = 2
pus = 2
pmax = 2
xtics = '1, 2'
quota_from = 0
series_n = 1
array series[1] = ['mpi']
array data[1] = ['sweep-randsum-mpi.csv']
array rank[1] = [1]
array offset[1] = [0]
seq_s = 0.142235809
seq_title = 'bench-seq: 142 ms'
unverified = ''
ylo = 0.0437648643077
yhi = 0.1933765262
ytics = '"50 ms" 0.05, "60 ms" 0.06, "70 ms" 0.07, "80 ms" 0.08, "90 ms" 0.09, "100 ms" 0.1'
load 'style.gp'
load 'sweep.gp'
