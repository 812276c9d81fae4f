//! The texts more than one screen shows, and those of the frame and the overlays: one wording to
//! review, and a later locale costs a file per screen rather than a hunt. What only one screen
//! shows is in that screen's `texts.rs`. Text that comes from data is not here; it is cleaned in
//! `view`.

use super::actions::Action;

pub const APP: &str = "alloggi";
pub const TOO_SMALL: &str = "Finestra troppo piccola";
pub const LOADING_STORE: &str = "Apertura dell'archivio…";
pub const LOADING_SUMMARY: &str = "Lettura del bando…";
pub const LOADING_ROWS: &str = "Caricamento delle domande…";
/// The status line while a read of the screen shown is out.
pub const LOADING: &str = "caricamento…";
/// The status line while a step is being committed.
pub const SAVING: &str = "salvataggio…";
pub const NO_CALL: &str = "Nessun bando attivo: caricarne uno con «alloggi call load FILE.toml»";
pub const NO_MATCH: &str = "Nessun risultato";

pub const SCREEN_AGENDA: &str = "Agenda";

pub const FILTER_ALL: &str = "Tutte";

pub const COL_CHANNEL: &str = "Canale";
pub const NOT_REGISTERED: &str = "—";

pub const BOX_CONDITIONS: &str = "Condizioni";
pub const BOX_TIMELINE: &str = "Cronologia";
pub const BOX_HELP: &str = "Aiuto";
pub const BOX_PALETTE: &str = "Comandi";
pub const BOX_CONFIRM: &str = "Conferma";

pub const HELP_FILTER: &str = "filtra";
pub const PALETTE_PROMPT: &str = "Comando";
pub const QUIT_QUESTION: &str = "Uscire dalla console?";
pub const DISCARD_QUESTION: &str = "Ci sono modifiche non salvate. Scartarle?";
pub const YES_NO: &str = "s sì · n no";
/// The two answers of a yes-or-no field.
pub const YES: &str = "sì";
pub const NO: &str = "no";

pub fn yes_no(value: bool) -> &'static str {
    if value { YES } else { NO }
}
pub const REQUIRED: &str = "obbligatorio";

pub const FORM_CHOOSE_TEMPLATE: &str = "Messaggio IO da inviare";
pub const FORM_MESSAGE_VALUES: &str = "Dati del messaggio IO";
pub const FIELD_TEMPLATE: &str = "Messaggio";
/// Under a pick from a list: how to find and take an entry, with the keys that move, take and
/// close.
pub fn pick_hint(moves: &str, takes: &str, closes: &str) -> String {
    format!("scrivere per filtrare · {moves} scegli · {takes} apre · {closes} chiude")
}
/// Beside the entries offered first.
pub const PICK_FITS: &str = "★ adatto allo stato";
pub const PICK_NONE: &str = "nessuna voce corrisponde al filtro: cancellarne una parte";
pub const NO_COMUNE_CONFIG: &str = "configurazione del Comune mancante: indicare --comune FILE o creare ~/.config/alloggi/comune.toml (esempio in fixtures/comune.toml)";
pub const SENDER_OFF: &str = "invio a IO non attivo in questa console";
pub const BOX_MESSAGE: &str = "Messaggio IO";
pub const PREVIEW_CONFIRM: &str = "conferma e accoda";
pub const PREVIEW_CLOSE: &str = "chiudi";
pub const REACHABLE: &str = "raggiungibile su IO";
pub const REACHABILITY_UNKNOWN: &str = "su IO: verifica all'invio";
pub const NOTHING_TO_EXPORT: &str = "nessun messaggio in coda da esportare";

pub fn payment_box(notice: &str, amount: &str, due: Option<&str>) -> String {
    match due {
        Some(due) => {
            format!("Avviso pagoPA {notice} · {amount} · entro il {due} · pulsante «Vedi avviso»")
        }
        None => format!("Avviso pagoPA {notice} · {amount} · pulsante «Vedi avviso»"),
    }
}

pub fn preview_length(length: usize) -> String {
    format!("{length}/10000 caratteri")
}

pub fn entry_note(entry: &crate::messages::outbox::OutboxEntry) -> String {
    use crate::messages::outbox::OutboxState as St;
    let detail = match &entry.state {
        St::Sent {
            io_id: Some(id), ..
        } => format!("id IO {id}"),
        St::Rejected { status, detail, .. } => format!("{status}: {detail}"),
        St::Retry { reason, .. } => reason.clone(),
        St::Uncertain { detail, .. } => format!("{detail} — decidere: R riprova, S segna inviato"),
        St::Unreachable { detail, .. } => detail.clone(),
        St::Exported { bundle, .. } => format!("pacchetto {bundle}"),
        _ => String::new(),
    };
    let mut note = format!(
        "{} · accodato il {} da {} · tentativi {}",
        entry.id,
        crate::domain::time::format_ts(entry.queued_at),
        entry.queued_by,
        entry.attempts
    );
    if !detail.is_empty() {
        note.push_str(" · ");
        note.push_str(&detail);
    }
    note
}

pub const NO_INTERESTED: &str = "nessun cittadino interessato a questo bando";

pub fn interested_recipients(count: usize) -> String {
    format!(
        "{}: anteprima per il primo; gli altri ricevono lo stesso testo",
        crate::domain::number::plural(count, "cittadino interessato", "cittadini interessati")
    )
}

pub fn interested_queued(queued: usize, duplicates: usize) -> String {
    let mut text = crate::domain::number::plural(queued, "messaggio accodato", "messaggi accodati");
    if duplicates > 0 {
        text.push_str(&format!(
            " · {} già in coda, non ripetuti",
            crate::domain::number::count(duplicates)
        ));
    }
    text
}

pub fn batch_recipients(count: usize, first: &str) -> String {
    format!(
        "{}: anteprima per il primo ({first}); gli altri ricevono lo stesso testo con i propri dati",
        crate::domain::number::plural(count, "destinatario", "destinatari")
    )
}

pub fn duplicate_message(id: &str) -> String {
    format!("un messaggio identico è già in coda ({id}): non verrà inviato di nuovo")
}

/// What the preview of a message identical to a queued one offers: its key withdraws that one.
pub fn withdraw_queued_hint(key: &str) -> String {
    format!("{key} ritira quello in coda")
}

pub const FORM_WITHDRAW_QUEUED: &str = "Ritira il messaggio in coda: non sarà inviato";

pub fn queued_withdrawn(id: &str) -> String {
    format!("messaggio {id} ritirato: non sarà inviato")
}

pub fn message_queued(title: &str, id: &str) -> String {
    format!("{title}: messaggio {id} in coda per IO")
}

/// The window of a step whose message cannot be composed.
pub const BOX_NO_MESSAGE: &str = "Messaggio IO non componibile";
pub const GO_ON_WITHOUT_MESSAGE: &str =
    "Procedere senza messaggio? Il cittadino andrà avvisato in altro modo.";

pub const GO_ON_ALONE: &str = "procedi senza messaggio";
pub const CHECK_CLOSE: &str = "annulla";

/// Said of a message whose text is the Comune's own.
pub const COMUNE_TEXT: &str = "Testo del Comune, non del catalogo IO.";

pub fn message_not_composed(title: &str) -> String {
    format!("Il messaggio «{title}» non si può comporre:")
}

pub fn step_without_message(reason: &str) -> String {
    format!("fatto; messaggio IO non accodato: {reason}")
}

pub fn batch_progress(label: &str, done: usize, total: usize, rate: f64) -> String {
    let left = total.saturating_sub(done);
    let eta = if rate > 0.0 {
        (left as f64 / rate).round() as u64
    } else {
        0
    };
    format!(
        "{label}  {}/{}  {:.0}/s  ETA {}:{:02}  (Esc interrompe)",
        crate::domain::number::count(done),
        crate::domain::number::count(total),
        rate,
        eta / 60,
        eta % 60
    )
}

/// How a rent batch ended: done with their messages, skipped (already done or no longer
/// due), tenancies flagged for decadenza.
pub fn rent_batch_report(done: usize, skipped: usize, flagged: usize, interrupted: bool) -> String {
    let mut text = format!(
        "fatti {}, saltati {}",
        crate::domain::number::count(done),
        crate::domain::number::count(skipped)
    );
    if flagged > 0 {
        text.push_str(&format!(
            ", segnalati per decadenza {}",
            crate::domain::number::count(flagged)
        ));
    }
    if interrupted {
        text.push_str(" · interrotto: ripetere riprende senza doppioni");
    }
    text
}

pub fn batch_report(
    queued: usize,
    duplicates: usize,
    failed: usize,
    first: Option<&str>,
    interrupted: bool,
) -> String {
    let mut text = format!(
        "accodati {}, già in coda {}",
        crate::domain::number::count(queued),
        crate::domain::number::count(duplicates)
    );
    if failed > 0 {
        text.push_str(&format!(
            ", non accodati {}",
            crate::domain::number::count(failed)
        ));
        if let Some(first) = first {
            text.push_str(&format!(" (primo: {first})"));
        }
    }
    if interrupted {
        text.push_str(" · interrotto: ripetere l'invio riprende senza doppioni");
    }
    text
}

pub const FIELD_FISCAL_CODE: &str = "Codice fiscale";
pub const FIELD_NOTE: &str = "Nota";
pub const FIELD_REASON: &str = "Motivo";
pub const FIELD_EXCLUSION: &str = "Causa di esclusione";
pub const CHOICE_HINT: &str = "← → per scegliere";
pub const FIELD_NOTE_SHORT: &str = "nota";
pub const CHECKLIST_HINT: &str = "Spazio spunta · ↑ ↓ scorre";
pub const TICK_ONE: &str = "spuntare almeno una voce con Spazio";

/// A row ticked "no" without the note that says why.
pub fn note_needed(row: &str) -> String {
    format!(
        "scrivere la nota di «{}» (sotto la voce)",
        row.split(" · ").next().unwrap_or(row)
    )
}

pub fn batch_done(done: usize, refused: usize, first_error: Option<&str>) -> String {
    match first_error {
        None => crate::domain::number::plural(done, "domanda aggiornata", "domande aggiornate"),
        Some(error) => format!(
            "{} aggiornate, {} rifiutate: {error}",
            crate::domain::number::count(done),
            crate::domain::number::count(refused)
        ),
    }
}

pub fn saved(what: &str) -> String {
    format!("{what}: salvato")
}

pub fn too_small(width: u16, height: u16, min_width: u16, min_height: u16) -> String {
    format!("{TOO_SMALL}: {width}×{height} (servono almeno {min_width}×{min_height})")
}

pub fn matches(n: usize) -> String {
    crate::domain::number::plural(n, "risultato", "risultati")
}

pub fn window_open(days_left: i64) -> String {
    match days_left {
        0 => "aperta · chiude oggi".to_string(),
        1 => "aperta · chiude domani".to_string(),
        n => format!("aperta · chiude tra {n} giorni"),
    }
}

pub fn window_not_yet(days: i64) -> String {
    match days {
        1 => "non ancora aperta · apre domani".to_string(),
        n => format!("non ancora aperta · apre tra {n} giorni"),
    }
}

pub const WINDOW_CLOSED: &str = "chiusa";

pub fn procedure_day(day: i64, days_left: i64) -> String {
    if days_left >= 0 {
        match days_left {
            1 => format!("giorno {day}/210 · resta 1 giorno"),
            n => format!("giorno {day}/210 · restano {n} giorni"),
        }
    } else {
        match -days_left {
            1 => format!("giorno {day}/210 · scaduto da 1 giorno"),
            n => format!("giorno {day}/210 · scaduto da {n} giorni"),
        }
    }
}

pub fn integration_overdue(n: usize) -> String {
    crate::domain::number::plural(
        n,
        "integrazione scaduta senza risposta",
        "integrazioni scadute senza risposta",
    )
}

pub fn integration_due_soon(n: usize) -> String {
    crate::domain::number::plural(
        n,
        "integrazione in scadenza entro 3 giorni",
        "integrazioni in scadenza entro 3 giorni",
    )
}

pub fn received_unregistered(n: usize) -> String {
    crate::domain::number::plural(
        n,
        "domanda ricevuta da protocollare",
        "domande ricevute da protocollare",
    )
}

pub const NOTHING_OVERDUE: &str = "nessuna scadenza superata";

pub fn integration_deadline(date: &str) -> String {
    format!("integrazione entro il {date}")
}

pub fn keys_hint(keys: &str, description: &str) -> String {
    format!("{keys} {description}")
}

pub fn field_error(label: &str, reason: &str) -> String {
    format!("{label}: {reason}")
}

pub fn flags_legend() -> &'static str {
    "! fuori termine o condizione senza documento"
}

/// What a shared action does, for help, palette and the key bar. (Its keymap identifier is
/// in `actions`, and does not change with the text.)
pub fn action_text(action: Action) -> &'static str {
    match action {
        Action::Quit => "esci",
        Action::Back => "torna indietro",
        Action::Help => "aiuto",
        Action::Palette => "comandi",
        Action::NextScreen => "schermata successiva",
        Action::PreviousScreen => "schermata precedente",
        Action::Up => "su",
        Action::Down => "giù",
        Action::PageUp => "pagina su",
        Action::PageDown => "pagina giù",
        Action::Top => "all'inizio",
        Action::Bottom => "alla fine",
        Action::Open => "apri",
        Action::Cancel => "annulla",
        Action::Confirm => "conferma",
        Action::Save => "salva",
        Action::NextField => "campo successivo",
        Action::PreviousField => "campo precedente",
        Action::Yes => "sì",
        Action::No => "no",
        Action::WholeStatus => "messaggio intero",
        Action::WithdrawQueued => "ritira quello in coda",
        Action::Go(_) | Action::Screen(_) => "?",
    }
}

// The steps more than one screen offers.
pub const ACTION_SEARCH: &str = "cerca";
pub const ACTION_FILTER: &str = "filtra";
pub const ACTION_NEXT_FILTER: &str = "stato succ.";
pub const ACTION_PREVIOUS_FILTER: &str = "stato prec.";
pub const ACTION_REGISTER: &str = "protocolla";
pub const ACTION_START_REVIEW: &str = "avvia istruttoria";
pub const ACTION_ADMIT: &str = "ammetti";
pub const ACTION_EXCLUDE: &str = "escludi";
pub const ACTION_REMIND_FEE: &str = "promemoria pagamento";
pub const ACTION_SEND_MESSAGE: &str = "messaggio IO";
pub const ACTION_BOOK_APPOINTMENT: &str = "appuntamento";

// Headings of the help's sections that are not a screen's.
pub const HELP_GLOBAL: &str = "Tutte le schermate";
pub const HELP_SEARCH: &str = "Durante la ricerca";
pub const HELP_PALETTE: &str = "Tavolozza dei comandi";
pub const HELP_HELP: &str = "In questo aiuto";
pub const HELP_FORM: &str = "Nei moduli";
pub const HELP_CONFIRM: &str = "Nelle conferme";
pub const HELP_PREVIEW: &str = "Nell'anteprima di un messaggio";

pub fn sending(handled: usize, remaining: usize) -> String {
    format!(
        "Invio a IO: {} gestiti, {} ancora in coda",
        crate::domain::number::count(handled),
        crate::domain::number::count(remaining)
    )
}

pub fn sent_report(summary: &str) -> String {
    format!("Ultimo invio a IO: {summary}")
}

// ---- review: the case's review steps, fees, inbox lists ----

pub const LIST_OVERDUE: &str = "Scadute";
pub const LIST_FEE_DUE: &str = "Da pagare";
pub const LIST_FEE_LATE: &str = "Pagamenti scaduti";

pub(crate) fn in_days(days: i64) -> String {
    match days {
        0 => "oggi".to_string(),
        1 => "domani".to_string(),
        n => format!("tra {n} giorni"),
    }
}

pub(crate) fn days_ago(days: i64) -> String {
    match days {
        1 => "da 1 giorno".to_string(),
        n => format!("da {n} giorni"),
    }
}

// ---- calls: the Bandi screen ----

pub const CALL_INTERESTED: &str = "Interessati";
pub const CALL_DOCUMENTS: &str = "Documenti";

// ---- agenda: the Agenda screen ----

pub fn weekday(day: chrono::Weekday) -> &'static str {
    use chrono::Weekday as W;
    match day {
        W::Mon => "lunedì",
        W::Tue => "martedì",
        W::Wed => "mercoledì",
        W::Thu => "giovedì",
        W::Fri => "venerdì",
        W::Sat => "sabato",
        W::Sun => "domenica",
    }
}

// ---- ranking: the Graduatoria screen, the score in the case, objections ----

pub const NO_RULESET: &str = "nessuna tabella dei punteggi: alloggi ranking rules FILE";
pub const OBJECTION_TO_DECIDE: &str = "opposizione da decidere";

pub fn ranking_counts(admitted: usize, excluded: usize) -> String {
    format!(
        "{}, {}",
        crate::domain::number::plural(admitted, "ammessa", "ammesse"),
        crate::domain::number::plural(excluded, "esclusa", "escluse")
    )
}

pub fn isee_value(amount: &str) -> String {
    format!("ISEE {amount}")
}

pub fn members(n: u32) -> String {
    match n {
        1 => "1 componente".to_string(),
        n => format!("{n} componenti"),
    }
}

pub fn unknown_template(id: &str) -> String {
    format!("messaggio «{id}» sconosciuto nel catalogo")
}

pub fn ranking_published(title: &str, queued: usize, duplicates: usize) -> String {
    let mut text = format!(
        "pubblicata la {title}: {}",
        crate::domain::number::plural(queued, "messaggio accodato", "messaggi accodati")
    );
    if duplicates > 0 {
        text.push_str(&format!(
            ", {} già in coda",
            crate::domain::number::count(duplicates)
        ));
    }
    text
}

pub fn adjust_condition(label: &str, present: bool) -> String {
    if present {
        format!("condizione {label}: riconosciuta")
    } else {
        format!("condizione {label}: non riconosciuta")
    }
}

pub const CHECK_COMMIT: &str = "salva la rettifica";
pub const CHECK_BACK: &str = "torna al modulo";

pub(crate) fn signed(points: crate::domain::points::Points) -> String {
    if points.0 > 0 {
        format!("+{points}")
    } else {
        points.to_string()
    }
}

pub const BOX_SCORE: &str = "Punteggio";

/// An assignment round opened, with the messages it queued.
pub fn assignment_opened(call: &str, queued: usize) -> String {
    format!(
        "assegnazione del bando {call} aperta: {}",
        crate::domain::number::plural(queued, "messaggio accodato", "messaggi accodati")
    )
}
