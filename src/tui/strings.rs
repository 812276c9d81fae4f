//! Every text the console shows, in one place: one wording to review, and a later locale costs a
//! file rather than a hunt. Text that comes from data is not here; it is cleaned in `view`.

use super::keymap::Action;

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

pub fn action_name(action: Action) -> &'static str {
    ACTIONS
        .iter()
        .find(|(a, _, _)| *a == action)
        .map(|(_, name, _)| *name)
        .unwrap_or("?")
}

pub fn action_description(action: Action) -> &'static str {
    ACTIONS
        .iter()
        .find(|(a, _, _)| *a == action)
        .map(|(_, _, description)| *description)
        .unwrap_or("?")
}

/// Every action, with its name in keymap files and its Italian description.
pub const ACTIONS: [(Action, &str, &str); 71] = [
    (Action::Quit, "esci", "esci"),
    (Action::Back, "indietro", "torna indietro"),
    (Action::Help, "aiuto", "aiuto"),
    (Action::Palette, "comandi", "comandi"),
    (Action::GoDashboard, "vai_cruscotto", "cruscotto"),
    (Action::GoInbox, "vai_domande", "domande"),
    (Action::GoAudit, "vai_registro", "registro"),
    (Action::GoOutbox, "vai_messaggi", "messaggi"),
    (Action::GoAgenda, "vai_agenda", "agenda"),
    (Action::GoCalls, "vai_bandi", "bandi"),
    (
        Action::NextScreen,
        "schermata_successiva",
        "schermata successiva",
    ),
    (
        Action::PreviousScreen,
        "schermata_precedente",
        "schermata precedente",
    ),
    (Action::Up, "su", "su"),
    (Action::Down, "giu", "giù"),
    (Action::PageUp, "pagina_su", "pagina su"),
    (Action::PageDown, "pagina_giu", "pagina giù"),
    (Action::Top, "inizio", "all'inizio"),
    (Action::Bottom, "fine", "alla fine"),
    (Action::Open, "apri", "apri"),
    (Action::Search, "cerca", "cerca"),
    (Action::Select, "seleziona", "seleziona"),
    (Action::SelectAll, "seleziona_tutte", "seleziona tutte"),
    (Action::NextFilter, "filtro_successivo", "stato succ."),
    (Action::PreviousFilter, "filtro_precedente", "stato prec."),
    (Action::Sort, "ordina", "ordina"),
    (Action::ReverseSort, "inverti_ordine", "inverti ordine"),
    (Action::Register, "protocolla", "protocolla"),
    (
        Action::StartReview,
        "avvia_istruttoria",
        "avvia istruttoria",
    ),
    (
        Action::RequestIntegration,
        "richiedi_integrazione",
        "chiedi documenti",
    ),
    (
        Action::ReceiveIntegration,
        "integrazione_ricevuta",
        "documenti ricevuti",
    ),
    (Action::Admit, "ammetti", "ammetti"),
    (Action::Exclude, "escludi", "escludi"),
    (Action::Reinstate, "riammetti", "riammetti"),
    (Action::EditContact, "modifica_recapiti", "recapiti"),
    (Action::AddMember, "aggiungi_componente", "nuovo componente"),
    (Action::RemoveMember, "rimuovi_componente", "togli componente"),
    (Action::RecordDocument, "registra_documento", "documenti"),
    (Action::Verify, "verifica", "verifica requisiti"),
    (Action::IssueFee, "emetti_avviso", "avviso pagoPA"),
    (Action::RecordPayment, "registra_pagamento", "pagato"),
    (Action::RemindFee, "sollecita_pagamento", "promemoria pagamento"),
    (Action::BookAppointment, "prenota_appuntamento", "appuntamento"),
    (Action::RescheduleAppointment, "sposta_appuntamento", "sposta"),
    (Action::CancelAppointment, "annulla_appuntamento", "disdici"),
    (Action::PreviousDay, "giorno_precedente", "giorno prec."),
    (Action::NextDay, "giorno_successivo", "giorno succ."),
    (Action::Today, "oggi", "oggi"),
    (Action::NewCall, "nuovo_bando", "nuovo bando"),
    (Action::EditCall, "modifica_bando", "modifica"),
    (Action::ActivateCall, "attiva_bando", "rendi attivo"),
    (Action::PublishCall, "pubblica_bando", "pubblica"),
    (Action::EditDocument, "documento_bando", "documento"),
    (Action::RemoveDocument, "rimuovi_documento", "togli documento"),
    (Action::ImportInterested, "importa_interessati", "importa interessati"),
    (Action::AddInterested, "aggiungi_interessato", "aggiungi interessato"),
    (Action::RemoveInterested, "rimuovi_interessato", "togli interessato"),
    (Action::NotifyInterested, "avvisa_interessati", "avvisa nuovi interessati"),
    (Action::SendMessage, "invia_messaggio", "messaggio IO"),
    (Action::Requeue, "riaccoda", "riprova"),
    (Action::MarkSent, "segna_inviato", "segna inviato"),
    (
        Action::ExportBundle,
        "esporta_pacchetto",
        "esporta per invio esterno",
    ),
    (Action::SendNow, "invia_ora", "invia ora"),
    (Action::Filter, "filtra", "filtra"),
    (Action::ClearFilter, "azzera_filtri", "azzera i filtri"),
    (Action::Cancel, "annulla", "annulla"),
    (Action::Confirm, "conferma", "conferma"),
    (Action::Save, "salva", "salva"),
    (Action::NextField, "campo_successivo", "campo successivo"),
    (
        Action::PreviousField,
        "campo_precedente",
        "campo precedente",
    ),
    (Action::Yes, "si", "sì"),
    (Action::No, "no", "no"),
];

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

// ---- calls: the Bandi screen ----

// ---- agenda: the Agenda screen ----
