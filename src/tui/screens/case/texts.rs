//! Texts only the case uses: its own actions' descriptions, then the rest.

use crate::tui::strings::{BOX_SCORE, adjust_condition, days_ago, in_days, signed};

/// The help's heading over its keys.
pub const HELP_HEADING: &str = "Scheda domanda";

pub const REQUEST_INTEGRATION: &str = "chiedi documenti";
pub const RECEIVE_INTEGRATION: &str = "documenti ricevuti";
pub const REINSTATE: &str = "riammetti";
pub const REVOKE_ADMISSION: &str = "revoca ammissione";
pub const ADJUST_SCORE: &str = "rettifica punteggio";
pub const FILE_OBJECTION: &str = "opposizione";
pub const DECIDE_OBJECTION: &str = "decidi opposizione";
pub const EDIT_CONTACT: &str = "recapiti";
pub const ADD_MEMBER: &str = "nuovo componente";
pub const REMOVE_MEMBER: &str = "togli componente";
pub const RECORD_DOCUMENT: &str = "documenti";
pub const VERIFY: &str = "verifica requisiti";
pub const ISSUE_FEE: &str = "avviso pagoPA";
pub const RECORD_PAYMENT: &str = "pagato";

pub const SCREEN_CASE: &str = "Scheda";
pub const BOX_HOUSEHOLD: &str = "Nucleo";
pub const BOX_DOCUMENTS: &str = "Documenti";
pub const BOX_CONTACT: &str = "Recapiti";
pub const FORM_CONTACT: &str = "Modifica recapiti";
pub const FORM_MEMBER: &str = "Aggiungi componente del nucleo";
pub const FORM_INTEGRATION: &str = "Richiesta di integrazione";
pub const FORM_ADMIT: &str = "Ammissione";
pub const FIELD_WAIVER: &str = "Deroga: motivo";

/// Under the waiver field: which requirements it would cover.
pub fn waiver_hint(unverified: &[&str]) -> String {
    format!(
        "requisiti non verificati: {}; senza motivo l'ammissione è rifiutata",
        unverified.join(", ")
    )
}
pub const FORM_EXCLUDE: &str = "Esclusione";
pub const FORM_REINSTATE: &str = "Riammissione in istruttoria";
pub const FORM_REVOKE: &str = "Revoca dell'ammissione";
pub const FORM_LATE: &str = "Protocollazione fuori termine";
pub const FIELD_EMAIL: &str = "Email";
pub const FIELD_PHONE: &str = "Telefono";
pub const FIELD_STREET: &str = "Indirizzo";
pub const FIELD_POSTCODE: &str = "CAP";
pub const FIELD_MUNICIPALITY: &str = "Comune";
pub const FIELD_PROVINCE: &str = "Provincia";
pub const FIELD_SURNAME: &str = "Cognome";
pub const FIELD_NAME: &str = "Nome";
pub const FIELD_RELATION: &str = "Relazione";
pub const FIELD_BIRTH_DATE: &str = "Data di nascita";
pub const FIELD_DISABILITY: &str = "Invalidità %";
/// Cannot climb stairs: only dwellings reached without them are offered.
pub const FIELD_MOTOR_DISABILITY: &str = "Disabilità motoria";
pub const FIELD_DOCUMENTS: &str = "Documenti da chiedere";
pub const FIELD_CHECK_ITEMS: &str = "Requisiti e condizioni";
pub const NOTHING_VERIFIED: &str =
    "nessuna verifica cambiata: Spazio segna una voce verificata o no";
pub const FIELD_RECEIVED_DOCUMENTS: &str = "Documenti arrivati";
pub const FORM_RECEIVE_INTEGRATION: &str = "Integrazione ricevuta";
pub const NO_INTEGRATION_PENDING: &str = "nessuna richiesta di integrazione in corso";
pub const FIELD_DEADLINE: &str = "Scadenza (gg/mm/aaaa)";

pub fn age(years: u32) -> String {
    format!("{years}a")
}

/// The age scoring counts, when the call's reference date gives another than today.
pub fn age_at_reference(years: u32) -> String {
    format!("{years}a alla data di riferimento")
}

pub const FORM_RECORD_DOCUMENT: &str = "Registra un documento";
pub const FORM_VERIFY: &str = "Verifica di requisiti e condizioni";
pub const FORM_REMOVE_MEMBER: &str = "Togli un componente dal nucleo";
pub const FORM_ISSUE_FEE: &str = "Avviso pagoPA delle spese di segreteria";
pub const FORM_RECORD_PAYMENT: &str = "Pagamento delle spese di segreteria";
pub const FIELD_RECORDED_DOCUMENT: &str = "Documento";
pub const FIELD_DOCUMENT_STATUS: &str = "Stato";
pub const FIELD_MEMBER: &str = "Componente";
pub const FIELD_FEE_NOTICE: &str = "Numero avviso";
pub const FIELD_FEE_AMOUNT: &str = "Importo (€)";
pub const FIELD_PAID_ON: &str = "Pagato il (gg/mm/aaaa)";
pub const DOC_RECEIVED: &str = "ricevuto";
pub const DOC_MISSING: &str = "mancante";
pub const DOC_REJECTED: &str = "respinto";
pub const DOC_NOT_GIVEN: &str = "non presentato";
pub const NEED_REQUIRED: &str = "obbligatorio";
pub const NEED_CONDITION: &str = "per condizione";
pub const NEED_OPTIONAL: &str = "facoltativo";
pub const NOTE_FOR_REJECTED: &str = "obbligatoria per un documento respinto";
pub const AMOUNT_ZERO: &str = "deve essere maggiore di zero";
pub const NO_MEMBER_TO_REMOVE: &str = "nel nucleo c'è solo il richiedente";
pub const NO_CALL_DOCUMENTS: &str = "il bando della domanda non prevede documenti";

/// A check item's current finding, as the Verify form lists it.
pub fn finding_verified(by: &str, on: &str) -> String {
    format!("✓ verificato da {by} il {on}")
}

pub const FINDING_FAILED: &str = "✗ non verificato";
pub const FINDING_PENDING: &str = "da verificare";

/// "scade 28/09 · tra 3 giorni", "scaduta da 2 giorni".
pub fn integration_left(deadline: &str, days_left: i64) -> String {
    if days_left >= 0 {
        format!("scade {deadline} · {}", in_days(days_left))
    } else {
        format!("scaduta {}", days_ago(-days_left))
    }
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

pub fn older_entries(count: usize) -> String {
    let older = if count == 1 {
        "un'altra voce meno recente".to_string()
    } else {
        format!(
            "altre {} voci meno recenti",
            crate::domain::number::count(count)
        )
    };
    format!("… {older}: tutte nel Registro di controllo")
}
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

pub const BOX_CHECK_ADJUST: &str = "Rettifica del punteggio: verifica prima di salvare";
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
    format!(
        "Rettifica: {criterion} ({label}) a {}; il calcolo dà {computed}",
        crate::domain::number::points_text(points)
    )
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

pub const NOTIFY_REFUSAL: &str = "preavviso di rigetto";
pub const RECORD_OBSERVATIONS: &str = "osservazioni ricevute";
pub const CONFIRM_EXCLUSION: &str = "conferma esclusione";
pub const WITHDRAW_NOTICE: &str = "ritira preavviso";
pub const FORM_NOTIFY_REFUSAL: &str = "Preavviso di rigetto (art. 10-bis L. 241/1990)";
pub const FORM_OBSERVATIONS: &str = "Osservazioni al preavviso";
pub const FORM_CONFIRM_EXCLUSION: &str = "Conferma dell'esclusione";
pub const FORM_WITHDRAW_NOTICE: &str = "Ritiro del preavviso";
pub const FIELD_GROUNDS: &str = "Motivi, per il cittadino";
pub const FIELD_OBSERVATIONS_ON: &str = "Ricevute il (gg/mm/aaaa)";
pub const FIELD_OBSERVATIONS: &str = "Sintesi delle osservazioni";

/// The case's line while the notice of the grounds for refusal is open (its cause is in the
/// timeline): short enough for 80 columns with its deadline.
pub fn refusal_notice(sent: &str) -> String {
    format!("Preavviso di rigetto del {sent}")
}

pub fn observations_due(deadline: &str, days: i64) -> String {
    match days {
        ..0 => format!("osservazioni entro il {deadline}: termine scaduto, si può decidere"),
        0 => format!("osservazioni entro oggi {deadline}"),
        1 => format!("osservazioni entro il {deadline} (1 giorno)"),
        n => format!("osservazioni entro il {deadline} ({n} giorni)"),
    }
}

pub fn observations_received(on: &str) -> String {
    format!("osservazioni ricevute il {on}: si può decidere")
}

pub const BOX_CHECK_EXCLUDE: &str = "Esclusione: la causa contrasta con i dati";
pub const EXCLUDE_ANYWAY: &str = "escludi comunque";
pub const EXCLUSION_NOTE_NEEDED: &str =
    "Manca la nota: tornare al modulo e scrivere perché si esclude comunque.";

pub fn exclusion_cause(label: &str) -> String {
    format!("Causa: {label}")
}

pub fn exclusion_contradicts(why: &str) -> String {
    format!("Attenzione: {why}.")
}

pub fn exclusion_note(note: &str) -> String {
    format!("Nota: {note}")
}

// The assignment box.
pub fn assignment_box(call: &str) -> String {
    format!("Assegnazione · bando {call}")
}
pub fn assignment_standing(position: u32, status: &str, held: Option<&str>) -> String {
    match held {
        Some(held) => format!("Posizione {position} · {status} · {held}"),
        None => format!("Posizione {position} · {status}"),
    }
}
pub fn assignment_dwelling(address: &str, area: &str) -> String {
    format!("{address}, {area}")
}
/// The free dwellings that suit the household, on one line.
pub fn adequate_free(codes: &[String]) -> String {
    if codes.is_empty() {
        "✓ nessun alloggio libero adatto al nucleo".to_string()
    } else {
        format!("✓ liberi adatti al nucleo: {}", codes.join(", "))
    }
}
pub fn more_unsuitable(n: usize) -> String {
    format!(
        "✗ … e {}",
        crate::domain::number::plural(n, "altro non adatto", "altri non adatti")
    )
}

// The «Contratto e canone» box.
pub const LEASE_BOX: &str = "Contratto e canone";
pub fn contract_line(state: &str) -> String {
    format!("Contratto: {state}")
}
pub fn lease_head(number: &str, dwelling: &str, signed: &str, starts: &str, ends: &str) -> String {
    format!("Contratto n. {number} · {dwelling} · firmato {signed} · dal {starts} al {ends}")
}
pub fn lease_rent(monthly: &str, version: &str, band: &str) -> String {
    format!("Canone {monthly} € al mese · tabella {version}, fascia {band}")
}
pub fn lease_ledger(paid: &str, arrears: &str, months: u32, current: &str) -> String {
    format!(
        "Pagato {paid} · arretrato {arrears} ({}) · da scadere {current}",
        crate::domain::number::plural(months as usize, "mensilità", "mensilità")
    )
}
pub fn lease_flagged(on: &str, months: u32) -> String {
    format!("Segnalato per decadenza il {on}: {months} mensilità non pagate")
}
pub fn lease_suspended(why: &str) -> String {
    format!("Decadenza sospesa: {why}")
}
pub fn lease_isee(isee: &str, until: &str) -> String {
    format!("ISEE dell'inquilino {isee}, valido fino al {until}: vale per l'aggiornamento del canone")
}
pub const LEASE_NO_ISEE: &str =
    "ISEE dell'inquilino non presentato: all'aggiornamento, canone oggettivo";
pub fn steps_elsewhere(n: usize) -> String {
    format!("calcolo in {n} passaggi su Contratti")
}
