# speedup-matmul.gp - matmul, n = 2304: speedup over the sequential program (amd-oxide-virtual-turin-like-2c2t-7e33ad)
# Drawn by scripts/cbench.py from /tmp/mpirun/results/amd-oxide-virtual-turin-like-2c2t-7e33ad/2026-12-05T115933Z. To change it, edit the
# values below, style.gp (every chart's look) or sweep.gp (this kind of chart),
# then run, in this folder: gnuplot speedup-matmul.gp (it writes ../speedup-matmul.png and .svg).
if (!exists("out")) out = '../speedup-matmul'
kind = 'speedup'
array heading[2] = ['matmul, n = 2304: speedup over the sequential program', 'Oxide Virtual Turin-like Processor , 2 physical cores, 2 PUs (amd-oxide-virtual-turin-like-2c2t-7e33ad, 2026-12-05)']
array caption[3] = ['Points: median speedups; bars: 95% bootstrap intervals of the ratio of medians (2000 resamples). At least 10 runs per point (pooled over 2 interleaved rounds).', "Base T_seq = 510 ms, 95% CI [486 ms, 538 ms]. Every point verified against the sequential result. 2 of 3 points noisy (CV > 3%): moving with other processes' CPU time (1); 1 with none of the recorded causes.", 'Points are offset sideways slightly so that bars stay apart. Dashed line: the physical cores; shaded: more workers than PUs.']
ylabel = 'speedup S(p) = T_seq / T(p)'
cores = 2
pus = 2
pmax = 2
xtics = '1, 2'
quota_from = 0
series_n = 1
array series[1] = ['mpi']
array data[1] = ['sweep-matmul-mpi.csv']
array rank[1] = [1]
array offset[1] = [0]
seq_s = 0.510256048
seq_title = 'bench-seq: 510 ms'
unverified = ''
load 'style.gp'
load 'sweep.gp'
