# guard.bash - sourced by the scripts that must stop cleanly on SIGINT, SIGTERM or SIGHUP
# (sweep.sh, run.sh, plot.sh). `cb_guard "$@"` first thing in the script splits it in two
# processes running the same script:
#   - the guard: the process the caller started (and Ctrl-C, kill PID or kill -- -PGID
#     reach). It runs the script again as the worker, in a process group of its own, and
#     waits. On a signal it sends SIGTERM to the worker's whole group, waits until every
#     process of that group has ended, runs the script's own clean-up (the function
#     cb_guard_cleanup, if the script defines one), and ends by the same signal (exit
#     status 128 + its number). Otherwise it ends with the worker's status (and, when
#     something else killed the worker, stops the rest of its group first; when the
#     worker failed, it runs the script's cb_guard_failed, if there is one).
#   - the worker (cb_guard returns there): the script's real work, with no signal trap (no
#     EXIT trap either: bash then catches the terminating signals): SIGTERM from the guard
#     ends it, and every process it started, at once.
# Why: bash 5.2 (Debian 12's 5.2.15) runs a trap that falls due while it expands a command
# substitution inside the parser of that substitution, which then fails ("trap: line 2:
# unexpected EOF while looking for matching `)'"). Depending on where, the script then
# ends with status 2, or goes on with the signal blocked and never stops. A script that
# does any $(...) cannot hold a trap safely; the guard holds them and does nothing but wait.
#
# The worker leaves notes for the clean-up with cb_guard_note KEY VALUE (absolute paths:
# the guard stays in the folder it started in); the clean-up reads them with
# cb_guard_get VAR KEY. $cb_guard_dir is a private folder, removed by the guard, for the
# worker's temporary files.

# cb_guard "$@": in the guard, never returns; in the worker, returns at once
cb_guard() {
    if [ -n "${CB_GUARD_WORKER:-}" ]; then
        if [ "$CB_GUARD_WORKER" != "$PPID" ]; then
            echo "${0##*/}: stopped: its guard (pid $CB_GUARD_WORKER) is gone" >&2
            exit 1
        fi
        cb_guard_dir=$CB_GUARD_DIR
        export -n CB_GUARD_WORKER CB_GUARD_DIR # the scripts it runs have guards of their own
        # the worker's group is not the terminal's: writing to it must not stop the worker
        # (stty tostop), nor reading it (it has no business there: an error, not a stop)
        trap '' TTOU TTIN
        return 0
    fi
    # no command substitution from here on: a trap may fall due at any moment
    local tmp=${TMPDIR:-/tmp}
    [[ $tmp == /* ]] || tmp=$PWD/$tmp
    cb_guard_dir=$tmp/cb-guard.$$
    cb_guard_pid=0
    trap 'cb_guard_signal INT' INT
    trap 'cb_guard_signal TERM' TERM
    trap 'cb_guard_signal HUP' HUP
    [ ! -e "$cb_guard_dir" ] || [ ! -O "$cb_guard_dir" ] || rm -rf -- "$cb_guard_dir"
    mkdir -m 700 -- "$cb_guard_dir" ||
        { echo "${0##*/}: cannot create the folder $cb_guard_dir" >&2; exit 1; }
    # set -m: the worker gets a process group of its own (bash sets it in parent and
    # child, before the worker runs), so the guard can stop it and all it started. Its
    # input is /dev/null, as a background command's is (mpirun reads its input)
    set -m
    CB_GUARD_WORKER=$$ CB_GUARD_DIR=$cb_guard_dir "$BASH" "$cb_guard_self" "$@" </dev/null &
    cb_guard_pid=$!
    set +m
    local rc=0
    wait "$cb_guard_pid" || rc=$?
    if [ $rc -gt 128 ]; then
        # the worker killed (not by this guard), or ending so: what it started stops too
        trap '' INT TERM HUP
        cb_guard_stop "$cb_guard_pid"
    fi
    if [ $rc != 0 ] && declare -F cb_guard_failed >/dev/null; then cb_guard_failed || true; fi
    cb_guard_pid=done # a signal from here on only ends the guard
    rm -rf -- "$cb_guard_dir"
    exit $rc
}
# the script's path, as it was started, before it changes folder
cb_guard_self=$0
[[ $cb_guard_self == /* ]] || cb_guard_self=$PWD/$cb_guard_self

cb_guard_signal() {
    trap '' INT TERM HUP # the clean-up runs to its end
    local pid=${cb_guard_pid:-0}
    [ "$pid" != 0 ] || pid=$! # the worker started, $! set, but not yet recorded
    if [ "$pid" != done ]; then
        [ -z "$pid" ] || [ "$pid" = 0 ] || cb_guard_stop "$pid"
        if declare -F cb_guard_cleanup >/dev/null; then cb_guard_cleanup || true; fi
    fi
    [ ! -O "$cb_guard_dir" ] || rm -rf -- "$cb_guard_dir"
    trap - "$1"
    kill -s "$1" $$
    exit $((128 + $(kill -l "$1")))
}

# cb_guard_stop PID: stop the worker PID's group: SIGTERM (and SIGCONT, were it stopped),
# then wait until no process of it runs: the worker's children may outlive it by their
# own clean-up (a benchmark removing its temporary output, reaping its workers). 10 s at
# most, then SIGKILL, to the groups of nested guards' workers too. Then until init has
# reaped the zombies the worker left (this VM's init reaps every 2 s; 5 s at most).
cb_guard_stop() { cb_guard_stop_ "$@" 2>/dev/null; } # (not bash's "[1]+ Terminated")
cb_guard_stop_() {
    local pid=$1 g end
    kill -s TERM -- "-$pid" 2>/dev/null || true
    kill -s CONT -- "-$pid" 2>/dev/null || true
    end=$((SECONDS + 10))
    while cb_guard_left "$pid" running; do
        if [ $SECONDS -ge $end ]; then
            for g in $(cb_guard_groups "$pid"); do kill -s KILL -- "-$g" 2>/dev/null || true; done
            break
        fi
        sleep 0.025
    done
    wait "$pid" 2>/dev/null || true
    end=$((SECONDS + 5))
    while cb_guard_left "$pid" any && [ $SECONDS -lt $end ]; do sleep 0.05; done
}

# cb_guard_left PGID running|any: true while group PGID has a running process (running),
# or any process, zombies included (any)
cb_guard_left() {
    kill -s 0 -- "-$1" 2>/dev/null || return 1
    ps -eo pgid=,stat= | awk -v g="$1" -v any="$2" '
        $1 == g && (any == "any" || $2 !~ /^Z/) { found = 1 } END { exit !found }'
}
# cb_guard_groups PGID: group PGID and the groups of every process descended from it
cb_guard_groups() {
    ps -eo pid=,ppid=,pgid= | awk -v g="$1" '
        { pp[$1] = $2; pg[$1] = $3 }
        END {
            for (p in pp) if (pg[p] == g) mine[p] = 1
            do { more = 0
                 for (p in pp) if (!(p in mine) && (pp[p] in mine)) { mine[p] = 1; more = 1 }
            } while (more)
            for (p in mine) groups[pg[p]] = 1
            groups[g] = 1
            for (x in groups) print x
        }'
}

# cb_guard_note KEY VALUE: a note for the clean-up (written whole, then renamed)
cb_guard_note() {
    printf '%s\n' "$2" >"$cb_guard_dir/.$1.tmp" && mv -f "$cb_guard_dir/.$1.tmp" "$cb_guard_dir/$1"
}
# cb_guard_get VAR KEY: the note KEY into VAR (empty if there is none)
cb_guard_get() {
    local v=""
    [ ! -f "$cb_guard_dir/$2" ] || IFS= read -r v <"$cb_guard_dir/$2" || true
    printf -v "$1" '%s' "$v"
}
