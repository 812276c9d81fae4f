//! Every text the console shows, in one place: one wording to review, and a later locale costs a
//! file rather than a hunt. Text that comes from data is not here; it is cleaned in `view`.

use super::actions::Action;

pub const APP: &str = "alloggi";
pub const TOO_SMALL: &str = "Finestra troppo piccola";
pub const LOADING_STORE: &str = "Apertura dell'archivio…";
pub const LOADING_SUMMARY: &str = "Lettura del bando…";
pub const LOADING_ROWS: &str = "Caricamento delle domande…";
pub const NO_CALL: &str = "Nessun bando attivo: caricarne uno con «alloggi call load FILE.toml»";
pub const LOADING_INDEX: &str = "Preparazione dell'indice di ricerca…";
pub const NO_ROWS: &str = "Nessuna domanda in questo elenco";
pub const NO_EVENTS: &str = "Nessun evento";
pub const NO_MATCH: &str = "Nessun risultato";

pub const SCREEN_DASHBOARD: &str = "Cruscotto";
pub const SCREEN_INBOX: &str = "Domande";
pub const SCREEN_CASE: &str = "Scheda";
pub const SCREEN_AUDIT: &str = "Registro";
pub const SCREEN_OUTBOX: &str = "Messaggi";
pub const SCREEN_AGENDA: &str = "Agenda";
pub const SCREEN_CALLS: &str = "Bandi";
pub const SCREEN_RANKING: &str = "Graduatoria";

pub const FILTER_ALL: &str = "Tutte";

pub const COL_PROTOCOL: &str = "Protocollo";
pub const COL_APPLICANT: &str = "Richiedente";
pub const COL_FISCAL_CODE: &str = "Codice fiscale";
pub const COL_STATE: &str = "Stato";
pub const COL_RECEIVED: &str = "Ricevuta";
pub const COL_CHANNEL: &str = "Canale";
pub const COL_HOUSEHOLD: &str = "Nucleo";
pub const COL_WHEN: &str = "Quando";
pub const COL_ACTOR: &str = "Operatore";
pub const COL_CASE: &str = "Domanda";
pub const COL_EVENT: &str = "Evento";
pub const NOT_REGISTERED: &str = "—";

pub const BOX_HOUSEHOLD: &str = "Nucleo";
pub const BOX_CONDITIONS: &str = "Condizioni";
pub const BOX_DOCUMENTS: &str = "Documenti";
pub const BOX_TIMELINE: &str = "Cronologia";
pub const BOX_CONTACT: &str = "Recapiti";
pub const BOX_HELP: &str = "Aiuto";
pub const BOX_PALETTE: &str = "Comandi";
pub const BOX_CONFIRM: &str = "Conferma";

pub const DASH_CALL: &str = "Bando";
pub const DASH_WINDOW: &str = "Finestra di presentazione";
pub const DASH_PROCEDURE: &str = "Procedimento (210 giorni)";
pub const DASH_STATES: &str = "Domande per stato";
pub const DASH_OVERDUE: &str = "Scadenze";
pub const DASH_TOTAL: &str = "Totale";

pub const SEARCH_PROMPT: &str = "Cerca (nome, codice fiscale, protocollo)";
pub const HELP_FILTER: &str = "filtra";
pub const PALETTE_PROMPT: &str = "Comando";
pub const DISCARD_QUESTION: &str = "Ci sono modifiche non salvate. Scartarle?";
pub const YES_NO: &str = "s sì · n no";
pub const REQUIRED: &str = "obbligatorio";

pub const FORM_CONTACT: &str = "Modifica recapiti";
pub const FORM_MEMBER: &str = "Aggiungi componente del nucleo";
pub const FORM_INTEGRATION: &str = "Richiesta di integrazione";
pub const FORM_ADMIT: &str = "Ammissione";
pub const FORM_EXCLUDE: &str = "Esclusione";
pub const FORM_REINSTATE: &str = "Riammissione in istruttoria";
pub const FORM_LATE: &str = "Protocollazione fuori termine";
pub const FORM_AUDIT_FILTER: &str = "Filtra il registro";
pub const FORM_CHOOSE_TEMPLATE: &str = "Messaggio IO da inviare";
pub const FORM_MESSAGE_VALUES: &str = "Dati del messaggio IO";
pub const FORM_REQUEUE: &str = "Rimetti in coda il messaggio";
pub const FORM_MARK_SENT: &str = "Segna il messaggio come inviato";
pub const FORM_EXPORT_BUNDLE: &str = "Esporta i messaggi in coda per l'invio esterno";
pub const FIELD_TEMPLATE: &str = "Messaggio (← →)";
pub const FIELD_IO_ID: &str = "Id IO (se noto)";
pub const FIELD_BUNDLE_FILE: &str = "File del pacchetto";
pub const NO_COMUNE_CONFIG: &str = "configurazione del Comune mancante: indicare --comune FILE o creare ~/.config/alloggi/comune.toml (esempio in fixtures/comune.toml)";
pub const SENDER_OFF: &str = "invio a IO non attivo in questa console";
pub const BOX_MESSAGE: &str = "Messaggio IO";
pub const PREVIEW_CONFIRM: &str = "conferma e accoda";
pub const PREVIEW_CLOSE: &str = "chiudi";
pub const REACHABLE: &str = "raggiungibile su IO";
pub const REACHABILITY_UNKNOWN: &str = "su IO: verifica all'invio";
pub const OUTBOX_EMPTY: &str = "Nessun messaggio in questo stato.";
pub const OUTBOX_COLUMNS: [&str; 4] = ["Quando", "Destinatario", "Messaggio", "Stato"];
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
        "{} cittadini interessati: anteprima per il primo; gli altri ricevono lo stesso testo",
        crate::format::count(count)
    )
}

pub fn interested_queued(queued: usize, duplicates: usize) -> String {
    let mut text = format!("{} messaggi accodati", crate::format::count(queued));
    if duplicates > 0 {
        text.push_str(&format!(
            " · {} già in coda, non ripetuti",
            crate::format::count(duplicates)
        ));
    }
    text
}

pub fn batch_recipients(count: usize, first: &str) -> String {
    format!(
        "{} destinatari: anteprima per il primo ({first}); gli altri ricevono lo stesso testo con i propri dati",
        crate::format::count(count)
    )
}

pub fn duplicate_message(id: &str) -> String {
    format!("un messaggio identico è già in coda ({id}): non verrà inviato di nuovo")
}

pub fn message_queued(title: &str, id: &str) -> String {
    format!("{title}: messaggio {id} in coda per IO")
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
        crate::format::count(done),
        crate::format::count(total),
        rate,
        eta / 60,
        eta % 60
    )
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
        crate::format::count(queued),
        crate::format::count(duplicates)
    );
    if failed > 0 {
        text.push_str(&format!(", non accodati {}", crate::format::count(failed)));
        if let Some(first) = first {
            text.push_str(&format!(" (primo: {first})"));
        }
    }
    if interrupted {
        text.push_str(" · interrotto: ripetere l'invio riprende senza doppioni");
    }
    text
}

pub fn exported(count: usize, bundle: &str, path: &str) -> String {
    format!(
        "esportati {} messaggi nel pacchetto {bundle} ({path})",
        crate::format::count(count)
    )
}

pub const FIELD_EMAIL: &str = "Email";
pub const FIELD_PHONE: &str = "Telefono";
pub const FIELD_STREET: &str = "Indirizzo";
pub const FIELD_POSTCODE: &str = "CAP";
pub const FIELD_MUNICIPALITY: &str = "Comune";
pub const FIELD_PROVINCE: &str = "Provincia";
pub const FIELD_FISCAL_CODE: &str = "Codice fiscale";
pub const FIELD_SURNAME: &str = "Cognome";
pub const FIELD_NAME: &str = "Nome";
pub const FIELD_RELATION: &str = "Relazione";
pub const FIELD_BIRTH_DATE: &str = "Data di nascita";
pub const FIELD_DISABILITY: &str = "Invalidità %";
pub const FIELD_DOCUMENTS: &str = "Documenti (codici)";
pub const FIELD_DEADLINE: &str = "Scadenza (gg/mm/aaaa)";
pub const FIELD_NOTE: &str = "Nota";
pub const FIELD_REASON: &str = "Motivo";
pub const FIELD_EXCLUSION: &str = "Causa di esclusione";
pub const FIELD_CASE: &str = "Domanda (protocollo)";
pub const FIELD_ACTOR: &str = "Operatore";
pub const FIELD_KIND: &str = "Tipo di evento";
pub const CHOICE_HINT: &str = "← → per scegliere";

pub const SORT_LABELS: [&str; 4] = ["ricevuta", "protocollo", "richiedente", "stato"];

pub fn selected(n: usize) -> String {
    format!("{} selezionate", crate::format::count(n))
}

pub fn batch_done(done: usize, refused: usize, first_error: Option<&str>) -> String {
    match first_error {
        None => format!("{} domande aggiornate", crate::format::count(done)),
        Some(error) => format!(
            "{} aggiornate, {} rifiutate: {error}",
            crate::format::count(done),
            crate::format::count(refused)
        ),
    }
}

pub fn saved(what: &str) -> String {
    format!("{what}: salvato")
}

pub fn too_small(width: u16, height: u16, min_width: u16, min_height: u16) -> String {
    format!("{TOO_SMALL}: {width}×{height} (servono almeno {min_width}×{min_height})")
}

pub fn rows_loading(done: usize, total: usize) -> String {
    format!(
        "{LOADING_ROWS} {}/{}",
        crate::format::count(done),
        crate::format::count(total)
    )
}

pub fn matches(n: usize) -> String {
    format!("{} risultati", crate::format::count(n))
}

pub fn window_open(days_left: i64) -> String {
    match days_left {
        0 => "aperta · chiude oggi".to_string(),
        1 => "aperta · chiude domani".to_string(),
        n => format!("aperta · chiude tra {n} giorni"),
    }
}

pub fn window_not_yet(days: i64) -> String {
    format!("non ancora aperta · apre tra {days} giorni")
}

pub const WINDOW_CLOSED: &str = "chiusa";

pub fn procedure_day(day: i64, days_left: i64) -> String {
    if days_left >= 0 {
        format!("giorno {day}/210 · restano {days_left} giorni")
    } else {
        format!("giorno {day}/210 · scaduto da {} giorni", -days_left)
    }
}

pub fn integration_overdue(n: usize) -> String {
    format!(
        "{} integrazioni scadute senza risposta",
        crate::format::count(n)
    )
}

pub fn integration_due_soon(n: usize) -> String {
    format!(
        "{} integrazioni in scadenza entro 3 giorni",
        crate::format::count(n)
    )
}

pub fn received_unregistered(n: usize) -> String {
    format!(
        "{} domande ricevute da protocollare",
        crate::format::count(n)
    )
}

pub const NOTHING_OVERDUE: &str = "nessuna scadenza superata";

pub fn age(years: u32) -> String {
    format!("{years}a")
}

pub fn integration_deadline(date: &str) -> String {
    format!("integrazione entro il {date}")
}

pub fn keys_hint(keys: &str, description: &str) -> String {
    format!("{keys} {description}")
}

pub fn field_error(label: &str, reason: &str) -> String {
    format!("{label}: {reason}")
}

pub fn unknown_document(code: &str) -> String {
    format!("documento '{code}' non previsto dal bando")
}

pub fn audit_filters(case: &str, actor: &str, kind: &str) -> String {
    let mut parts = Vec::new();
    if !case.is_empty() {
        parts.push(format!("domanda {case}"));
    }
    if !actor.is_empty() {
        parts.push(format!("operatore {actor}"));
    }
    if !kind.is_empty() {
        parts.push(format!("tipo {kind}"));
    }
    if parts.is_empty() {
        "tutti gli eventi".to_string()
    } else {
        format!("filtro: {}", parts.join(" · "))
    }
}

pub fn case_not_found(protocol: &str) -> String {
    format!("nessuna domanda con protocollo {protocol}")
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

pub const SENDING_REQUESTED: &str = "invio a IO avviato";

pub fn cannot(action: &str, id: &str, state: &str) -> String {
    format!("non si può {action} il messaggio {id}: è {state}")
}

pub fn requeued(id: &str) -> String {
    format!("messaggio {id} rimesso in coda: sarà inviato di nuovo")
}

pub fn marked_sent(id: &str) -> String {
    format!("messaggio {id} segnato come inviato")
}

pub fn sending(handled: usize, remaining: usize) -> String {
    format!(
        "Invio a IO: {} gestiti, {} ancora in coda",
        crate::format::count(handled),
        crate::format::count(remaining)
    )
}

pub fn sent_report(summary: &str) -> String {
    format!("Ultimo invio a IO: {summary}")
}

pub const DASHBOARD_OUTBOX: &str = "Messaggi IO";

// ---- review: the case's review steps, fees, inbox lists ----

pub const FORM_RECORD_DOCUMENT: &str = "Registra un documento";
pub const FORM_VERIFY: &str = "Verifica di requisiti e condizioni";
pub const FORM_REMOVE_MEMBER: &str = "Togli un componente dal nucleo";
pub const FORM_ISSUE_FEE: &str = "Avviso pagoPA delle spese di segreteria";
pub const FORM_RECORD_PAYMENT: &str = "Pagamento delle spese di segreteria";
pub const FORM_ADMIT_MANY: &str = "Ammissione delle domande scelte";
pub const FORM_EXCLUDE_MANY: &str = "Esclusione delle domande scelte";
pub const FORM_REMIND_WITHIN: &str = "Promemoria degli avvisi in scadenza";
pub const FIELD_RECORDED_DOCUMENT: &str = "Documento";
pub const FIELD_DOCUMENT_STATUS: &str = "Stato";
pub const FIELD_CHECK_ITEM: &str = "Voce";
pub const FIELD_FINDING: &str = "Esito";
pub const FIELD_MEMBER: &str = "Componente";
pub const FIELD_FEE_NOTICE: &str = "Numero avviso";
pub const FIELD_FEE_AMOUNT: &str = "Importo (€)";
pub const FIELD_PAID_ON: &str = "Pagato il (gg/mm/aaaa)";
pub const FIELD_WITHIN_DAYS: &str = "Entro quanti giorni";
pub const DOC_RECEIVED: &str = "ricevuto";
pub const DOC_MISSING: &str = "mancante";
pub const DOC_REJECTED: &str = "respinto";
pub const DOC_NOT_GIVEN: &str = "non presentato";
pub const NEED_REQUIRED: &str = "obbligatorio";
pub const NEED_CONDITION: &str = "per condizione";
pub const NEED_OPTIONAL: &str = "facoltativo";
pub const FINDING_VERIFIED: &str = "verificato";
pub const FINDING_NOT_VERIFIED: &str = "non verificato";
pub const NOTE_FOR_REJECTED: &str = "obbligatoria per un documento respinto";
pub const NOTE_FOR_NOT_VERIFIED: &str = "obbligatoria per un esito non verificato";
pub const AMOUNT_ZERO: &str = "deve essere maggiore di zero";
pub const DAYS_RANGE: &str = "un numero di giorni da 0 a 365";
pub const NO_FEE_TO_REMIND: &str =
    "nessuna delle domande scelte ha un avviso non pagato e non ancora scaduto";
pub const NO_MEMBER_TO_REMOVE: &str = "nel nucleo c'è solo il richiedente";
pub const NO_CALL_DOCUMENTS: &str = "il bando della domanda non prevede documenti";

pub fn no_fee_due_within(days: u32) -> String {
    format!("nessun avviso non pagato in scadenza entro {days} giorni")
}

/// A check item's current finding, as the Verify form lists it.
pub fn finding_verified(by: &str, on: &str) -> String {
    format!("✓ verificato da {by} il {on}")
}
pub const FINDING_FAILED: &str = "✗ non verificato";
pub const FINDING_PENDING: &str = "da verificare";

pub const LIST_OVERDUE: &str = "Scadute";
pub const LIST_FEE_DUE: &str = "Da pagare";
pub const LIST_FEE_LATE: &str = "Pagamenti scaduti";
pub const COL_DEADLINE: &str = "Scadenza";

fn in_days(days: i64) -> String {
    match days {
        0 => "oggi".to_string(),
        1 => "domani".to_string(),
        n => format!("tra {n} giorni"),
    }
}

fn days_ago(days: i64) -> String {
    match days {
        1 => "da 1 giorno".to_string(),
        n => format!("da {n} giorni"),
    }
}

/// "scade 28/09 · tra 3 giorni", "scaduta da 2 giorni".
pub fn integration_left(deadline: &str, days_left: i64) -> String {
    if days_left >= 0 {
        format!("scade {deadline} · {}", in_days(days_left))
    } else {
        format!("scaduta {}", days_ago(-days_left))
    }
}

pub fn overdue_status(days: i64, protocol: &str) -> String {
    format!("integrazione scaduta {} ({protocol})", days_ago(days))
}

pub fn fee_due_status(due: &str, days_left: i64, protocol: &str) -> String {
    format!(
        "spese di segreteria entro il {due} · {} ({protocol})",
        in_days(days_left)
    )
}

pub fn fee_late_status(days: i64, protocol: &str) -> String {
    format!(
        "spese di segreteria non pagate, scadute {} ({protocol})",
        days_ago(days)
    )
}

pub fn case_integration(requested: &str) -> String {
    format!("Integrazione richiesta il {requested}")
}

pub fn case_decision(admitted: bool, on: &str, by: &str) -> String {
    let what = if admitted { "Ammessa" } else { "Esclusa" };
    format!("{what} il {on} da {by}")
}

pub fn case_received(on: &str) -> String {
    format!("Ricevuta il {on}")
}

pub fn case_registered(on: &str) -> String {
    format!("protocollata il {on}")
}

pub const BOX_TIMELINE_RECENT: &str = "Cronologia, dalla più recente";
pub const BOX_CHECKS: &str = "Requisiti e condizioni";
pub const MISSING_DOCUMENT: &str = "manca doc";
pub const DOC_REQUESTED: &str = "richiesto";
pub const CASE_NO_DOCUMENTS: &str = "nessun documento previsto";
pub const LATE_APPLICATION: &str = "fuori termine";

/// What the caseworker checks for each requirement, short enough for the case view's box.
pub fn requirement_short(requirement: crate::domain::verification::Requirement) -> &'static str {
    use crate::domain::verification::Requirement as R;
    match requirement {
        R::Cittadinanza => "cittadinanza",
        R::ResidenzaOLavoro => "residenza o lavoro",
        R::NessunaProprietaAdeguata => "nessuna casa adeguata",
        R::Isee => "ISEE",
        R::NessunAlloggioPubblico => "nessuna casa pubblica",
        R::NessunaCondanna => "nessuna condanna",
    }
}

/// The declared citizenship as the case view's requirement line says it.
pub fn citizenship_short(citizenship: crate::domain::household::Citizenship) -> &'static str {
    use crate::domain::household::Citizenship as C;
    match citizenship {
        C::Italiana => "cittadinanza italiana",
        C::Ue => "cittadinanza UE",
        C::ExtraUeLungoPeriodo => "extra UE lungo periodo",
        C::ExtraUePermessoBiennale => "permesso biennale",
    }
}

pub fn residence_years(years: u8) -> String {
    format!("residenza da {years} anni")
}
pub const WORK_IN_COMUNE: &str = "lavoro nel Comune";

pub fn isee_limit(limit: &str) -> String {
    format!("limite {limit}")
}

/// "alloggio 40 m² · minimo 54 m² per 3 → inadeguato".
pub fn adequacy(area: u16, minimum: u16, people: usize, adequate: bool) -> String {
    format!(
        "alloggio {area} m² · minimo {minimum} m² per {people} → {}",
        if adequate { "adeguato" } else { "inadeguato" }
    )
}
pub fn adequacy_verdict(area: u16, adequate: bool) -> String {
    format!(
        "alloggio {area} m² → {}",
        if adequate { "adeguato" } else { "inadeguato" }
    )
}

pub fn adequacy_minimum(minimum: u16, people: usize) -> String {
    format!("minimo {minimum} m² per {people}")
}
pub const DECLARED_INADEQUATE_BUT_NOT: &str = "⚠ dichiarato inadeguato: non risulta";
pub const INADEQUATE_NOT_DECLARED: &str = "condizione non dichiarata";

pub fn also_in(protocols: &str) -> String {
    format!("⚠ anche in {protocols}")
}

pub const CASE_FEE: &str = "Spese di segreteria";
pub const FEE_UNPAID: &str = "non pagato";

pub fn fee_paid(on: &str) -> String {
    format!("pagato il {on}")
}

pub fn fee_late(days: i64) -> String {
    format!("non pagato, scaduto {}", days_ago(days))
}

pub fn reminders(n: usize) -> String {
    format!("{n} promemoria")
}

/// "avviso 3012… 25,00 € entro 30/11".
pub fn fee_notice(notice: &str, amount: &str, due: &str) -> String {
    format!("avviso {notice} {amount} entro {due}")
}

pub const NEXT_APPOINTMENT: &str = "Appuntamento";

pub const DASH_FEES_DUE: &str = "avvisi da pagare";
pub const DASH_FEES_LATE: &str = "pagamenti scaduti";
pub const DASH_OVERDUE_ROW: &str = "integrazioni scadute";
pub const DASH_DUE_SOON_ROW: &str = "integrazioni entro 3 giorni";
pub const DASH_UNREGISTERED_ROW: &str = "ricevute da protocollare";
pub const DASH_TODAY: &str = "Appuntamenti di oggi";
pub const NO_APPOINTMENTS: &str = "nessun appuntamento";

pub fn more_appointments(n: usize) -> String {
    format!("… e altri {n}")
}

// ---- calls: the Bandi screen ----

pub const CALLS_COLUMNS: [&str; 6] = [
    "Codice",
    "Titolo",
    "Finestra",
    "Stato",
    "Pubblicazione",
    "Interessati",
];
pub const CALL_ACTIVE: &str = "attivo";
pub const CALL_UNPUBLISHED: &str = "non pubblicato";
pub fn call_no_calls(new_key: &str) -> String {
    format!("nessun bando nel database: {new_key} ne crea uno")
}
pub const NO_CALL_SELECTED: &str = "nessun bando sotto il cursore";

pub fn call_published(date: &str) -> String {
    format!("pubblicato il {date}")
}

pub const CALL_DETERMINA: &str = "Determina";
pub const CALL_WINDOW: &str = "Finestra";
pub const CALL_DURATION: &str = "Durata massima";
pub const CALL_PROCEDURE_END: &str = "Fine procedura";
pub const CALL_STAMP_DUTY: &str = "Marca da bollo";
pub const CALL_FEE: &str = "Spese segreteria";
pub const CALL_INTEGRATION: &str = "Integrazione";
pub const CALL_OBJECTIONS: &str = "Opposizioni";
pub const CALL_ISEE_LIMIT: &str = "Limite ISEE";
pub const CALL_SINGLE_PERSON: &str = "Unipersonale";
pub const CALL_PROPERTY_SHARE: &str = "Quota proprietà";
pub const CALL_RANKING_VALIDITY: &str = "Graduatoria";
pub const CALL_REFERENCE: &str = "Riferimento";
pub const CALL_PROTOCOL: &str = "Protocollo";
pub const CALL_PUBLICATION: &str = "Pubblicazione";
pub const CALL_INTERESTED: &str = "Interessati";
pub const CALL_DOCUMENTS: &str = "Documenti";
pub const CALL_DOC_REQUIRED: &str = "obbligatorio";
pub const CALL_DOC_OPTIONAL: &str = "facoltativo";

pub const CALL_WINDOW_NOT_OPEN: &str = "non ancora aperta";
pub const CALL_WINDOW_OPEN: &str = "aperta";

/// Which lines of a scrolled list are shown, and the keys that scroll it.
pub fn call_section_range(from: usize, to: usize, total: usize, keys: &str) -> String {
    format!("{from}–{to} di {total} · {keys}")
}

pub fn call_window_span(opens: &str, closes: &str) -> String {
    format!("{opens} – {closes}")
}

pub fn call_days(n: u32) -> String {
    if n == 1 {
        "1 giorno".to_string()
    } else {
        format!("{n} giorni")
    }
}

pub fn call_years(n: u32) -> String {
    if n == 1 {
        "valida 1 anno".to_string()
    } else {
        format!("valida {n} anni")
    }
}

pub fn call_percent_increase(pct: u32, limit: &str) -> String {
    format!("+{pct}% ({limit})")
}

pub fn call_max_share(pct: u32) -> String {
    format!("al massimo {pct}%")
}

pub fn call_reference_is_closing(date: &str) -> String {
    format!("{date} (chiusura)")
}

pub fn call_protocol_example(pattern: &str, example: &str) -> String {
    format!("{pattern} → es. {example}")
}

pub fn call_interested_citizens(n: usize) -> String {
    match n {
        0 => "nessun cittadino interessato".to_string(),
        1 => "1 cittadino interessato".to_string(),
        n => format!("{} cittadini interessati", crate::format::count(n)),
    }
}

pub fn doc_needed_for(triggers: &str) -> String {
    format!("necessario per {triggers}")
}

pub fn call_documents_heading(n: usize) -> String {
    format!("{CALL_DOCUMENTS} ({n})")
}

pub const CALL_NO_DOCUMENTS: &str = "nessun documento";
pub const NO_DOCUMENTS_TO_REMOVE: &str = "il bando non ha documenti da togliere";

pub const CALL_IMPORT_ERRORS: &str = "Righe da correggere, nessun interessato importato";

/// The status line's hint about what the call under the cursor can do next.
pub fn call_hint_unpublished(key: &str, interested: usize) -> String {
    match interested {
        0 => format!("non pubblicato · {key} lo pubblica"),
        n => format!(
            "non pubblicato · {key} lo pubblica e avvisa {} interessati",
            crate::format::count(n)
        ),
    }
}

pub fn call_hint_published(date: &str, key: &str) -> String {
    format!("pubblicato il {date} · {key} avvisa gli interessati aggiunti dopo")
}

pub const FORM_CALL_NEW: &str = "Nuovo bando (1/2): dati generali";
pub const FORM_CALL_EDIT: &str = "Modifica bando (1/2): dati generali";
pub const FORM_CALL_PARAMS: &str = "Bando (2/2): parametri";
pub const FORM_DOCUMENT_CODE: &str = "Documento del bando: codice";
pub const FORM_DOCUMENT_NEW: &str = "Nuovo documento del bando";
pub const FORM_DOCUMENT_EDIT: &str = "Modifica documento del bando";
pub const FORM_DOCUMENT_REMOVE: &str = "Togli un documento dal bando";
pub const FORM_INTERESTED_ADD: &str = "Aggiungi un cittadino interessato";
pub const FORM_INTERESTED_REMOVE: &str = "Togli un cittadino interessato";
pub const FORM_INTERESTED_IMPORT: &str = "Importa interessati da file CSV";

pub const FIELD_CALL_CODE: &str = "Codice";
pub const FIELD_CALL_TITLE: &str = "Titolo";
pub const FIELD_CALL_DETERMINA: &str = "Determina";
pub const FIELD_CALL_OPENS: &str = "Apertura (gg/mm/aaaa hh:mm)";
pub const FIELD_CALL_CLOSES: &str = "Chiusura (ultimo minuto)";
pub const FIELD_CALL_DURATION: &str = "Durata massima (giorni)";
pub const FIELD_CALL_STAMP_DUTY: &str = "Marca da bollo (€)";
pub const FIELD_CALL_FEE: &str = "Spese di segreteria (€)";
pub const FIELD_INTEGRATION_DAYS: &str = "Giorni per l'integrazione";
pub const FIELD_OBJECTION_DAYS: &str = "Giorni per le opposizioni";
pub const FIELD_ISEE_LIMIT: &str = "Limite ISEE (€)";
pub const FIELD_SINGLE_PERSON: &str = "Maggiorazione unipersonale %";
pub const FIELD_PROPERTY_SHARE: &str = "Quota massima di proprietà %";
pub const FIELD_RANKING_VALIDITY: &str = "Validità graduatoria (anni)";
pub const FIELD_REFERENCE_DATE: &str = "Riferimento (vuota: chiusura)";
pub const FIELD_PROTOCOL_PATTERN: &str = "Modello del protocollo";
pub const FIELD_DOCUMENT_CODE: &str = "Codice (nuovo o esistente)";
pub const FIELD_DOCUMENT_CODE_REMOVE: &str = "Codice del documento";
pub const FIELD_DOCUMENT_TITLE: &str = "Titolo";
pub const FIELD_DOCUMENT_REQUIRED: &str = "Obbligatorio";
pub const FIELD_DOCUMENT_NEEDED_FOR: &str = "Necessario per (codici)";
pub const FIELD_CSV_FILE: &str = "File CSV";
pub const CALL_NO: &str = "no";
pub const CALL_YES: &str = "sì";

pub const CALL_CODE_RULE: &str = "solo minuscole, cifre e '-', al massimo 32";
pub const DOCUMENT_CODE_RULE: &str = "solo minuscole, cifre, '_' e '-', al massimo 40";
pub const CLOSES_BEFORE_OPENS: &str = "la chiusura deve seguire l'apertura";
pub const CALL_WHOLE_DAYS: &str = "un numero intero di giorni, da 1 in su";
pub const CALL_WHOLE_YEARS: &str = "un numero intero di anni, da 1 in su";
pub const CALL_PERCENT: &str = "un numero intero da 0 a 100";

pub fn call_unknown_trigger(code: &str, known: &str) -> String {
    format!("'{code}' sconosciuto; usa: {known}")
}

pub fn call_trigger_guess(code: &str, guess: &str) -> String {
    format!("'{code}' sconosciuto: forse {guess}?")
}

pub fn call_exists(code: &str, edit_key: &str) -> String {
    format!("esiste già un bando con codice '{code}': per cambiarlo, {edit_key} sulla sua riga")
}

pub fn call_gone(code: &str) -> String {
    format!("il bando {code} non c'è più: elenco riletto")
}

pub fn call_published_alone(code: &str) -> String {
    format!("bando {code} pubblicato; nessun cittadino interessato da avvisare")
}

pub fn call_document_not_in_call(code: &str, known: &str) -> String {
    format!("'{code}' non è tra i documenti del bando: {known}")
}

pub fn call_saved(code: &str) -> String {
    format!("bando {code} salvato")
}

pub fn call_created(code: &str) -> String {
    format!("bando {code} creato")
}

pub fn call_activated(code: &str) -> String {
    format!("bando {code} ora attivo: la console lavora su questo")
}

pub fn call_already_active(code: &str) -> String {
    format!("il bando {code} è già quello attivo")
}

pub fn call_already_published(code: &str, date: &str, notify_key: &str) -> String {
    format!(
        "il bando {code} è già pubblicato dal {date}: {notify_key} avvisa solo gli interessati aggiunti dopo"
    )
}

pub fn call_not_published(code: &str, publish_key: &str) -> String {
    format!(
        "il bando {code} non è pubblicato: {publish_key} lo pubblica e avvisa tutti gli interessati"
    )
}

pub fn call_document_saved(code: &str, call: &str) -> String {
    format!("documento {code} salvato nel bando {call}")
}

pub fn call_document_removed(code: &str, call: &str) -> String {
    format!("documento {code} tolto dal bando {call}")
}

pub fn call_interested_added(code: &str, call: &str) -> String {
    format!("{code} aggiunto agli interessati del bando {call}")
}

pub fn call_interested_removed(code: &str, call: &str) -> String {
    format!("{code} tolto dagli interessati del bando {call}")
}

pub fn call_interested_imported(added: usize, present: usize) -> String {
    format!(
        "{} interessati aggiunti ({} già presenti)",
        crate::format::count(added),
        crate::format::count(present)
    )
}

pub fn call_import_refused(rows: usize, first: &str) -> String {
    let rows = if rows == 1 {
        "1 riga errata".to_string()
    } else {
        format!("{} righe errate", crate::format::count(rows))
    };
    format!("{rows}, nulla importato (Esc: l'elenco completo) · {first}")
}

// ---- agenda: the Agenda screen ----

pub const AGENDA_EMPTY: &str = "Nessun appuntamento in questo giorno";
pub const AGENDA_COLUMNS: [&str; 7] = [
    "Ora",
    "Numero",
    "Cittadino",
    "Codice fiscale",
    "Oggetto",
    "Luogo",
    "Domanda",
];
pub const FORM_BOOK_APPOINTMENT: &str = "Prenotazione di un appuntamento";
pub const FORM_RESCHEDULE_APPOINTMENT: &str = "Spostamento dell'appuntamento";
pub const FORM_CANCEL_APPOINTMENT: &str = "Disdetta dell'appuntamento";
pub const FIELD_APPOINTMENT: &str = "Appuntamento";
pub const FIELD_CITIZEN_NAME: &str = "Cognome e nome";
pub const FIELD_SUBJECT: &str = "Oggetto";
pub const FIELD_PLACE: &str = "Luogo";
pub const FIELD_DAY: &str = "Data (gg/mm/aaaa)";
pub const FIELD_TIME: &str = "Ora (hh:mm)";
pub const DEFAULT_APPOINTMENT_SUBJECT: &str = "presentare la domanda di assegnazione";
pub const TIME_FORMAT: &str = "un'ora come 09:30";
pub const DAY_PAST: &str = "la data è già passata";
pub const CONTROL_CHARACTERS: &str = "caratteri di controllo non ammessi";
pub const APPOINTMENT_NOT_LINKED: &str = "l'appuntamento non è collegato a una domanda";

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

/// "Agenda · lunedì 02/12/2024 · oggi"; `offset` is the day's distance from today.
pub fn agenda_title(day: chrono::NaiveDate, offset: i64) -> String {
    use chrono::Datelike;
    let relative = match offset {
        0 => " · oggi",
        1 => " · domani",
        -1 => " · ieri",
        _ => "",
    };
    format!(
        "{SCREEN_AGENDA} · {} {}{relative}",
        weekday(day.weekday()),
        crate::domain::time::format_date(day)
    )
}

/// "3 appuntamenti · 1 annullato".
pub fn agenda_count(total: usize, cancelled: usize) -> String {
    let mut text = match total {
        1 => "1 appuntamento".to_string(),
        n => format!("{} appuntamenti", crate::format::count(n)),
    };
    match cancelled {
        0 => {}
        1 => text.push_str(" · 1 annullato"),
        n => text.push_str(&format!(" · {} annullati", crate::format::count(n))),
    }
    text
}

pub fn appointment_cancelled_cell(reason: &str) -> String {
    format!("annullato — {reason}")
}

pub fn too_long(max: usize) -> String {
    format!("al massimo {max} caratteri")
}

pub fn appointment_is_cancelled(number: &str) -> String {
    format!("l'appuntamento {number} è annullato: non si può più cambiare")
}

/// The linked application in the detail line: `open` is the key that opens it.
pub fn appointment_case(protocol: &str, open: &str) -> String {
    if protocol.is_empty() {
        format!("domanda non ancora protocollata ({open} apre)")
    } else {
        format!("domanda {protocol} ({open} apre)")
    }
}

pub fn appointment_booked_by(actor: &str, on: &str) -> String {
    format!("prenotato da {actor} il {on}")
}

pub fn appointment_cancelled_on(on: &str, reason: &str) -> String {
    format!("annullato il {on}: {reason}")
}

// ---- ranking: the Graduatoria screen, the score in the case, objections ----

pub const RANKING_COLUMNS: [&str; 9] = [
    "Pos.",
    "Protocollo",
    "Richiedente",
    "Totale",
    "Sogg.",
    "Ogg.",
    "ISEE",
    "Comp.",
    "Spareggio",
];
pub const LOADING_RANKING: &str = "Calcolo della graduatoria…";
pub const RANKING_LIVE: &str = "Graduatoria attuale, non pubblicata";
pub const RANKING_NO_ROWS: &str = "Nessuna domanda in questo elenco";
pub const RANKING_EMPTY: &str = "nessuna domanda da mettere in graduatoria";
pub const RANKING_SEARCH_PROMPT: &str = "Cerca (protocollo o nome)";
pub const RANK_EXCLUDED: &str = "esclusa";
pub const RANK_FILTER_ADMITTED: &str = "Ammesse";
pub const RANK_FILTER_EXCLUDED: &str = "Escluse";
pub const RANK_FILTER_TIED: &str = "Pari merito";
pub const RANK_FILTER_OBJECTION: &str = "Con opposizione";
pub const NO_RULESET: &str = "nessuna tabella dei punteggi: alloggi ranking rules FILE";
pub const RULESET_EXAMPLE: &str = "tabella di ESEMPIO";
pub const RULESET_EXAMPLE_LONG: &str =
    "tabella di ESEMPIO: va sostituita con quella del regolamento comunale";
pub const OBJECTION_TO_DECIDE: &str = "opposizione da decidere";

pub fn loading_version(number: u32) -> String {
    format!("Lettura della graduatoria n. {number}…")
}

/// "Graduatoria provvisoria n. 1 del 10/12/2024".
pub fn version_title(kind: &str, number: u32, date: &str) -> String {
    format!("Graduatoria {kind} n. {number} del {date}")
}

pub fn published_by(by: &str) -> String {
    format!("pubblicata da {by}")
}

pub fn objections_until(date: &str, open: bool) -> String {
    if open {
        format!("opposizioni fino al {date}")
    } else {
        format!("opposizioni chiuse il {date}")
    }
}

/// At the right of the version line: how many versions there are and the key that shows them.
pub fn versions_hint(versions: usize, key: &str) -> String {
    match versions {
        0 => "nessuna pubblicata".to_string(),
        1 => format!("1 pubblicata · {key} cambia"),
        n => format!("{n} pubblicate · {key} cambia"),
    }
}

pub fn ranking_version_missing(number: u32) -> String {
    format!("la graduatoria n. {number} non c'è nel database")
}

pub fn ranking_counts(admitted: usize, excluded: usize) -> String {
    format!(
        "{} ammesse, {} escluse",
        crate::format::count(admitted),
        crate::format::count(excluded)
    )
}

pub fn still_pending(n: usize) -> String {
    format!("{} in istruttoria", crate::format::count(n))
}

pub fn were_pending(n: usize) -> String {
    match n {
        1 => "1 era in istruttoria".to_string(),
        n => format!("{} erano in istruttoria", crate::format::count(n)),
    }
}

pub fn unresolved_ties(groups: usize) -> String {
    match groups {
        1 => "1 gruppo pari merito da sorteggiare".to_string(),
        n => format!(
            "{} gruppi pari merito da sorteggiare",
            crate::format::count(n)
        ),
    }
}

pub fn drawn(groups: usize, seed: u64) -> String {
    match groups {
        1 => format!("sorteggio di 1 gruppo, seme {seed}"),
        n => format!(
            "sorteggio di {} gruppi, seme {seed}",
            crate::format::count(n)
        ),
    }
}

pub fn objections_open(n: usize) -> String {
    match n {
        1 => "1 opposizione da decidere".to_string(),
        n => format!("{} opposizioni da decidere", crate::format::count(n)),
    }
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

pub fn settled_by(how: &str) -> String {
    format!("spareggio: {how}")
}

pub fn unknown_template(id: &str) -> String {
    format!("messaggio «{id}» sconosciuto nel catalogo")
}

/// What the publication writes, at the top of its warnings.
pub fn publish_summary(
    kind: &str,
    number: u32,
    admitted: usize,
    excluded: usize,
    deadline: Option<&str>,
) -> String {
    let mut text = format!(
        "Pubblica la graduatoria {kind} n. {number}: {}",
        ranking_counts(admitted, excluded)
    );
    if let Some(deadline) = deadline {
        text.push_str(&format!(" · opposizioni fino al {deadline}"));
    }
    text
}

pub fn publish_pending(n: usize) -> String {
    match n {
        1 => "1 domanda ancora in istruttoria non entra in graduatoria".to_string(),
        n => format!(
            "{} domande ancora in istruttoria non entrano in graduatoria",
            crate::format::count(n)
        ),
    }
}

pub fn publish_draw(groups: usize, seed: u64) -> String {
    match groups {
        1 => format!(
            "1 gruppo a pari merito (=?) si ordina per sorteggio: seme {seed}, scritto nel registro"
        ),
        n => format!(
            "{} gruppi a pari merito (=?) si ordinano per sorteggio: seme {seed}, scritto nel registro",
            crate::format::count(n)
        ),
    }
}

pub fn ranking_published(title: &str, queued: usize, duplicates: usize, failed: usize) -> String {
    let mut text = format!(
        "pubblicata la {title}: {} messaggi accodati",
        crate::format::count(queued)
    );
    if duplicates > 0 {
        text.push_str(&format!(
            ", {} già in coda",
            crate::format::count(duplicates)
        ));
    }
    if failed > 0 {
        text.push_str(&format!(", {} non composti", crate::format::count(failed)));
    }
    text
}

pub fn export_only_published(version_key: &str) -> String {
    format!("si esportano solo le graduatorie pubblicate: {version_key} sceglie una versione")
}

pub fn export_file_name(call: &str, number: u32) -> String {
    format!("graduatoria-{call}-n{number}.csv")
}

pub fn cannot_write(path: &str, error: &str) -> String {
    format!("{path}: impossibile scrivere: {error}")
}

pub fn ranking_exported(path: &str, what: &str, title: &str, rows: usize) -> String {
    format!(
        "{path}: {what} della {title}, {} righe",
        crate::format::count(rows)
    )
}

pub const FORM_EXPORT_RANKING: &str = "Esporta la graduatoria pubblicata";
pub const FIELD_EXPORT_FILE: &str = "File";
pub const FIELD_EXPORT_KIND: &str = "Elenco";
pub const EXPORT_PUBLIC: &str = "pubblico: protocollo, posizione, punteggio (CSV)";
pub const EXPORT_INTERNAL: &str = "interno: con nomi, solo per l'ufficio (CSV)";
pub const EXPORT_NOTICE: &str = "albo: testo da affiggere";

pub const FORM_ADJUST_SCORE: &str = "Rettifica del punteggio";
pub const FIELD_ADJUST_TARGET: &str = "Voce";
pub const FIELD_ADJUST_POINTS: &str = "Punti (vuoto: calcolati)";
pub const POINTS_ONLY_FOR_CRITERION: &str =
    "i punti si indicano solo per un criterio, non per una condizione";

pub fn adjust_criterion(id: &str, label: &str, now: crate::domain::points::Points) -> String {
    format!("{id} · {label} · ora {now}")
}

pub fn adjust_criterion_overridden(
    id: &str,
    label: &str,
    now: crate::domain::points::Points,
) -> String {
    format!("{id} · {label} · ora {now} per rettifica")
}

pub fn adjust_condition(label: &str, present: bool) -> String {
    if present {
        format!("condizione {label}: riconosciuta")
    } else {
        format!("condizione {label}: non riconosciuta")
    }
}

pub const BOX_CHECK_ADJUST: &str = "Rettifica del punteggio: verifica prima di salvare";
pub const CHECK_COMMIT: &str = "salva la rettifica";
pub const CHECK_BACK: &str = "torna al modulo";
pub const SCORE_ADJUSTED: &str = "punteggio rettificato";

pub fn check_case(protocol: &str, name: &str) -> String {
    format!("Domanda {protocol} · {name}")
}

pub fn check_override(
    criterion: &str,
    label: &str,
    points: crate::domain::points::Points,
    computed: crate::domain::points::Points,
) -> String {
    format!("Rettifica: {criterion} ({label}) a {points} punti; il calcolo dà {computed}")
}

pub fn check_back_to_computed(
    criterion: &str,
    label: &str,
    computed: crate::domain::points::Points,
) -> String {
    format!("Rettifica: {criterion} ({label}) torna ai punti calcolati, {computed}")
}

pub fn check_condition(label: &str, present: bool) -> String {
    format!("Rettifica: {}", adjust_condition(label, present))
}

pub fn check_reason(reason: &str) -> String {
    format!("Motivo: {reason}")
}

fn signed(points: crate::domain::points::Points) -> String {
    if points.0 > 0 {
        format!("+{points}")
    } else {
        points.to_string()
    }
}

pub fn check_total(
    before: crate::domain::points::Points,
    after: crate::domain::points::Points,
    delta: crate::domain::points::Points,
) -> String {
    if delta.0 == 0 {
        format!("Punteggio totale: {before}, invariato")
    } else {
        format!("Punteggio totale: {before} → {after} ({})", signed(delta))
    }
}

pub fn check_blocks(
    subjective_before: crate::domain::points::Points,
    subjective_after: crate::domain::points::Points,
    objective_before: crate::domain::points::Points,
    objective_after: crate::domain::points::Points,
) -> String {
    format!(
        "Soggettive {subjective_before} → {subjective_after} · Oggettive {objective_before} → {objective_after}"
    )
}

pub fn check_position(before: Option<u32>, after: Option<u32>) -> String {
    let place = |p: Option<u32>| p.map_or_else(|| "—".to_string(), |p| format!("{p}ª"));
    if before == after {
        format!(
            "Posizione nella graduatoria attuale: {}, invariata",
            place(before)
        )
    } else {
        format!(
            "Posizione nella graduatoria attuale: {} → {}",
            place(before),
            place(after)
        )
    }
}

pub const FORM_FILE_OBJECTION: &str = "Registra un'opposizione alla graduatoria";
pub const FIELD_RECEIVED_ON: &str = "Ricevuta il (gg/mm/aaaa)";
pub const FIELD_OBJECTION_TEXT: &str = "Testo dell'opposizione";
pub const OBJECTION_FILED: &str = "opposizione registrata";
pub const FORM_DECIDE_OBJECTION: &str = "Decisione sull'opposizione";
pub const FIELD_OBJECTION: &str = "Opposizione";
pub const FIELD_OUTCOME: &str = "Esito";
pub const OBJECTION_ACCEPTED: &str = "accolta";
pub const OBJECTION_REJECTED: &str = "respinta";
pub const OBJECTION_DONE_ACCEPTED: &str =
    "opposizione accolta: rettificare il punteggio, se serve, prima della definitiva";
pub const OBJECTION_DONE_REJECTED: &str = "opposizione respinta";

pub fn objection_choice(received: &str, text: &str) -> String {
    format!("ricevuta il {received} · {text}")
}

pub const BOX_SCORE: &str = "Punteggio";
pub const BLOCK_SUBJECTIVE: &str = "Soggettive";
pub const BLOCK_OBJECTIVE: &str = "Oggettive";
pub const NOT_VERIFIED_YET: &str = "non verificata: non conta";

pub fn score_box(total: &str) -> String {
    format!("{BOX_SCORE}: {total}")
}

pub fn objections_box(n: usize) -> String {
    format!("Opposizioni ({n})")
}

/// The one box of a small terminal: "Punteggio: 12,5 · Opposizioni · Cronologia (1–5 di 20)".
pub fn combined_box(
    score: Option<&str>,
    objections: bool,
    from: usize,
    to: usize,
    total: usize,
) -> String {
    let mut parts: Vec<&str> = score.into_iter().collect();
    if objections {
        parts.push("Opposizioni");
    }
    parts.push("Cronologia");
    format!("{} ({from}–{to} di {total}, ↑↓)", parts.join(" · "))
}

pub fn overridden_from(computed: &str) -> String {
    format!("rettificato da {computed}")
}

pub fn beaten_by(criterion: &str) -> String {
    format!("conta {criterion}, che dà di più")
}

/// "Soggettive 12,5 (tetto 15)".
pub fn block_total(name: &str, total: &str, cap: Option<&str>) -> String {
    match cap {
        Some(cap) => format!("{name} {total} (tetto {cap})"),
        None => format!("{name} {total}"),
    }
}

pub fn cap_applied(sum: &str) -> String {
    format!("tetto applicato: la somma era {sum}")
}

pub fn score_total(total: &str) -> String {
    format!("Totale {total}")
}

pub fn tie_objective(points: &str) -> String {
    format!("oggettive {points}")
}

pub fn tie_subjective(points: &str) -> String {
    format!("soggettive {points}")
}

pub fn tie_protocol(date: &str, protocol: &str) -> String {
    format!("protocollo {protocol} del {date}")
}

pub fn tie_values(values: &str) -> String {
    format!("Spareggio: {values}")
}

pub fn objection_received(n: usize, date: &str, version: u32) -> String {
    format!("{n}. ricevuta il {date} contro la graduatoria n. {version}")
}

pub fn objection_decided(accepted: bool, date: &str, by: &str, reason: &str) -> String {
    let what = if accepted { "accolta" } else { "respinta" };
    format!("{what} il {date} da {by}: {reason}")
}
