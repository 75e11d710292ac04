# micro-lib.bash - sourced by micro-plot.sh and micro-tables.sh: micro_check_dir DIR stops
# (through the caller's die: one line, exit 2) unless DIR holds at least one CSV that
# micro.sh writes, each with its header (not a corrupt file).
micro_check_dir() {
    local dir=$1 found=0 f want hdr
    for f in overhead ipc sync memory breakeven-times breakeven minimal; do
        [ -e "$dir/$f.csv" ] || continue
        case $f in
            breakeven*) want="kernel,series," ;;
            minimal) want="op,batch," ;;
            *) want="row,bench,construct,between,size,workers,metric," ;;
        esac
        hdr=$(head -1 "$dir/$f.csv" | tr -d '\0')
        [[ $hdr == "$want"* ]] || die "$dir/$f.csv: not written by micro.sh (no header '$want...')"
        found=$((found + 1))
    done
    [ $found -gt 0 ] || die "$dir: no micro-benchmark results (overhead.csv, ipc.csv, sync.csv, memory.csv, breakeven.csv: scripts/micro.sh writes them)"
}
