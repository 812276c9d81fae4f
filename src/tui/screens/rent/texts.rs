//! Texts only the Canoni screen uses.

use crate::domain::number::plural;

pub const HELP_HEADING: &str = "Canoni";
pub const GO_TO: &str = "canoni";
pub const SCREEN_RENT: &str = "Canoni";

pub const NEXT_MONTH: &str = "mese succ.";
pub const PREVIOUS_MONTH: &str = "mese prec.";
pub const ARREARS_PANE: &str = "morosità";
pub const ISSUE: &str = "emetti mese";
pub const REMIND: &str = "promemoria";
pub const OVERDUE: &str = "sollecito";
pub const COUNTER: &str = "sportello";

pub const TAB_MONTH: &str = "Mese";
pub const TAB_ARREARS: &str = "Morosità";

pub const MONTH_COLUMNS: [&str; 6] = ["Contratto", "Inquilino", "Alloggio", "Fascia", "Importo", "Stato"];
pub const ARREARS_COLUMNS: [&str; 5] = ["Protocollo", "Inquilino", "Mesi", "Arretrato", "Stato"];
pub const LEDGER_COLUMNS: [&str; 5] = ["Mese", "Avviso", "Importo", "Scad.", "Stato"];

pub const LOADING: &str = "Lettura dei canoni…";
pub fn no_notices(month: &str, key: &str) -> String {
    format!("Nessun avviso per {month}: con {key} si emettono gli avvisi del mese.")
}
pub const NO_ARREARS: &str = "Nessun inquilino moroso.";

pub fn month_line(month: &str, issued: usize, paid: usize, open: usize, late: usize) -> String {
    format!(
        "{month} · {} · {paid} pagati · {open} da pagare · {late} scaduti",
        plural(issued, "avviso", "avvisi")
    )
}
pub fn amounts_line(
    due: Option<&str>,
    issued: &str,
    paid: &str,
    due_soon: usize,
    days: u32,
    late: &str,
) -> String {
    let due = due.map(|d| format!("scad. {d} · ")).unwrap_or_default();
    format!("{due}emessi {issued} · pagati {paid} · entro {days} gg {due_soon} · scaduti {late}")
}
pub fn pending_line(to_issue: usize, gpd: usize) -> String {
    format!("da emettere {to_issue} · verso pagoPA {gpd}")
}

// A notice's state in the month's table and the ledger.
pub fn paid_on(day: &str, counter: bool) -> String {
    if counter {
        format!("sportello {day}")
    } else {
        format!("pagato {day}")
    }
}
pub fn late(months: u32) -> String {
    format!("scaduto · {}", plural(months as usize, "mese", "mesi"))
}
pub const LATE: &str = "scaduto";
pub const DUE_SOON: &str = "in scadenza";
pub const OPEN: &str = "da pagare";
pub const RESCHEDULED: &str = "in piano di rientro";
pub const REMINDED: &str = " · avvisato";
pub const TOLD: &str = " · sollecitato";

pub fn flagged(day: &str) -> String {
    format!("decadenza dal {day}")
}
pub fn suspended(why: &str) -> String {
    format!("sospesa: {why}")
}
pub const NOT_FLAGGED: &str = "—";

// The status line.
pub fn notice_line(tenant: &str, months: u32, key: &str) -> String {
    if months == 0 {
        format!("{tenant} · in regola · {key} estratto conto")
    } else {
        format!(
            "{tenant}: {} non pagate · {key} estratto conto",
            plural(months as usize, "mensilità", "mensilità")
        )
    }
}
pub fn ledger_back(key: &str) -> String {
    format!("{key} torna ai canoni")
}

// The ledger.
pub fn ledger_title(tenant: &str, protocol: &str) -> String {
    format!("Estratto conto — {tenant} · domanda {protocol}")
}
/// The ledger's totals; what is not yet due, when anything is.
pub fn ledger_line(
    issued: &str,
    paid: &str,
    arrears: &str,
    months: u32,
    current: Option<&str>,
) -> String {
    let current = current
        .map(|c| format!(" · a scadere {c}"))
        .unwrap_or_default();
    format!(
        "Emesso {issued} · pagato {paid} · arretrato {arrears} ({}){current}",
        plural(months as usize, "mese", "mesi")
    )
}
pub fn plan_line(instalments: u8, instalment: &str, from: &str, added: u8) -> String {
    format!("Piano di rientro: {instalments} rate da {instalment} dal {from} ({added} addebitate)")
}
pub const NO_NOTICES_YET: &str = "Nessun avviso emesso.";

// Batches.
pub fn ask_issue(month: &str, n: usize) -> String {
    format!(
        "Emettere gli avvisi di {month}: {} con messaggio IO?",
        plural(n, "contratto", "contratti")
    )
}
pub fn ask_remind(n: usize, days: u32) -> String {
    format!(
        "Promemoria a {} in scadenza entro {days} giorni?",
        plural(n, "avviso", "avvisi")
    )
}
pub fn ask_overdue(n: usize) -> String {
    format!(
        "Sollecito per {} scaduti? Segnala chi è alla soglia.",
        plural(n, "avviso", "avvisi")
    )
}
pub fn nothing_to_issue(month: &str) -> String {
    format!("nessun contratto in vigore senza l'avviso di {month}")
}
pub const NOTHING_TO_REMIND: &str = "nessun avviso in scadenza senza promemoria";
pub const NOTHING_OVERDUE: &str = "nessun avviso scaduto da sollecitare";
pub fn batch_label(kind: &str) -> String {
    format!("Canoni: {kind}")
}
pub const LABEL_ISSUE: &str = "avvisi del mese";
pub const LABEL_REMIND: &str = "promemoria";
pub const LABEL_OVERDUE: &str = "solleciti";

// Forms.
pub const FORM_REMIND: &str = "Promemoria prima della scadenza";
pub const FIELD_DAYS: &str = "Entro giorni";
pub const FORM_COUNTER: &str = "Pagamento allo sportello";
pub const FIELD_NOTICE: &str = "Avviso";
pub const FIELD_PAID_ON: &str = "Pagato il";
pub fn counter_done(month: &str, tenant: &str) -> String {
    format!("pagamento di {month} di {tenant} registrato: pagoPA ne sarà informato")
}

// The office's decisions on arrears, the tenant's ISEE, the yearly update.
pub const INNOCENT: &str = "incolpevole";
pub const PLAN: &str = "piano rientro";
pub const ISEE: &str = "ISEE";
pub const RECOMPUTE: &str = "aggiorna canoni";

pub const FIELD_TENANT: &str = "Inquilino";
pub fn tenant_choice(name: &str, protocol: &str) -> String {
    format!("{name} · domanda {protocol}")
}

pub const FORM_INNOCENT: &str = "Morosità incolpevole";
pub const FIELD_CAUSE: &str = "Causa";
pub const FIELD_EVIDENCE: &str = "Documenti";
pub const CAUSE_UNKNOWN: &str = "scegliere una delle cause";
pub const COMMIT_INNOCENT: &str = "riconosci";
pub fn innocent_what(tenant: &str, protocol: &str, cause: &str) -> String {
    format!("Riconoscere incolpevole la morosità di {tenant} (domanda {protocol}): {cause}.")
}
pub fn innocent_evidence(evidence: &str) -> String {
    format!("Documenti che la provano: {evidence}")
}
pub fn innocent_effect(months: u32, arrears: &str) -> String {
    format!(
        "La procedura di decadenza non parte per questo arretrato ({}, {arrears}); il debito resta.",
        plural(months as usize, "mese", "mesi")
    )
}
pub fn innocent_done(tenant: &str) -> String {
    format!("morosità incolpevole di {tenant} riconosciuta: decadenza sospesa")
}

pub const FORM_PLAN: &str = "Piano di rientro";
pub const FIELD_INSTALMENTS: &str = "Numero di rate";
pub const FIELD_FROM_MONTH: &str = "Dal mese (aaaa-mm)";
pub const INSTALMENTS_NUMBER: &str = "un numero intero di rate";
pub const COMMIT_PLAN: &str = "concorda il piano";
pub fn plan_what(tenant: &str, total: &str, months: &str, count: usize) -> String {
    if count == 0 {
        format!("{tenant}: nessun avviso scaduto oggi da rateizzare.")
    } else {
        format!(
            "Arretrato scaduto di {tenant}: {total} ({}, {months}).",
            plural(count, "avviso", "avvisi")
        )
    }
}
pub fn plan_instalments(count: u8, instalment: &str, from: &str) -> String {
    format!(
        "{count} rate da {instalment} (l'ultima col resto), aggiunte agli avvisi da {from} in poi."
    )
}
pub const PLAN_RESCHEDULED: &str =
    "Gli avvisi scaduti passano nel piano e le loro posizioni su pagoPA saranno annullate.";
pub const PLAN_SUSPENDS: &str = "La decadenza resta sospesa finché il piano è in corso.";
pub fn plan_done(tenant: &str, count: u8, from: &str) -> String {
    format!("piano di rientro di {tenant} in {count} rate da {from} concordato")
}

pub const FORM_ISEE: &str = "ISEE dell'inquilino";
pub const FIELD_ISEE: &str = "ISEE (€)";
pub const FIELD_VALID_UNTIL: &str = "Valida fino al";
pub fn isee_done(isee: &str, until: &str) -> String {
    format!("ISEE di {isee} registrato, valido fino al {until}")
}
pub fn isee_line(isee: &str, until: &str) -> String {
    format!("ISEE {isee} valido fino al {until}")
}
pub const NO_ISEE: &str = "ISEE non presentato: all'aggiornamento, canone oggettivo";

pub const FORM_RECOMPUTE: &str = "Aggiornamento annuale dei canoni";
pub const FIELD_RECOMPUTE_FROM: &str = "Dal giorno";
pub fn recompute_title(from: &str, version: &str) -> String {
    format!("Aggiornamento dei canoni dal {from} · tabella {version}")
}
pub fn recompute_counts(changed: usize, unchanged: usize, not_started: usize) -> String {
    let mut text = format!(
        "{} · {}",
        plural(changed, "canone da cambiare", "canoni da cambiare"),
        plural(unchanged, "invariato", "invariati")
    );
    if not_started > 0 {
        text.push_str(&format!(
            " · {} con decorrenza successiva",
            plural(not_started, "contratto", "contratti")
        ));
    }
    text
}
pub const RECOMPUTE_COLUMNS: [&str; 3] = ["Protocollo", "Inquilino", "Canone prima → dopo"];
/// The band before → after, and what the new rent follows: the ISEE on file, or none (the
/// rules then name the band after its absence).
pub fn recompute_why(band_before: &str, band_after: &str, isee: Option<&str>) -> String {
    let why = match isee {
        Some(isee) => format!("ISEE {isee}"),
        None => "canone oggettivo".to_string(),
    };
    format!("fascia {band_before} → {band_after} · {why}")
}
pub const NOTHING_TO_RECOMPUTE: &str = "Nessun canone da cambiare: sono già quelli della tabella.";
pub fn recompute_status(key: &str, back: &str) -> String {
    format!("{key} registra i nuovi canoni · {back} annulla")
}
pub fn ask_recompute(n: usize, from: &str) -> String {
    format!(
        "Registrare {} dal {from}? Ogni cambio resta nella storia del contratto.",
        plural(n, "nuovo canone", "nuovi canoni")
    )
}
pub const NOTHING_TO_RECORD: &str = "nessun canone da cambiare: nulla da registrare";
pub const LABEL_RECOMPUTE: &str = "aggiornamento annuale";
