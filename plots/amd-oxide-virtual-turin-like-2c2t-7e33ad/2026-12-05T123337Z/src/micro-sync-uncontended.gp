# micro-sync-uncontended.gp - one operation, uncontended
# Drawn by scripts/cbench.py from /work/main/results/amd-oxide-virtual-turin-like-2c2t-7e33ad/2026-12-05T123337Z/micro. To change it, edit the
# values below, style.gp (every chart's look) or micro-bars.gp (this kind of chart),
# then run, in this folder: gnuplot micro-sync-uncontended.gp (it writes ../micro-sync-uncontended.png and .svg).
if (!exists("out")) out = '../micro-sync-uncontended'
array heading[2] = ['One operation, uncontended', 'Oxide Virtual Turin-like Processor , 2 physical cores, 2 PUs (amd-oxide-virtual-turin-like-2c2t-7e33ad, 2026-12-05)']
array caption[1] = ['Bars: medians; error bars: 95% confidence intervals of the median. The empty loop subtracted.']
xlabel = 'primitive'
array panel_title[1] = ['']
array panel_ylabel[1] = ['ns per operation']
array panel_data[1] = ['micro-sync-uncontended.csv']
array panel_first[1] = [1]
array panel_last[1] = [2]
array group[2] = ['threads', 'processes']
array group_title[2] = ['threads (private object)', 'processes (process-shared object)']
array group_colour[2] = [1, 2]
load 'style.gp'
load 'micro-bars.gp'
