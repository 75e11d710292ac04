# micro-overhead.gp - creating and dispatching workers
# Drawn by scripts/cbench.py from /work/main/results/amd-oxide-virtual-turin-like-2c2t-7e33ad/2026-12-05T123337Z/micro. To change it, edit the
# values below, style.gp (every chart's look) or micro-lines.gp (this kind of chart),
# then run, in this folder: gnuplot micro-overhead.gp (it writes ../micro-overhead.png and .svg).
if (!exists("out")) out = '../micro-overhead'
array heading[2] = ['Creating and dispatching workers', 'Oxide Virtual Turin-like Processor , 2 physical cores, 2 PUs (amd-oxide-virtual-turin-like-2c2t-7e33ad, 2026-12-05)']
array caption[2] = ['Points: medians; bars: 95% confidence intervals of the median. Calibrated work subtracted.', 'Shaded: more workers than the 2 PUs (oversubscribed).']
xlabel = 'workers p'
xtics = '1, 2, 3, 4'
pus = 2
pmax = 4
logy = 1
array panel_title[2] = ['creation: per worker (create/fork/spawn, then join/wait)', 'dispatch: one pass of p empty tasks (workers created once)']
array panel_ylabel[2] = ['us per worker', 'us per dispatch']
array panel_first[2] = [1, 5]
array panel_last[2] = [4, 7]
array line_data[7] = ['micro-overhead-thread.csv', 'micro-overhead-fork.csv', 'micro-overhead-spawn.csv', 'micro-overhead-spawn-self.csv', 'micro-overhead-threadpool.csv', 'micro-overhead-procpool.csv', 'micro-overhead-openmp.csv']
array line_title[7] = ['thread', 'fork', 'spawn', 'spawn-self', 'threadpool', 'procpool', 'openmp']
array line_colour[7] = [1, 2, 3, 4, 5, 6, 7]
array line_dash[7] = [1, 1, 1, 1, 1, 1, 1]
load 'style.gp'
load 'micro-lines.gp'
