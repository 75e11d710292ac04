# speedup-randsum.gp - randsum, N = 800000000: speedup over the sequential program (oxide-virtual-turin-like-2c2t)
# Drawn by scripts/cbench.py from /work/main/results/oxide-virtual-turin-like-2c2t. To change it, edit the
# values below, style.gp (every chart's look) or sweep.gp (this kind of chart),
# then run, in this folder: gnuplot speedup-randsum.gp (it writes ../speedup-randsum.png and .svg).
if (!exists("out")) out = '../speedup-randsum'
kind = 'speedup'
array heading[2] = ['randsum, N = 800000000: speedup over the sequential program', 'Oxide Virtual Turin-like Processor , 2 physical cores, 2 PUs (oxide-virtual-turin-like-2c2t, 2026-12-04)']
array caption[3] = ['Points: median speedups; bars: 95% bootstrap intervals of the ratio of medians (2000 resamples). At least 10 runs per point (pooled over 2 interleaved rounds).', 'Base T_seq = 139 ms, 95% CI [137 ms, 145 ms]. Every point verified against the sequential result. 4 of 19 points noisy (CV > 3%).', 'Points are offset sideways slightly so that bars stay apart. Dashed line: the physical cores; shaded: more workers than PUs.']
ylabel = 'speedup S(p) = T_seq / T(p)'
cores = 2
pus = 2
pmax = 4
xtics = '1, 2, 4'
series_n = 6
array series[6] = ['mpi', 'openmp', 'procpool', 'procs', 'threadpool', 'threads']
array data[6] = ['sweep-randsum-mpi.csv', 'sweep-randsum-openmp.csv', 'sweep-randsum-procpool.csv', 'sweep-randsum-procs.csv', 'sweep-randsum-threadpool.csv', 'sweep-randsum-threads.csv']
array rank[6] = [1, 3, 4, 5, 6, 7]
array offset[6] = [-0.12, -0.072, -0.024, 0.024, 0.072, 0.12]
seq_s = 0.138656986
seq_title = 'bench-seq: 139 ms'
unverified = ''
load 'style.gp'
load 'sweep.gp'
