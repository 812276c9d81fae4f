#!/usr/bin/env bash
# Kills the release binary with SIGKILL at a random moment of each long write — the demo,
# an import of 3.000 and of 20.000 applications, a publication over 5.000 and a restore of
# 5.000 — and checks after each kill that the write happened whole or not at all, and that
# `check` and `audit verify` find the database sound.
#
#   scripts/trials/kill-writes.sh [TRIALS]    (default 5 kills for each write)
#
# Bounded: TRIALS kills per write, each write at most 300 s. Needs target/release/alloggi
# (cargo build --release) and python3. Prints one line per kill and a table at the end:
# "intera" the write is all there, "nulla" none of it, "rifiutata" a restore cut short that
# the database refuses until it is redone, "sana" a demo cut short between its transactions
# with the database sound, "parziale" anything else. Exits 1 if any kill left a database that
# is not sound or a write done in part.
set -u
cd "$(dirname "$0")/../.."
BIN=${ALLOGGI_BIN:-$PWD/target/release/alloggi}
TRIALS=${1:-5}
LIMIT=300
[ -x "$BIN" ] || { echo "manca $BIN: cargo build --release" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export ALLOGGI_OPERATORE=prove
export XDG_STATE_HOME=$WORK/state XDG_CONFIG_HOME=$WORK/config XDG_DATA_HOME=$WORK/data
unset ALLOGGI_DB ALLOGGI_COMUNE ALLOGGI_IO_API_KEY ALLOGGI_IO_API_KEY_FILE
FAILED=0
declare -A WHOLE NONE BAD REFUSED SOUND

alloggi() { timeout "$LIMIT" "$BIN" --db "$@"; }

# Runs the binary with "$@" in the background and kills it with SIGKILL after a random part
# of $1 seconds.
kill_after_part_of() {
    local full=$1; shift
    local delay
    delay=$(python3 -c "import random; print(round(random.uniform(0.02, $full), 3))")
    "$BIN" --db "$@" >/dev/null 2>&1 &
    local pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    echo "$delay"
}

# How long "$@" takes, uninterrupted, in seconds.
duration() {
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || { echo "fallito: $*" >&2; exit 2; }
    end=$(date +%s.%N)
    python3 -c "print(round($end - $start, 3))"
}

# `check` and `audit verify` on database $1; prints the number of applications it holds.
sound() {
    local out
    out=$(alloggi "$1" check 2>&1) || { echo "check: $out" >&2; return 1; }
    alloggi "$1" audit verify >/dev/null 2>&1 || { echo "audit verify fallito" >&2; return 1; }
    echo "$out" | python3 -c "import re,sys; m=re.search(r'([\d.]+) domande controllate', sys.stdin.read()); print(m.group(1).replace('.', '') if m else -1)"
}

record() { # write, outcome
    case $2 in
        whole) WHOLE[$1]=$(( ${WHOLE[$1]:-0} + 1 )) ;;
        none) NONE[$1]=$(( ${NONE[$1]:-0} + 1 )) ;;
        refused) REFUSED[$1]=$(( ${REFUSED[$1]:-0} + 1 )) ;;
        sound) SOUND[$1]=$(( ${SOUND[$1]:-0} + 1 )) ;;
        *) BAD[$1]=$(( ${BAD[$1]:-0} + 1 )); FAILED=1 ;;
    esac
}

# ---- the demo: many transactions; after a kill the database must be sound ----------------
full=$(duration alloggi "$WORK/demo-full" demo --applications 5000 --seed 5)
for t in $(seq "$TRIALS"); do
    db=$WORK/demo-$t
    at=$(kill_after_part_of "$full" "$db" demo --applications 5000 --seed 5)
    # Many transactions, each whole: what counts is that the database is sound.
    if [ ! -e "$db" ]; then outcome=none
    elif n=$(sound "$db"); then outcome=sound
    else outcome=bad; fi
    echo "demo 5.000         kill a ${at}s su ${full}s: $outcome (${n:-0} domande)"
    record demo "$outcome"
    rm -rf "$db"
done

# ---- imports: one transaction; after a kill either every application or none -------------
for size in 3000 20000; do
    python3 scripts/trials/applications.py "$size" > "$WORK/domande-$size.csv"
    base=$WORK/base-$size
    alloggi "$base" call load fixtures/bando-2024.toml >/dev/null
    cp -a "$base" "$WORK/timing"
    full=$(duration alloggi "$WORK/timing" import applications "$WORK/domande-$size.csv")
    rm -rf "$WORK/timing"
    for t in $(seq "$TRIALS"); do
        db=$WORK/import-$t
        cp -a "$base" "$db"
        at=$(kill_after_part_of "$full" "$db" import applications "$WORK/domande-$size.csv")
        if n=$(sound "$db"); then
            case $n in 0) outcome=none ;; "$size") outcome=whole ;; *) outcome=bad ;; esac
        else outcome=bad; fi
        echo "import $size  kill a ${at}s su ${full}s: $outcome ($n domande)"
        record "import-$size" "$outcome"
        rm -rf "$db"
    done
done

# ---- publication over 5.000: the version, its audit entries and its messages, or nothing -
base=$WORK/demo-full
versions() { alloggi "$1" ranking versions 2>/dev/null | grep -c '^n\. '; }
queued() { alloggi "$1" outbox list --limite 1 2>/dev/null | sed -n '1s/^In coda \([0-9.]*\).*/\1/p' | tr -d .; }
cp -a "$base" "$WORK/timing"
full=$(duration alloggi "$WORK/timing" ranking publish --provvisoria --comune fixtures/comune.toml)
told=$(( $(queued "$WORK/timing") - $(queued "$base") ))
rm -rf "$WORK/timing"
before=$(versions "$base")
for t in $(seq "$TRIALS"); do
    db=$WORK/publish-$t
    cp -a "$base" "$db"
    at=$(kill_after_part_of "$full" "$db" ranking publish --provvisoria --comune fixtures/comune.toml)
    if sound "$db" >/dev/null; then
        now=$(versions "$db"); added=$(( $(queued "$db") - $(queued "$base") ))
        if [ "$now" = "$before" ] && [ "$added" = 0 ]; then outcome=none
        elif [ "$now" = $(( before + 1 )) ] && [ "$added" = "$told" ]; then outcome=whole
        else outcome=bad; fi
    else outcome=bad; fi
    echo "publish 5.000      kill a ${at}s su ${full}s: $outcome"
    record publish "$outcome"
    rm -rf "$db"
done

# ---- restore of 5.000: the whole backup, or a database that says it must be redone --------
alloggi "$base" export "$WORK/copia.jsonl" >/dev/null
full=$(duration alloggi "$WORK/timing" restore "$WORK/copia.jsonl")
rm -rf "$WORK/timing"
for t in $(seq "$TRIALS"); do
    db=$WORK/restore-$t
    at=$(kill_after_part_of "$full" "$db" restore "$WORK/copia.jsonl")
    out=$(alloggi "$db" check 2>&1)
    if echo "$out" | grep -q "ripristino interrotto"; then outcome=refused
    elif [ ! -e "$db" ]; then outcome=none
    elif n=$(sound "$db") && [ "$n" = 5000 ]; then outcome=whole
    elif [ "${n:-}" = 0 ]; then outcome=none
    else outcome=bad; fi
    echo "restore 5.000      kill a ${at}s su ${full}s: $outcome"
    record restore "$outcome"
    rm -rf "$db"
done

echo
printf '%-14s %6s %6s %10s %9s %8s\n' scrittura intera nulla rifiutata "sana" parziale
for w in demo import-3000 import-20000 publish restore; do
    printf '%-14s %6s %6s %10s %9s %8s\n' "$w" "${WHOLE[$w]:-0}" "${NONE[$w]:-0}" \
        "${REFUSED[$w]:-0}" "${SOUND[$w]:-0}" "${BAD[$w]:-0}"
done
exit "$FAILED"
