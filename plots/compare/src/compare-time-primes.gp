# compare-time-primes.gp - primes: median wall time on each machine
# Drawn by scripts/cbench.py from /work/main/results/amd-epyc-2c2t, /work/main/results/intel-xeon-2c2t, /work/main/results/oxide-virtual-turin-like-2c2t. To change it, edit the
# values below, style.gp (every chart's look) or compare.gp (this kind of chart),
# then run, in this folder: gnuplot compare-time-primes.gp (it writes ../compare-time-primes.png and .svg).
if (!exists("out")) out = '../compare-time-primes'
kind = 'time'
array heading[4] = ['primes: median wall time on each machine', 'amd-epyc-2c2t: AMD EPYC, 2 cores, 2 PUs, N = 6500000', 'intel-xeon-2c2t: Intel(R) Xeon(R) Processor, 2 cores, 2 PUs, N = 6500000', 'oxide-virtual-turin-like-2c2t: Oxide Virtual Turin-like Processor , 2 cores, 2 PUs, N = 6500000']
array caption[3] = ['Points: median times; bars: 95% CIs of the median (order statistics). Black lines: bench-seq of each machine, dashed as the machine.', 'Colour: model; line and point style: machine; vertical lines: physical cores. A speedup alone does not compare machines: read it with the times.', "Shaded: p > a machine's PUs (darker where several overlap). Every point verified."]
xlabel = 'workers p'
ylabel = 'median wall time per run (log scale)'
xmode = 'workers'
xlo = 0.5
xhi = 4.5
xtics = '1, 2, 4'
array machine[3] = ['amd-epyc-2c2t', 'intel-xeon-2c2t', 'oxide-virtual-turin-like-2c2t']
array machine_in[3] = [1, 1, 1]
array machine_cores[3] = [2, 2, 2]
array machine_pus[3] = [2, 2, 2]
array machine_offset[3] = [-0.072, 0, 0.072]
array seq_s[3] = [0.935381709, 0.812291526, 0.850921438]
series_n = 6
array series[6] = ['mpi', 'openmp', 'procpool', 'procs', 'threadpool', 'threads']
array series_rank[6] = [1, 3, 4, 5, 6, 7]
data_n = 18
array data[18] = ['compare-primes-amd-epyc-2c2t-mpi.csv', 'compare-primes-intel-xeon-2c2t-mpi.csv', 'compare-primes-oxide-virtual-turin-like-2c2t-mpi.csv', 'compare-primes-amd-epyc-2c2t-openmp.csv', 'compare-primes-intel-xeon-2c2t-openmp.csv', 'compare-primes-oxide-virtual-turin-like-2c2t-openmp.csv', 'compare-primes-amd-epyc-2c2t-procpool.csv', 'compare-primes-intel-xeon-2c2t-procpool.csv', 'compare-primes-oxide-virtual-turin-like-2c2t-procpool.csv', 'compare-primes-amd-epyc-2c2t-procs.csv', 'compare-primes-intel-xeon-2c2t-procs.csv', 'compare-primes-oxide-virtual-turin-like-2c2t-procs.csv', 'compare-primes-amd-epyc-2c2t-threadpool.csv', 'compare-primes-intel-xeon-2c2t-threadpool.csv', 'compare-primes-oxide-virtual-turin-like-2c2t-threadpool.csv', 'compare-primes-amd-epyc-2c2t-threads.csv', 'compare-primes-intel-xeon-2c2t-threads.csv', 'compare-primes-oxide-virtual-turin-like-2c2t-threads.csv']
array data_machine[18] = [1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]
array data_rank[18] = [1, 1, 1, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6, 7, 7, 7]
ylo = 0.294848638462
yhi = 1.4716952432
ytics = '"300 ms" 0.3, "400 ms" 0.4, "500 ms" 0.5, "600 ms" 0.6, "700 ms" 0.7, "800 ms" 0.8, "900 ms" 0.9, "1 s" 1'
load 'style.gp'
load 'compare.gp'
