# style.gp - the look of every chart of concurrency-bench: the sweep's, the comparison's,
# the micro-benchmarks', the engines' and the break-even charts. Change a colour, a font or
# a size here and every chart follows.
#
# Each chart has a file of its own (<plots folder>/src/<chart>.gp) that sets the chart's
# variables, loads this file, then its template (sweep.gp, compare.gp, ...), which draws
# ../<chart>.png and ../<chart>.svg. This file needs two of the chart's variables:
#   array heading   the lines at the top left: the title, then the machine(s)
#   array caption   the lines at the bottom left: what the points, bars and lines mean
# and gives the templates: terminal(ext), colour(i), point(i), open_point(i), dash(i),
# or_else(a, b), the colours below, key_outside and key_inside, the margins (top_edge,
# bottom_edge), and the commands (for eval) of the bands and lines: oversub_band,
# oversub_label, smt_band, smt_label, quota_band, quota_label, cores_line, clear_heading.
# Data files are CSV with a header line (columns are used by name) after a comment line.

reset
set encoding utf8
set datafile separator comma
set datafile missing '?'
set key autotitle columnhead  # the header line of every data file is names, not a point

# --- size and fonts: PNG (cairo) and SVG, white background, no markup in strings ----------
chart_size = '1280,840'
font_name = 'DejaVu Sans'
font_size = 12
terminal(ext) = sprintf("set terminal %s size %s font '%s,%g' noenhanced background rgb 'white'", \
                        ext eq 'svg' ? 'svg' : 'pngcairo', chart_size, font_name, font_size)
if (!exists("formats")) formats = 'png svg'
title_font = ',14'     # the first heading line
line_font = ',11.5'    # the other heading lines (the machine)
caption_font = ',10.5'
band_font = ',11'      # the names written in the shaded bands

# --- colours, point and dash types ---------------------------------------------------------
# Okabe-Ito (readable on white and by most colour-blind readers) without its yellow, then
# darker extras. A series' colour is its place in the sorted list of the chart's or the
# folder's series names, so a model keeps its colour in every chart of a folder.
palette = '#0072B2 #D55E00 #009E73 #CC79A7 #E69F00 #56B4E9 #6A3D9A #8C510A #B2182B #1B7837'
colour(i) = word(palette, (int(i) - 1) % words(palette) + 1)
point_types = '7 5 9 11 13 15'            # filled circle, square, triangles, diamond, pentagon
point(i) = int(word(point_types, (int(i) - 1) % words(point_types) + 1))
open_point(i) = point(i) - 1              # the same shape, not filled
dash_types = '1 2 4 5 3'
dash(i) = int(word(dash_types, (int(i) - 1) % words(dash_types) + 1))
seq_colour = '#000000'      # bench-seq, the baseline
ideal_colour = '#888888'    # ideal lines (S = p, E = 1, T_seq / p)
bad_colour = '#d00000'      # points not verified
cores_colour = '#555555'    # the vertical line at the physical cores
oversub_colour = '#f4a582'  # p > PUs: oversubscribed
oversub_text = '#a03c00'
smt_colour = '#93b7e3'      # cores < p <= PUs: SMT siblings
quota_colour = '#e7a0a0'    # p > the cgroup CPU quota: hatched
smt_text = '#2060a0'
band_alpha = 0.3            # bands are transparent: several machines' bands add up
line_width = 2
point_size = 1.4

# a, or b where a is missing (NaN): an interval drawn as its median when it has none
or_else(a, b) = (a == a) ? a : b

# --- axes, grid, key, error bars ------------------------------------------------------------
set border 3 lc rgb '#404040' lw 1.2
set tics nomirror out
set grid xtics ytics lc rgb '#e4e4e4' lw 1 dt 1
set bars 1.5
set style fill solid 1.0 border
key_outside = "set key outside right top vertical Left reverse box lc rgb '#b0b0b0' spacing 1.3 samplen 3 width 1"
key_inside = "set key inside left top vertical Left reverse opaque box lc rgb '#b0b0b0' spacing 1.2 samplen 3 width 1"
eval key_outside

# --- heading (top left) and captions (bottom left), the graph between them ------------------
top_edge = 0.975 - 0.032 * |heading| - 0.03
bottom_edge = 0.115 + 0.033 * |caption|
set tmargin at screen top_edge
set bmargin at screen bottom_edge
set lmargin 11
heading_at(i) = 0.975 - 0.032 * (i - 1)
caption_at(i) = 0.019 + 0.033 * (|caption| - i)
set_heading = "do for [i = 1:|heading|] { set label 90 + i heading[i] at screen 0.01, screen heading_at(i) left font (i == 1 ? title_font : line_font) }; do for [i = 1:|caption|] { set label 100 + i caption[i] at screen 0.01, screen caption_at(i) left font caption_font }"
clear_heading = "do for [i = 91:120] { unset label i }"
eval set_heading
# (a multiplot draws its labels with each graph: its template clears them after the first
# graph and sets them again for the next format)

# --- bands and lines: eval these ------------------------------------------------------------
# more workers than PUs: shaded from x0 to the right edge
oversub_band(tag, x0) = sprintf("set object %d rect from first %.12g, graph 0 to graph 1, graph 1 behind fc rgb '%s' fs transparent solid %g noborder", tag, x0, oversub_colour, band_alpha)
oversub_label(tag, x, text) = sprintf("set label %d '%s' at first %.12g, graph 0.97 center tc rgb '%s' font '%s' front", tag, text, x, oversub_text, band_font)
# SMT siblings (more workers than cores, not more than PUs): shaded from x0 to x1
quota_band(tag, x0) = sprintf("set object %d rect from first %.12g, graph 0 to graph 1, graph 1 behind fc rgb '%s' fs transparent pattern 5 noborder", tag, x0, quota_colour)
quota_label(tag, x, text) = sprintf("set label %d '%s' at first %.12g, graph 0.91 center tc rgb '%s' font '%s' front", tag, text, x, bad_colour, band_font)
smt_band(tag, x0, x1) = sprintf("set object %d rect from first %.12g, graph 0 to first %.12g, graph 1 behind fc rgb '%s' fs transparent solid %g noborder", tag, x0, x1, smt_colour, band_alpha)
smt_label(tag, x, text) = sprintf("set label %d '%s' at first %.12g, graph 0.97 center tc rgb '%s' font '%s' front", tag, text, x, smt_text, band_font)
# the physical cores: a vertical line at x, dash type dt
cores_line(tag, x, dt) = sprintf("set arrow %d from first %.12g, graph 0 to first %.12g, graph 1 nohead dt %d lw 1.5 lc rgb '%s' back", tag, x, x, dt, cores_colour)
