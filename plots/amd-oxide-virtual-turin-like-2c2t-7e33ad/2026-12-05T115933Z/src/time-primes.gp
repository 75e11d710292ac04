# time-primes.gp - primes, N = 6500000: median wall time (amd-oxide-virtual-turin-like-2c2t-7e33ad)
# Drawn by scripts/cbench.py from /tmp/mpirun/results/amd-oxide-virtual-turin-like-2c2t-7e33ad/2026-12-05T115933Z. To change it, edit the
# values below, style.gp (every chart's look) or sweep.gp (this kind of chart),
# then run, in this folder: gnuplot time-primes.gp (it writes ../time-primes.png and .svg).
if (!exists("out")) out = '../time-primes'
kind = 'time'
array heading[2] = ['primes, N = 6500000: median wall time', 'Oxide Virtual Turin-like Processor , 2 physical cores, 2 PUs (amd-oxide-virtual-turin-like-2c2t-7e33ad, 2026-12-05)']
array caption[3] = ['Points: median times; bars: 95% confidence intervals of the median (order statistics). At least 10 runs per point (pooled over 2 interleaved rounds).', 'Base T_seq = 866 ms, 95% CI [848 ms, 881 ms]. Every point verified against the sequential result.', 'Points are offset sideways slightly so that bars stay apart. Dashed line: the physical cores; shaded: more workers than PUs.']
ylabel = 'median wall time per run (log scale)'
cores = 2
pus = 2
pmax = 2
xtics = '1, 2'
quota_from = 0
series_n = 1
array series[1] = ['mpi']
array data[1] = ['sweep-primes-mpi.csv']
array rank[1] = [1]
array offset[1] = [0]
seq_s = 0.865562263
seq_title = 'bench-seq: 866 ms'
unverified = ''
ylo = 0.266326850154
yhi = 1.1665708483
ytics = '"300 ms" 0.3, "400 ms" 0.4, "500 ms" 0.5, "600 ms" 0.6, "700 ms" 0.7, "800 ms" 0.8, "900 ms" 0.9, "1 s" 1'
load 'style.gp'
load 'sweep.gp'
