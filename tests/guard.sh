#!/usr/bin/env bash
# guard.sh - scripts/guard.bash, the signal guard of sweep.sh, run.sh and plot.sh, on a
# script of its own that does what bash 5.2 cannot survive with a trap set: command
# substitutions all the time (a trap that falls due in one fails to parse, and the script
# ends with status 2 or never ends; about one run in two of this script without a guard).
# Checks, over many runs stopped by SIGINT, SIGTERM or SIGHUP at random moments, sent to
# the process or its group:
#   - the exit status is 128 + the signal's number, within 30 s (the guard's own limits:
#     10 s, then SIGKILL, and 5 s for init to reap);
#   - the script's clean-up ran once, in the guard, after every process of the run ended
#     (a child that takes 300 ms to clean up on SIGTERM included);
#   - no process of the run is left, and the guard's folder is gone;
# and without a signal: the worker's exit status passes through, no clean-up runs, the
# worker's own children never take it for a worker (nested guards work).
. "$(dirname "$0")/lib.sh"
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work/tmp LOG=$work/log MARK=$work/mark
mkdir -p "$TMPDIR"
seed=${CB_GUARD_SEED:-$(($(date +%s%N) / 1000 % 1000000))}
echo "guard: seed $seed (CB_GUARD_SEED=$seed repeats this plan)"
RANDOM=$seed

s=$work/s.sh
cat >"$s" <<EOF
#!/usr/bin/env bash
. "$src/scripts/guard.bash"
cb_guard_cleanup() {
    local n
    cb_guard_get n note
    echo "cleanup \$\$ \${n:-none} \$([ -e "\$MARK" ] && echo child-done || echo child-running)" >>"\$LOG"
}
cb_guard "\$@"
case \$1 in
    loop) # command substitutions, as sweep.sh does, without end
        cb_guard_note note "ready-\$1"
        while :; do
            for m in \$(printf '%s\n' a b c | grep -vx x) \$(printf '%s\n' a | grep -x a); do
                x=\$(printf %s "\$m")
            done
        done ;;
    slowchild) # a child that needs 300 ms to clean up after SIGTERM
        bash -c 'trap "sleep 0.3; : >\"\$MARK\"; exit 0" TERM; while :; do sleep 0.05; done' 2>/dev/null &
        cb_guard_note note "ready-\$1"
        wait ;;
    nested) cb_guard_note note "ready-\$1"; bash "\$0" loop ;;
    exit) exit "\$2" ;;
    env) bash -c 'echo "\${CB_GUARD_WORKER:-unset} \${CB_GUARD_DIR:-unset}"' ;;
esac
EOF

# run MODE SIG GROUP [EARLY]: start the script in a session of its own, wait until its
# worker is at work (its note written), a random pause (0-300 ms), then SIG to the process
# or (GROUP=1) its group; the exit status in rc, the session's pid in pid. EARLY=1: the
# signal 0-20 ms after the start, whatever the script is doing then (starting the guard,
# the worker, its note)
run() {
    local mode=$1 sig=$2 group=$3 early=${4:-0} i notes=1
    [ "$mode" != nested ] || notes=2 # the outer worker's and the inner one's
    : >"$LOG"; rm -f "$MARK"
    setsid env --default-signal=INT bash "$s" "$mode" &
    pid=$!
    if [ "$early" = 1 ]; then
        # from bash's start (before, setsid or env may not have made the group, or put
        # SIGINT back to its default: the signal would be lost, not the guard's business)
        for ((i = 0; i < 500; i++)); do
            [[ $(tr '\0' ' ' </proc/$pid/cmdline 2>/dev/null) == "bash $s "* ]] && break
            sleep 0.002
        done
        sleep "0.0$(printf '%02d' $((RANDOM % 20)))"
    else
        for ((i = 0; i < 500; i++)); do
            [ -e "$TMPDIR/cb-guard.$pid/note" ] &&
                [ "$(ls "$TMPDIR"/cb-guard.*/note 2>/dev/null | wc -l)" = $notes ] && break
            sleep 0.01
        done
        [ $i -lt 500 ] || fail "$mode: the worker did not start within 5 s"
        sleep "0.$(printf '%03d' $((RANDOM % 300)))"
    fi
    if [ "$group" = 1 ]; then kill -s "$sig" -- "-$pid"; else kill -s "$sig" "$pid"; fi
    { # (bash's own line on a job that a signal ended is no news here)
        for ((i = 0; i < 600; i++)); do
            [[ $(ps -o stat= -p "$pid" 2>/dev/null) == Z* ]] || [ ! -d /proc/$pid ] && break
            sleep 0.05
        done
        [ $i -lt 600 ] || kill -s KILL -- "-$pid"
        wait "$pid"
        rc=$?
    } 2>/dev/null
    [ $i -lt 600 ] || fail "$mode: SIG$sig: still running 30 s later"
}
# session_left SID: the processes of the session still there, once init had 3 s to reap
session_left() {
    local i l
    for ((i = 0; i < 60; i++)); do
        l=$(ps -eo sid=,pid=,comm= | awk -v s="$1" '$1 == s { printf "%s %s, ", $2, $3 }')
        [ -z "$l" ] && break
        sleep 0.05
    done
    echo "$l"
}

sigs=(INT TERM HUP)
for ((n = 0; n < 20; n++)); do
    mode=loop
    [ $((n % 5)) = 3 ] && mode=slowchild
    [ $((n % 5)) = 4 ] && mode=nested
    sig=${sigs[$((RANDOM % 3))]} group=$((RANDOM % 2))
    what="$mode #$n: SIG$sig to the $([ $group = 1 ] && echo group || echo process)"
    run "$mode" "$sig" "$group"
    expect_eq "$what: exit status" "$rc" $((128 + $(kill -l "$sig")))
    case $mode in
        loop) expect_eq "$what: clean-up" "$(cut -d' ' -f1,3 "$LOG")" "cleanup ready-loop" ;;
        slowchild) expect_eq "$what: clean-up, after the child's" "$(cut -d' ' -f1,3,4 "$LOG")" \
                             "cleanup ready-slowchild child-done" ;;
        nested) # the inner script's clean-up first (the outer guard waits for the inner one)
            expect_eq "$what: clean-ups, inner first" "$(cut -d' ' -f1,3 "$LOG" | tr '\n' ' ')" \
                "cleanup ready-loop cleanup ready-nested " ;;
    esac
    expect_eq "$what: processes left" "$(session_left "$pid")" ""
    expect_eq "$what: TMPDIR" "$(ls -A "$TMPDIR" | tr '\n' ' ')" ""
done

# early signals: while the guard starts, forks, records its worker, or the worker starts
for ((n = 0; n < 10; n++)); do
    sig=${sigs[$((RANDOM % 3))]} group=$((RANDOM % 2))
    what="early #$n: SIG$sig to the $([ $group = 1 ] && echo group || echo process)"
    run loop "$sig" "$group" 1
    expect_eq "$what: exit status" "$rc" $((128 + $(kill -l "$sig")))
    expect_eq "$what: processes left" "$(session_left "$pid")" ""
    expect_eq "$what: TMPDIR" "$(ls -A "$TMPDIR" | tr '\n' ' ')" ""
done

# no signal: the status passes through, no clean-up
for st in 0 2 3; do
    : >"$LOG"
    bash "$s" exit $st
    expect_eq "exit $st: status" $? $st
    expect_eq "exit $st: no clean-up" "$(cat "$LOG")" ""
    expect_eq "exit $st: TMPDIR" "$(ls -A "$TMPDIR" | tr '\n' ' ')" ""
done
# the worker is the worker; its children are not
expect_eq "the worker's child's environment" "$(bash "$s" env)" "unset unset"

finish guard
