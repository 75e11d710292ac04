# micro-sync-contended.gp - p workers on one object
# Drawn by scripts/cbench.py from /work/main/results/amd-oxide-virtual-turin-like-2c2t-7e33ad/2026-12-05T123337Z/micro. To change it, edit the
# values below, style.gp (every chart's look) or micro-lines.gp (this kind of chart),
# then run, in this folder: gnuplot micro-sync-contended.gp (it writes ../micro-sync-contended.png and .svg).
if (!exists("out")) out = '../micro-sync-contended'
array heading[2] = ['p workers on one object', 'Oxide Virtual Turin-like Processor , 2 physical cores, 2 PUs (amd-oxide-virtual-turin-like-2c2t-7e33ad, 2026-12-05)']
array caption[2] = ['Points: medians; bars: 95% confidence intervals of the median.', 'Shaded: more workers than the 2 PUs (oversubscribed).']
xlabel = 'workers p'
xtics = '1, 2, 3, 4'
pus = 2
pmax = 4
logy = 1
array panel_title[2] = ['between threads', 'between processes']
array panel_ylabel[2] = ['million operations per second (all workers)', 'million operations per second (all workers)']
array panel_first[2] = [1, 8]
array panel_last[2] = [7, 14]
array line_data[14] = ['micro-sync-mutex-threads.csv', 'micro-sync-rmutex-threads.csv', 'micro-sync-sem-threads.csv', 'micro-sync-cond-threads.csv', 'micro-sync-event-threads.csv', 'micro-sync-barrier-threads.csv', 'micro-sync-atomic-threads.csv', 'micro-sync-mutex-processes.csv', 'micro-sync-rmutex-processes.csv', 'micro-sync-sem-processes.csv', 'micro-sync-cond-processes.csv', 'micro-sync-event-processes.csv', 'micro-sync-barrier-processes.csv', 'micro-sync-atomic-processes.csv']
array line_title[14] = ['mutex', 'rmutex', 'sem', 'cond', 'event', 'barrier', 'atomic', 'mutex', 'rmutex', 'sem', 'cond', 'event', 'barrier', 'atomic']
array line_colour[14] = [1, 2, 3, 4, 5, 6, 7, 1, 2, 3, 4, 5, 6, 7]
array line_dash[14] = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
load 'style.gp'
load 'micro-lines.gp'
