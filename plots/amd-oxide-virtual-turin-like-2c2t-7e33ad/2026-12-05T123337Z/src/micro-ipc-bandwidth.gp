# micro-ipc-bandwidth.gp - channel bandwidth, one way
# Drawn by scripts/cbench.py from /work/main/results/amd-oxide-virtual-turin-like-2c2t-7e33ad/2026-12-05T123337Z/micro. To change it, edit the
# values below, style.gp (every chart's look) or micro-bars.gp (this kind of chart),
# then run, in this folder: gnuplot micro-ipc-bandwidth.gp (it writes ../micro-ipc-bandwidth.png and .svg).
if (!exists("out")) out = '../micro-ipc-bandwidth'
array heading[2] = ['Channel bandwidth, one way', 'Oxide Virtual Turin-like Processor , 2 physical cores, 2 PUs (amd-oxide-virtual-turin-like-2c2t-7e33ad, 2026-12-05)']
array caption[1] = ['Bars: medians; error bars: 95% confidence intervals of the median.']
xlabel = 'channel'
array panel_title[2] = ['messages of 8 B', 'messages of 1 MiB']
array panel_ylabel[2] = ['MiB/s', 'MiB/s']
array panel_data[2] = ['micro-ipc-bandwidth-8.csv', 'micro-ipc-bandwidth-1048576.csv']
array panel_first[2] = [1, 3]
array panel_last[2] = [2, 4]
array group[4] = ['threads', 'processes', 'threads', 'processes']
array group_title[4] = ['between threads', 'between processes', 'between threads', 'between processes']
array group_colour[4] = [1, 2, 1, 2]
load 'style.gp'
load 'micro-bars.gp'
