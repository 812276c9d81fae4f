//! `alloggi rent recompute`: the rent's yearly update, shown before and after, recorded only
//! when confirmed.

use std::sync::atomic::AtomicBool;

use chrono::NaiveDate;

use super::progress::Progress;
use crate::domain::Context;
use crate::domain::number::plural;
use crate::domain::time::format_date;
use crate::messages::text::clean_line;
use crate::office::{Office, RecomputeRow};

pub(super) fn run(
    office: &Office,
    ctx: &Context,
    from: NaiveDate,
    confirm: bool,
) -> Result<(), String> {
    let preview = office.recompute_preview(from)?;
    println!(
        "Aggiornamento dei canoni dal {} (tabella {}):",
        format_date(from),
        preview.version
    );
    for row in preview.changed() {
        println!("{}", row_line(row));
    }
    let changed = preview.changed().count();
    println!(
        "{}, {}{}.",
        plural(changed, "canone da cambiare", "canoni da cambiare"),
        plural(preview.unchanged(), "invariato", "invariati"),
        if preview.not_started > 0 {
            format!(
                ", {} con decorrenza successiva",
                plural(preview.not_started, "contratto", "contratti")
            )
        } else {
            String::new()
        }
    );
    if !confirm {
        if changed > 0 {
            println!(
                "Anteprima: nulla è stato scritto. Per registrare i nuovi canoni: alloggi rent recompute --dal {} --conferma",
                format_date(from)
            );
        } else {
            println!("Nulla da registrare.");
        }
        return Ok(());
    }
    if changed == 0 {
        println!("Nulla da registrare.");
        return Ok(());
    }
    let stop = AtomicBool::new(false);
    let progress = Progress::bar("Aggiornamento dei canoni", 0);
    let batch =
        office.recompute_commit(ctx, from, &stop, &mut |b| progress.set(b.done, b.total))?;
    drop(progress);
    println!(
        "Canoni aggiornati dal {}: {}.",
        format_date(from),
        plural(batch.committed, "registrato", "registrati")
    );
    if batch.skipped > 0 {
        println!(
            "{} saltati{}.",
            batch.skipped,
            batch
                .first_skip
                .as_ref()
                .map(|why| format!(" (il primo: {why})"))
                .unwrap_or_default()
        );
    }
    Ok(())
}

/// Protocol, tenant, band and rent before → after, and the ISEE it follows.
fn row_line(row: &RecomputeRow) -> String {
    format!(
        "{:<14} {:<28} fascia {} → {}  {} € → {} €  {}",
        row.protocol,
        clean_line(&row.tenant).chars().take(28).collect::<String>(),
        row.band_before,
        row.after.band,
        row.rent_before.format_plain(),
        row.after.monthly.format_plain(),
        match row.isee {
            Some(isee) => format!("ISEE {} €", isee.format_plain()),
            None => "«ISEE non presentato»: canone oggettivo".to_string(),
        }
    )
}
