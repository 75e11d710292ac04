# micro-memory.gp - memory of the program and its workers
# Drawn by scripts/cbench.py from /work/main/results/amd-oxide-virtual-turin-like-2c2t-7e33ad/2026-12-05T123337Z/micro. To change it, edit the
# values below, style.gp (every chart's look) or micro-lines.gp (this kind of chart),
# then run, in this folder: gnuplot micro-memory.gp (it writes ../micro-memory.png and .svg).
if (!exists("out")) out = '../micro-memory'
array heading[2] = ['Memory of the program and its workers', 'Oxide Virtual Turin-like Processor , 2 physical cores, 2 PUs (amd-oxide-virtual-turin-like-2c2t-7e33ad, 2026-12-05)']
array caption[2] = ['Points: medians; bars: 95% confidence intervals of the median.', 'Solid: PSS (proportional); dashed: RSS (resident, shared pages counted in every process).']
xlabel = 'workers p'
xtics = '1, 2'
pus = 2
pmax = 2
logy = 0
array panel_title[2] = ['matmul input n = 256', 'matmul input n = 2048']
array panel_ylabel[2] = ['MiB, summed over the parent and its worker processes', 'MiB, summed over the parent and its worker processes']
array panel_first[2] = [1, 7]
array panel_last[2] = [6, 12]
array line_data[12] = ['micro-memory-256-threads-pss.csv', 'micro-memory-256-fork-pss.csv', 'micro-memory-256-spawn-pss.csv', 'micro-memory-256-threads-rss.csv', 'micro-memory-256-fork-rss.csv', 'micro-memory-256-spawn-rss.csv', 'micro-memory-2048-threads-pss.csv', 'micro-memory-2048-fork-pss.csv', 'micro-memory-2048-spawn-pss.csv', 'micro-memory-2048-threads-rss.csv', 'micro-memory-2048-fork-rss.csv', 'micro-memory-2048-spawn-rss.csv']
array line_title[12] = ['threads PSS', 'fork PSS', 'spawn PSS', 'threads RSS', 'fork RSS', 'spawn RSS', 'threads PSS', 'fork PSS', 'spawn PSS', 'threads RSS', 'fork RSS', 'spawn RSS']
array line_colour[12] = [1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]
array line_dash[12] = [1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2]
load 'style.gp'
load 'micro-lines.gp'
