# efficiency-matmul.gp - matmul, n = 2304: parallel efficiency (oxide-virtual-turin-like-2c2t)
# Drawn by scripts/cbench.py from /work/main/results/oxide-virtual-turin-like-2c2t. To change it, edit the
# values below, style.gp (every chart's look) or sweep.gp (this kind of chart),
# then run, in this folder: gnuplot efficiency-matmul.gp (it writes ../efficiency-matmul.png and .svg).
if (!exists("out")) out = '../efficiency-matmul'
kind = 'efficiency'
array heading[2] = ['matmul, n = 2304: parallel efficiency', 'Oxide Virtual Turin-like Processor , 2 physical cores, 2 PUs (oxide-virtual-turin-like-2c2t, 2026-12-04)']
array caption[3] = ['Points: median speedup / p; bars: 95% bootstrap intervals (2000 resamples). At least 10 runs per point (pooled over 2 interleaved rounds).', 'Base T_seq = 501 ms, 95% CI [485 ms, 517 ms]. Every point verified against the sequential result. 7 of 22 points noisy (CV > 3%).', 'Points are offset sideways slightly so that bars stay apart. Dashed line: the physical cores; shaded: more workers than PUs.']
ylabel = 'efficiency E(p) = S(p) / p'
cores = 2
pus = 2
pmax = 4
xtics = '1, 2, 4'
series_n = 7
array series[7] = ['mpi', 'openblas', 'openmp', 'procpool', 'procs', 'threadpool', 'threads']
array data[7] = ['sweep-matmul-mpi.csv', 'sweep-matmul-openblas.csv', 'sweep-matmul-openmp.csv', 'sweep-matmul-procpool.csv', 'sweep-matmul-procs.csv', 'sweep-matmul-threadpool.csv', 'sweep-matmul-threads.csv']
array rank[7] = [1, 2, 3, 4, 5, 6, 7]
array offset[7] = [-0.144, -0.096, -0.048, 0, 0.048, 0.096, 0.144]
seq_s = 0.501044928
seq_title = 'bench-seq: 501 ms'
unverified = ''
load 'style.gp'
load 'sweep.gp'
