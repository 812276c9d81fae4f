//! A published ranking written out: the public list for the albo pretorio (protocol number,
//! position, total, admitted or excluded, nothing else: DOMAIN.md §6), the office's list with
//! names and breakdown, and a printable text of the public list for the notice board.

use std::io::Write;

use crate::domain::publication::RankingHeader;
use crate::domain::ranking::{RankRow, Settled};
use crate::domain::time::{format_date, format_ts_date};

use super::csv_cell::text_cell;

/// Which list to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// For publication: no name, fiscal code, ISEE or breakdown.
    Public,
    /// For the office only.
    Internal,
}

fn outcome(row: &RankRow) -> &'static str {
    if row.admitted { "ammessa" } else { "esclusa" }
}

fn position(row: &RankRow) -> String {
    row.position.map(|p| p.to_string()).unwrap_or_default()
}

fn total(row: &RankRow) -> String {
    if row.admitted {
        row.total.to_string()
    } else {
        String::new()
    }
}

/// Writes `rows` as CSV (`;`-separated, as Italian spreadsheets expect) for `audience`.
///
/// Columns of text that came from outside (protocol, as rendered from the call's pattern; name
/// and fiscal code, as imported; the criteria's ids, from the ruleset file) go through
/// [`text_cell`], so that no cell is run as a formula. Positions, points, ISEE, members and the
/// fixed labels are formatted here from numbers and words of the product: they are written as
/// they are, so that a negative score such as `-1,5` stays a number for the spreadsheet.
pub fn write_csv(out: impl Write, rows: &[RankRow], audience: Audience) -> std::io::Result<()> {
    let mut csv = csv::WriterBuilder::new().delimiter(b';').from_writer(out);
    let header: &[&str] = match audience {
        Audience::Public => &["protocollo", "posizione", "punteggio", "esito"],
        Audience::Internal => &[
            "posizione",
            "protocollo",
            "richiedente",
            "codice_fiscale",
            "esito",
            "punteggio",
            "soggettivo",
            "oggettivo",
            "isee",
            "componenti",
            "pari_merito",
            "spareggio",
            "dettaglio",
        ],
    };
    csv.write_record(header)?;
    for row in rows {
        match audience {
            Audience::Public => csv.write_record([
                text_cell(&row.protocol).as_ref(),
                &position(row),
                &total(row),
                outcome(row),
            ])?,
            Audience::Internal => csv.write_record([
                position(row).as_str(),
                &text_cell(&row.protocol),
                &text_cell(&row.applicant),
                &text_cell(&row.fiscal_code),
                outcome(row),
                &total(row),
                &row.subjective.to_string(),
                &row.objective.to_string(),
                &row.isee.format_plain(),
                &row.members.to_string(),
                if row.tied { "sì" } else { "" },
                row.settled.map_or("", Settled::label),
                &text_cell(
                    &row.criteria
                        .iter()
                        .map(|(id, points)| format!("{id}={points}"))
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
            ])?,
        }
    }
    csv.flush()
}

/// The public list as plain text for the notice board: heading, one line per application,
/// and the note on what is left out.
pub fn write_notice(
    mut out: impl Write,
    call_title: &str,
    header: &RankingHeader,
    rows: &[RankRow],
) -> std::io::Result<()> {
    writeln!(out, "{call_title}")?;
    writeln!(
        out,
        "GRADUATORIA {} N. {}",
        header.kind.label().to_uppercase(),
        header.number
    )?;
    writeln!(out, "Pubblicata il {}", format_ts_date(header.published_at))?;
    if let Some(deadline) = header.objection_deadline {
        writeln!(
            out,
            "Opposizioni entro il {} (ultimo giorno utile)",
            format_date(deadline)
        )?;
    }
    writeln!(out)?;
    writeln!(out, "Posizione  Protocollo            Punteggio  Esito")?;
    for row in rows {
        writeln!(
            out,
            "{:>9}  {:<20}  {:>9}  {}{}",
            position(row),
            row.protocol,
            total(row),
            outcome(row),
            if row.tied { " (pari merito)" } else { "" }
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "Ammesse {}, escluse {}. Ogni domanda è indicata dal solo numero di protocollo,",
        header.admitted, header.excluded
    )?;
    writeln!(
        out,
        "comunicato al richiedente: nomi e dati personali non si pubblicano (d.lgs. 33/2013, art. 26)."
    )?;
    out.flush()
}
