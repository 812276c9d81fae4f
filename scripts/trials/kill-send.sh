#!/usr/bin/env bash
# Kill trials of `alloggi outbox send`: a demo database with about 2.500 queued messages, an
# IO stand-in on loopback, and `outbox send` killed with SIGKILL at random moments. After each
# kill it counts the messages left "in invio" (they become uncertain at the next start) against
# the requests allowed in flight, and checks the database (`check`, `audit verify`). At the end
# it lets a last `outbox send` finish and checks that no message reached IO twice and none was
# lost. Prints a table.
#
#   scripts/trials/kill-send.sh [KILLS]
#
# Variables: KILLS (10), APPLICATIONS (5000, about 2.500 messages), LATENCY_MS (the stand-in's
# answer time, 100), MAX_SECONDS (the whole run, 900), SEED (for the kill moments, random).
# Uses target/release/alloggi and target/release/examples/io-stand-in, built when missing.
set -euo pipefail

KILLS=${1:-${KILLS:-10}}
APPLICATIONS=${APPLICATIONS:-5000}
LATENCY_MS=${LATENCY_MS:-100}
MAX_SECONDS=${MAX_SECONDS:-900}
IN_FLIGHT=16 # WorkerConfig::default().in_flight
RANDOM=${SEED:-$$}

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$ROOT/target/release/alloggi
STAND_IN=$ROOT/target/release/examples/io-stand-in
if [[ ! -x $BIN || ! -x $STAND_IN ]]; then
    (cd "$ROOT" && cargo build --release --bin alloggi --example io-stand-in)
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/alloggi-kill-trials.XXXXXX")
STAND_IN_PID=
cleanup() {
    if [[ -n $STAND_IN_PID ]]; then kill "$STAND_IN_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# Nothing from the caller's environment changes what the binary does.
unset ALLOGGI_DB ALLOGGI_KEYMAP ALLOGGI_LOG ALLOGGI_IO_API_KEY_FILE ALLOGGI_IO_TIMEOUT_MS \
    HTTP_PROXY http_proxy HTTPS_PROXY https_proxy ALL_PROXY all_proxy
export XDG_STATE_HOME=$WORK/state XDG_CONFIG_HOME=$WORK/config XDG_DATA_HOME=$WORK/data
export ALLOGGI_OPERATORE=prove ALLOGGI_IO_API_KEY=chiave-di-prova
# The stand-in has no limit: the trials are about kills, not pacing.
export ALLOGGI_IO_RATE=off
DB=$WORK/db
STARTED=$SECONDS

over_time() { ((SECONDS - STARTED > MAX_SECONDS)); }

# The number after LABEL in the list's header, thousands separators removed.
tab_count() {
    "$BIN" --db "$DB" outbox list --limite 0 | sed -n '1s/ │ /\n/gp' |
        sed -n "s/^ *$1 \([0-9.]*\) *$/\1/p" | tr -d .
}

in_sending() {
    "$BIN" --db "$DB" outbox list --stato in-coda --limite 1000000 | grep -c ' in invio$' || true
}

database_clean() {
    "$BIN" --db "$DB" check >/dev/null 2>&1 && "$BIN" --db "$DB" audit verify >/dev/null 2>&1
}

echo "Database dimostrativo con $APPLICATIONS domande..."
"$BIN" --db "$DB" demo --applications "$APPLICATIONS" --seed 7 >/dev/null
TOTAL=$(tab_count "In coda")
echo "Messaggi in coda: $TOTAL"

"$STAND_IN" --url-file "$WORK/url" --created "$WORK/created.jsonl" --latency-ms "$LATENCY_MS" &
STAND_IN_PID=$!
for _ in $(seq 100); do [[ -s $WORK/url ]] && break; sleep 0.1; done
[[ -s $WORK/url ]] || { echo "il sostituto di IO non si è avviato" >&2; exit 1; }
ALLOGGI_IO_BASE_URL=$(cat "$WORK/url")
export ALLOGGI_IO_BASE_URL

printf '\n%5s  %9s  %8s  %9s  %8s  %8s  %9s\n' prova "kill dopo" "in invio" "limite" inviati incerti database
FAILURES=0
UNCERTAIN_SUM=0
for ((trial = 1; trial <= KILLS; trial++)); do
    if over_time; then
        echo "tempo massimo dello script raggiunto dopo $((trial - 1)) prove"
        break
    fi
    # 0.3 to 3 s: during the start, the profile checks and the sending.
    delay_ms=$((300 + RANDOM % 2700))
    "$BIN" --db "$DB" outbox send --durata-massima 10m >/dev/null 2>&1 &
    pid=$!
    sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    if kill -0 "$pid" 2>/dev/null; then
        kill -9 "$pid" 2>/dev/null || true
        killed="${delay_ms} ms"
    else
        killed="(finito)"
    fi
    wait "$pid" 2>/dev/null || true
    sending=$(in_sending)
    UNCERTAIN_SUM=$((UNCERTAIN_SUM + sending))
    verdict=ok
    ((sending <= IN_FLIGHT)) || { verdict="TROPPI"; FAILURES=$((FAILURES + 1)); }
    if ! database_clean; then verdict="ERRORI"; FAILURES=$((FAILURES + 1)); fi
    printf '%5d  %9s  %8d  %9s  %8s  %8s  %9s\n' "$trial" "$killed" "$sending" "<= $IN_FLIGHT" \
        "$(tab_count Inviati)" "$(tab_count Incerti)" "$verdict"
done

echo
echo "Ultimo invio, fino in fondo..."
if ! "$BIN" --db "$DB" outbox send --durata-massima 10m; then
    echo "l'ultimo invio non è riuscito" >&2
    FAILURES=$((FAILURES + 1))
fi
database_clean || { echo "check o audit verify non puliti" >&2; FAILURES=$((FAILURES + 1)); }

kill -TERM "$STAND_IN_PID"
wait "$STAND_IN_PID" || true
STAND_IN_PID=

SENT=$(tab_count Inviati)
UNCERTAIN=$(tab_count Incerti)
QUEUED=$(tab_count "In coda")
CREATED=$(wc -l <"$WORK/created.jsonl")
DISTINCT=$(sort -u "$WORK/created.jsonl" | wc -l)
TWICE=$((CREATED - DISTINCT))
# Sent by the database's account but never created at IO, or neither sent, uncertain nor queued.
LOST=$((TOTAL - SENT - UNCERTAIN - QUEUED - $(tab_count "Non raggiungibili") - $(tab_count Errori)))
((SENT <= DISTINCT)) || LOST=$((LOST + SENT - DISTINCT))
# Uncertain messages IO did receive; the others never left.
REACHED=$((DISTINCT - SENT))
NEVER=$((UNCERTAIN - REACHED))

echo
printf '%-44s %8s\n' "messaggi in coda all'inizio" "$TOTAL"
printf '%-44s %8s\n' "inviati (database)" "$SENT"
printf '%-44s %8s\n' "incerti (database)" "$UNCERTAIN"
printf '%-44s %8s\n' "  di cui arrivati a IO" "$REACHED"
printf '%-44s %8s\n' "  di cui mai arrivati a IO" "$NEVER"
printf '%-44s %8s\n' "in coda alla fine" "$QUEUED"
printf '%-44s %8s\n' "messaggi creati da IO (richieste accolte)" "$CREATED"
printf '%-44s %8s\n' "inviati due volte" "$TWICE"
printf '%-44s %8s\n' "persi" "$LOST"
printf '%-44s %8s\n' "durata (s)" "$((SECONDS - STARTED))"

((TWICE == 0)) || FAILURES=$((FAILURES + 1))
((LOST == 0)) || FAILURES=$((FAILURES + 1))
((QUEUED == 0)) || FAILURES=$((FAILURES + 1))
((UNCERTAIN == UNCERTAIN_SUM)) || {
    echo "incerti $UNCERTAIN, ma i messaggi lasciati in invio dalle prove erano $UNCERTAIN_SUM" >&2
    FAILURES=$((FAILURES + 1))
}
if ((FAILURES > 0)); then
    echo "ESITO: $FAILURES controlli non superati" >&2
    exit 1
fi
echo "ESITO: tutti i controlli superati"
