# plotlib.awk - helpers shared by plot.awk and compare.awk (gawk -f plotlib.awk -f X.awk):
# reading summary.csv by column name, colours, quoting, and the gnuplot preamble.
#
# Colours: Okabe-Ito (readable on white and by most colour-blind readers) without its
# yellow, then darker extras; black is kept for the sequential baseline. A series' colour
# is its rank in the sorted list of series names, so the same model keeps its colour in
# every chart of a folder (and of a comparison), whatever models a folder holds.

function colour(i,    c) {
    split("#0072B2 #D55E00 #009E73 #CC79A7 #E69F00 #56B4E9 #6A3D9A #8C510A #B2182B #1B7837", c, " ")
    return c[(i - 1) % 10 + 1]
}
function point_type(i,    t) {
    split("7 5 9 11 13 15", t, " ")
    return t[(i - 1) % 6 + 1]
}
function dash_type(i,    t) {
    split("1 2 4 5 3", t, " ")
    return t[(i - 1) % 5 + 1]
}

# A gnuplot single-quoted string: only ' needs escaping, by doubling.
function q(s) { gsub(/'/, "''", s); return "'" s "'" }
# The same inside a double-quoted string (for titles with \n).
function qq(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return s }

# Read a CSV header into col[name] = index; fail if a needed column is missing.
function read_header(need,    i, n, names) {
    delete col
    for (i = 1; i <= NF; i++) col[$i] = i
    n = split(need, names, " ")
    for (i = 1; i <= n; i++)
        if (!(names[i] in col)) {
            printf "%s: not a summary.csv (no column '%s')\n", FILENAME, names[i] > "/dev/stderr"
            failed = 1
            exit 2
        }
}
function v(name) { return $(col[name]) }
# A number for a data file: '?' (gnuplot's missing value) when empty.
function d(name) { return v(name) == "" ? "?" : v(name) }

# Seconds in a short readable form.
function secs(x) {
    if (x == "" || x == "?") return "?"
    if (x >= 100) return sprintf("%.0f s", x)
    if (x >= 1) return sprintf("%.3g s", x)
    if (x >= 0.001) return sprintf("%.3g ms", x * 1000)
    return sprintf("%.3g us", x * 1e6)
}

# Emit the commands that draw one chart body (file body) to PNG and SVG through temporary
# names in the output folder; the shell renames them once gnuplot succeeded.
function emit_chart(script, body, outdir, stem,    png, svg) {
    png = outdir "/." stem ".png.tmp"
    svg = outdir "/." stem ".svg.tmp"
    print "set terminal pngcairo size 1280,840 font 'DejaVu Sans,12' noenhanced background rgb 'white'" > script
    print "set output " q(png) > script
    print "load " q(body) > script
    print "unset output" > script
    print "set terminal svg size 1280,840 font 'DejaVu Sans,12' noenhanced background rgb 'white'" > script
    print "set output " q(svg) > script
    print "load " q(body) > script
    print "unset output" > script
    print png "\t" outdir "/" stem ".png" > outputs
    print svg "\t" outdir "/" stem ".svg" > outputs
}

# Settings every chart body starts with.
function body_preamble(f) {
    print "reset" > f
    print "set datafile missing '?'" > f
    print "set border 3 lc rgb '#404040' lw 1.2" > f
    print "set tics nomirror out" > f
    print "set grid xtics ytics lc rgb '#e4e4e4' lw 1 dt 1" > f
    print "set key outside right top vertical Left reverse box lc rgb '#b0b0b0' spacing 1.3 samplen 3 width 1" > f
    print "set bars 1.5" > f
    print "set lmargin 11" > f
    print "set bmargin 10" > f
    print "set tmargin 5" > f
}

# Tics for a log-scale axis of seconds from lo to hi: 1-2-5 in every decade, or every
# integer multiple when that gives fewer than three; labelled in s, ms or us.
function log_tics(lo, hi,    e, m, t, out, n, pass, mult, nm) {
    for (pass = 1; pass <= 2; pass++) {
        nm = split(pass == 1 ? "1 2 5" : "1 2 3 4 5 6 7 8 9", mult, " ")
        out = ""; n = 0
        for (e = int(log(lo) / log(10)) - 1; e <= int(log(hi) / log(10)) + 1; e++)
            for (m = 1; m <= nm; m++) {
                t = mult[m] * 10 ^ e
                if (t >= lo && t <= hi) {
                    out = out (n++ ? ", " : "") sprintf("'%s' %.12g", secs(t), t)
                }
            }
        if (n >= 3) break
    }
    return out
}
