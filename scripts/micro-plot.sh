#!/usr/bin/env bash
# micro-plot.sh RESULTS_DIR [--out PLOTS_DIR] - draw the micro-benchmarks' charts (issue 7)
# with gnuplot, as PNG and SVG, from what RESULTS_DIR holds (scripts/micro.sh writes it):
# overhead.csv, ipc.csv, sync.csv, memory.csv, breakeven-times.csv and breakeven.csv.
#   --out DIR   where the charts go (default plots/<label>, the label from context.json)
# Charts: micro-overhead, micro-ipc-latency, micro-ipc-bandwidth, micro-sync-uncontended,
# micro-sync-contended, micro-memory, breakeven-KERNEL. They are drawn into a temporary
# folder and moved into place only when gnuplot succeeded.
# Exit status: 0, 1 (gnuplot missing or failed), 2 (bad input: one line on stderr).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "micro-plot.sh: $*" >&2; exit 2; }

dir="" out=""
while [ $# -gt 0 ]; do
    case $1 in
        --out) [ $# -ge 2 ] || die "--out needs a value"; out=$2; shift ;;
        -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) die "unknown option '$1' (see --help)" ;;
        *) [ -z "$dir" ] || die "unexpected argument '$1': one results folder only"; dir=$1 ;;
    esac
    shift
done
[ -n "$dir" ] || die "no results folder given (see --help)"
[ -d "$dir" ] || die "$dir: no such folder"
. "$(dirname "$0")/micro-lib.bash"
micro_check_dir "$dir"
command -v gnuplot >/dev/null 2>&1 ||
    { echo "micro-plot.sh: gnuplot not found (scripts/setup.sh installs gnuplot-nox): no charts" >&2; exit 1; }

label="" brand="" pus=""
if [ -s "$dir/context.json" ] && command -v jq >/dev/null 2>&1; then
    label=$(jq -r '.run.label // empty' "$dir/context.json" 2>/dev/null || true)
    brand=$(jq -r '.cpu.brand // empty' "$dir/context.json" 2>/dev/null || true)
    pus=$(jq -r '.topology.pus // empty' "$dir/context.json" 2>/dev/null || true)
fi
[[ $pus =~ ^[1-9][0-9]*$ ]] || pus=$(nproc)
label=${label:-unlabelled}
machine="$label${brand:+ ($brand)}"
out=${out:-plots/$label}
mkdir -p "$out" 2>/dev/null || die "--out '$out': cannot create the folder"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
data=$tmp/data charts=$tmp/charts
mkdir -p "$data" "$charts"

# split CSV FILTER FILE-PATTERN: the summary rows that FILTER (awk, on named columns) keeps,
# written as "x median lo hi" into data files named by FILE-PATTERN's fields, sorted by x
split_xy() {
    awk -F, -v dir="$data" -v keep="$2" -v name="$3" -v xcol="$4" '
        NR == 1 {
            for (i = 1; i <= NF; i++) c[$i] = i
            n = split(name, parts, " "); if (keep != "") split(keep, kv, "=")
            next
        }
        $c["row"] != "summary" { next }
        keep != "" && $c[kv[1]] != kv[2] { next }
        {
            file = dir "/" parts[1]
            for (i = 2; i <= n; i++) file = file "-" $c[parts[i]]
            file = file ".dat"
            lo = $c["ci_low"] == "" ? $c["median"] : $c["ci_low"]
            hi = $c["ci_high"] == "" ? $c["median"] : $c["ci_high"]
            print $c[xcol], $c["median"], lo, hi > file
        }' "$1"
    prefix=${3%% *}
    for f in "$data"/"$prefix"-*.dat; do [ -f "$f" ] && sort -g -o "$f" "$f"; done
    true
}

# pairs CSV FILTER KEYCOL OUT: "key thr lo hi proc lo hi" per key (NaN where one is missing)
pairs() {
    awk -F, -v keep="$2" -v key="$3" '
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; split(keep, kv, "="); next }
        $c["row"] != "summary" { next }
        keep != "" && $c[kv[1]] != kv[2] { next }
        {
            k = $c[key]; if (!(k in seen)) { seen[k] = 1; order[++n] = k }
            lo = $c["ci_low"] == "" ? $c["median"] : $c["ci_low"]
            hi = $c["ci_high"] == "" ? $c["median"] : $c["ci_high"]
            v[k, $c["between"]] = $c["median"] " " lo " " hi
        }
        END {
            for (i = 1; i <= n; i++) {
                k = order[i]
                t = ((k, "threads") in v) ? v[k, "threads"] : "NaN NaN NaN"
                p = ((k, "processes") in v) ? v[k, "processes"] : "NaN NaN NaN"
                print k, t, p
            }
        }' "$1" >"$4"
}

creation="" dispatch="" ipcsizes="" syncprims="" syncbetween="" memsizes="" memmodels=""
present() { awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["row"] == "summary" && !seen[$c[col]]++ { printf "%s ", $c[col] }' "$1"; }
has() { [[ " $1 " == *" $2 "* ]]; }

if [ -s "$dir/overhead.csv" ]; then
    split_xy "$dir/overhead.csv" "" "ov construct" workers
    found=$(present "$dir/overhead.csv" construct)
    for c in thread fork spawn spawn-self; do has "$found" $c && creation+="$c "; done
    for c in threadpool procpool openmp; do has "$found" $c && dispatch+="$c "; done
fi
if [ -s "$dir/ipc.csv" ]; then
    for s in $(present "$dir/ipc.csv" size); do
        awk -F, -v s=$s 'NR == 1 || $5 == s' "$dir/ipc.csv" >"$tmp/ipc-$s.csv"
        pairs "$tmp/ipc-$s.csv" "metric=round-trip" construct "$data/ipc-rt-$s.dat"
        pairs "$tmp/ipc-$s.csv" "metric=bandwidth" construct "$data/ipc-bw-$s.dat"
        ipcsizes+="$s "
    done
fi
if [ -s "$dir/sync.csv" ]; then
    pairs "$dir/sync.csv" "metric=uncontended" construct "$data/solo.dat"
    split_xy "$dir/sync.csv" "metric=contended" "sync construct between" workers
    syncprims=$(present "$dir/sync.csv" construct)
    syncbetween=$(present "$dir/sync.csv" between)
fi
if [ -s "$dir/memory.csv" ]; then
    split_xy "$dir/memory.csv" "" "mem size construct metric" workers
    memsizes=$(present "$dir/memory.csv" size)
    memmodels=$(present "$dir/memory.csv" construct)
fi

status=0
gp() { # gp SCRIPT VARIABLES: run gnuplot, its warnings shown; its charts kept only if it succeeded
    rm -rf "$charts.part"
    mkdir -p "$charts.part"
    if gnuplot -e "$2; out=$(q "$charts.part")" "$here/$1" 2>"$tmp/gnuplot.err"; then
        mv -f "$charts.part"/* "$charts"/ 2>/dev/null || true
    else
        echo "micro-plot.sh: gnuplot failed on $1: $(grep -m1 -v '^ *$' "$tmp/gnuplot.err")" >&2
        status=1
    fi
    [ -s "$tmp/gnuplot.err" ] && sed 's/^/micro-plot.sh: gnuplot: /' "$tmp/gnuplot.err" >&2
    true
}
q() { printf "'%s'" "${1//\'/}"; } # a gnuplot string
common="dir=$(q "$data"); machine=$(q "$machine"); pus=$pus"
if [ -n "$creation$dispatch$ipcsizes$syncprims$memsizes" ]; then
    gp micro.gp "$common; creation=$(q "${creation% }"); dispatch=$(q "${dispatch% }"); ipcsizes=$(q "${ipcsizes% }"); syncprims=$(q "${syncprims% }"); syncbetween=$(q "${syncbetween% }"); memsizes=$(q "${memsizes% }"); memmodels=$(q "${memmodels% }")"
fi

# --- break-even: one chart per kernel ------------------------------------------------------
if [ -s "$dir/breakeven-times.csv" ]; then
    awk -F, -v dir="$data" 'NR == 1 { next } {
        lo = $6 == "" ? $5 : $6; hi = $7 == "" ? $5 : $7
        print $3, $5, lo, hi > (dir "/be-" $1 "-" $2 ".dat") }' "$dir/breakeven-times.csv"
    for f in "$data"/be-*.dat; do [ -f "$f" ] && sort -g -o "$f" "$f"; done
    for k in $(awk -F, 'NR > 1 && !seen[$1]++ { print $1 }' "$dir/breakeven-times.csv"); do
        series="seq $(awk -F, -v k=$k 'NR > 1 && $1 == k && $2 != "seq" && !seen[$2]++ { printf "%s ", $2 }' "$dir/breakeven-times.csv")"
        beseries=""
        if [ -s "$dir/breakeven.csv" ]; then
            while IFS=, read -r kk s size med; do
                echo "$size $med" >"$data/be-$k-$s-point.dat"
                beseries+="$s "
            done < <(awk -F, -v k=$k 'NR > 1 && $1 == k && $4 != "" { print $1 "," $2 "," $4 "," $8 }' "$dir/breakeven.csv")
        fi
        betext=""
        for s in $series; do
            if [ -s "$data/be-$k-$s-point.dat" ]; then betext+="$(awk '{ print $1; exit }' "$data/be-$k-$s-point.dat") "
            else betext+="- "; fi
        done
        p=$(awk -F, -v k=$k 'NR > 1 && $1 == k && $2 != "seq" { print $4; exit }' "$dir/breakeven-times.csv")
        case $k in
            primes) xname="N: primes below N" ;;
            randsum) xname="N: numbers summed" ;;
            matmul) xname="n: matrix order" ;;
            *) xname="size" ;;
        esac
        gp breakeven.gp "$common; kernel=$(q "$k"); xname=$(q "$xname"); series=$(q "${series% }"); betext=$(q "${betext% }"); beseries=$(q "${beseries% }"); p=${p:-$pus}"
    done
fi

n=0
for f in "$charts"/*; do
    [ -f "$f" ] || continue
    mv -f "$f" "$out/"
    n=$((n + 1))
done
echo "micro-plot.sh: $n charts in $out" >&2
exit $status
