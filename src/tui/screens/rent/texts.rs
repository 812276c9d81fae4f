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
