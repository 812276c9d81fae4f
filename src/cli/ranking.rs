//! `alloggi ranking …`: the point table, the live order, publication of provisional and
//! definitive versions, exports, the replay of a draw, objections.

use crate::office::Caller;
use std::io::BufWriter;
use std::path::Path;

use super::RankingCommand;
use super::args::by_protocol;
use super::commands::context;
use super::intake::resolve_call;
use crate::domain::Command;
use crate::domain::number::{count, plural};
use crate::domain::objection::Adjustment;
use crate::domain::ranking::{RankingKind, draw_lots};
use crate::domain::time::{format_date, format_ts_date, parse_date};
use crate::files::ranking_export::{Audience, write_csv, write_notice};
use crate::office::Office;

pub fn run(office: &Office, command: RankingCommand, actor: &Caller) -> Result<(), String> {
    match command {
        RankingCommand::Rules {
            file,
            bando,
            controlla,
        } => rules(office, &file, bando.as_deref(), controlla, actor),
        RankingCommand::Show { bando, limit } => show(office, bando.as_deref(), limit),
        RankingCommand::Publish {
            definitiva,
            bando,
            seme,
            ..
        } => {
            let kind = if definitiva {
                RankingKind::Definitiva
            } else {
                RankingKind::Provvisoria
            };
            // Checked first: without the Comune's values nobody would be told.
            office.comune()?;
            publish(office, bando.as_deref(), kind, seme, actor)
        }
        RankingCommand::Versions { bando } => versions(office, bando.as_deref()),
        RankingCommand::Export {
            version,
            public,
            internal,
            albo,
            bando,
        } => export(
            office,
            bando.as_deref(),
            version,
            &[
                (public.as_deref(), Output::Csv(Audience::Public)),
                (internal.as_deref(), Output::Csv(Audience::Internal)),
                (albo.as_deref(), Output::Notice),
            ],
        ),
        RankingCommand::Draw { version, bando } => replay(office, bando.as_deref(), version),
        RankingCommand::Objection {
            protocollo,
            data,
            testo,
        } => {
            let id = by_protocol(office, &protocollo)?.id;
            let received_on = parse_date(&data).map_err(|e| e.to_string())?;
            let command = Command::FileObjection {
                id,
                received_on,
                text: testo,
            };
            office.execute(&context(actor), &command)?;
            println!("Opposizione registrata per la domanda {protocollo}.");
            Ok(())
        }
        RankingCommand::Decide {
            protocollo,
            accolta,
            motivo,
            ..
        } => {
            let app = by_protocol(office, &protocollo)?;
            let id = app.id;
            let (index, _) = app
                .open_objection()
                .ok_or_else(|| format!("la domanda {protocollo} non ha opposizioni da decidere"))?;
            let command = Command::DecideObjection {
                id,
                index,
                accepted: accolta,
                reason: motivo,
            };
            office.execute(&context(actor), &command)?;
            println!(
                "Opposizione della domanda {protocollo} {}.",
                if accolta {
                    "accolta: rettificare il punteggio se serve"
                } else {
                    "respinta"
                }
            );
            Ok(())
        }
        RankingCommand::Adjust {
            protocollo,
            criterio,
            punti,
            condizione,
            non_riconosciuta,
            motivo,
        } => {
            let adjustment = match (criterio, condizione) {
                (Some(criterion), _) => Adjustment::Override {
                    criterion,
                    points: match punti.as_deref().map(str::trim) {
                        None | Some("") => None,
                        Some(text) => Some(
                            crate::domain::points::Points::parse(text)
                                .map_err(|e| e.to_string())?,
                        ),
                    },
                },
                (None, Some(code)) => Adjustment::Condition {
                    condition: crate::domain::household::Condition::parse(&code)
                        .map_err(|e| e.to_string())?,
                    present: !non_riconosciuta,
                },
                (None, None) => return Err("indicare --criterio o --condizione".into()),
            };
            adjust(office, &protocollo, adjustment, motivo, actor)
        }
    }
}

/// Runs one adjustment and prints what it did to the total and the position.
fn adjust(
    office: &Office,
    protocol: &str,
    adjustment: Adjustment,
    reason: String,
    actor: &Caller,
) -> Result<(), String> {
    let id = by_protocol(office, protocol)?.id;
    match office.adjust_score(&context(actor), id, adjustment, reason)? {
        Some(effect) => {
            let place = |p: Option<u32>| p.map_or_else(|| "—".to_string(), |p| format!("{p}ª"));
            println!(
                "Punteggio della domanda {protocol} rettificato: totale {} → {} ({}{}), posizione {} → {}.",
                effect.total_before,
                effect.total_after,
                if effect.delta.0 >= 0 { "+" } else { "" },
                effect.delta,
                place(effect.position_before),
                place(effect.position_after)
            );
            for cap in &effect.absorbed {
                println!("{}.", cap.describe());
            }
        }
        None => println!("Punteggio della domanda {protocol} rettificato."),
    }
    Ok(())
}

fn rules(
    office: &Office,
    file: &Path,
    bando: Option<&str>,
    only_check: bool,
    actor: &Caller,
) -> Result<(), String> {
    let name = file.display().to_string();
    let text = super::seam::read_text(file).map_err(|reason| {
        crate::files::ruleset_toml::RulesFileError {
            file: name.clone(),
            line: 0,
            reason,
        }
        .to_string()
    })?;
    let ruleset = crate::files::ruleset_toml::parse(&name, &text).map_err(|e| e.to_string())?;
    let summary = format!(
        "«{}»: {} criteri, spareggio {}{}",
        ruleset.name,
        ruleset.criteria.len(),
        ruleset
            .tie_breaks
            .iter()
            .map(|t| t.label())
            .chain(["sorteggio"])
            .collect::<Vec<_>>()
            .join(", "),
        if ruleset.example {
            " (tabella di ESEMPIO: va sostituita con quella del regolamento comunale)"
        } else {
            ""
        }
    );
    if only_check {
        println!("Tabella valida {summary}.");
        return Ok(());
    }
    let call = resolve_call(office, bando)?;
    let command = Command::SaveRuleset {
        call: call.code.clone(),
        ruleset: Box::new(ruleset),
    };
    office.execute(&context(actor), &command)?;
    println!(
        "Tabella dei punteggi del bando {} caricata: {summary}.",
        call.code
    );
    Ok(())
}

fn show(office: &Office, bando: Option<&str>, limit: Option<usize>) -> Result<(), String> {
    let call = resolve_call(office, bando)?;
    let live = office.live_ranking(&call.code)?;
    println!(
        "{:>5} {:2} {:<16} {:<28} {:>7} {:>6} {:>6}",
        "Pos.", "", "Protocollo", "Richiedente", "Totale", "Sogg.", "Ogg."
    );
    for row in live.rows.iter().take(limit.unwrap_or(usize::MAX)) {
        println!(
            "{:>5} {:2} {:<16} {:<28} {:>7} {:>6} {:>6}",
            row.position
                .map(|p| p.to_string())
                .unwrap_or_else(|| "—".into()),
            row.tie_mark(),
            row.protocol,
            crate::messages::text::clean_line(&row.applicant)
                .chars()
                .take(28)
                .collect::<String>(),
            if row.admitted {
                row.total.to_string()
            } else {
                "esclusa".into()
            },
            row.subjective.to_string(),
            row.objective.to_string()
        );
    }
    if !live.ranking.unresolved.is_empty() {
        println!(
            "{} a pari merito su tutta la catena (=?): alla pubblicazione si sorteggiano.",
            plural(live.ranking.unresolved.len(), "gruppo", "gruppi")
        );
    }
    if live.pending > 0 {
        println!(
            "{} in graduatoria.",
            plural(
                live.pending as usize,
                "domanda ancora in istruttoria non entra",
                "domande ancora in istruttoria non entrano"
            )
        );
    }
    Ok(())
}

fn publish(
    office: &Office,
    bando: Option<&str>,
    kind: RankingKind,
    seed: Option<u64>,
    actor: &Caller,
) -> Result<(), String> {
    let call = resolve_call(office, bando)?;
    let seed = match seed {
        Some(seed) => seed,
        None => crate::office::fresh_seed()?,
    };
    let progress = super::progress::Progress::spinner("Pubblicazione della graduatoria");
    let report = office.publish_ranking(&context(actor), &call.code, kind, seed)?;
    drop(progress);
    let header = &report.header;
    println!(
        "Pubblicata la {} del bando {}: {}, {}.",
        header.title(),
        call.code,
        plural(header.admitted as usize, "ammessa", "ammesse"),
        plural(header.excluded as usize, "esclusa", "escluse")
    );
    if let Some(deadline) = header.objection_deadline {
        println!("Opposizioni entro il {}.", format_date(deadline));
    }
    if let Some(draw) = &header.draw {
        println!(
            "Sorteggio per {} a pari merito, seme {} (si ripete con «alloggi ranking draw --versione {}»).",
            plural(draw.groups.len(), "gruppo", "gruppi"),
            draw.seed,
            header.number
        );
    }
    if header.pending > 0 {
        println!(
            "Attenzione: {} in graduatoria.",
            plural(
                header.pending as usize,
                "domanda ancora in istruttoria non è",
                "domande ancora in istruttoria non sono"
            )
        );
    }
    println!(
        "{} per i richiedenti.",
        plural(
            report.queued.len(),
            "messaggio accodato",
            "messaggi accodati"
        )
    );
    if report.duplicates > 0 {
        println!(
            "{} già lo stesso messaggio: non accodato di nuovo.",
            plural(
                report.duplicates,
                "richiedente aveva",
                "richiedenti avevano"
            )
        );
    }
    Ok(())
}

fn versions(office: &Office, bando: Option<&str>) -> Result<(), String> {
    let call = resolve_call(office, bando)?;
    let versions = office.ranking_versions(&call.code)?;
    if versions.is_empty() {
        println!("Nessuna graduatoria pubblicata per il bando {}.", call.code);
    }
    for v in versions {
        println!(
            "n. {:<3} {:<12} {}  {}, {}{}{}",
            v.number,
            v.kind.label(),
            format_ts_date(v.published_at),
            plural(v.admitted as usize, "ammessa", "ammesse"),
            plural(v.excluded as usize, "esclusa", "escluse"),
            v.objection_deadline
                .map(|d| format!(", opposizioni entro il {}", format_date(d)))
                .unwrap_or_default(),
            v.draw
                .as_ref()
                .map(|d| format!(", sorteggio seme {}", d.seed))
                .unwrap_or_default(),
        );
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Output {
    Csv(Audience),
    Notice,
}

fn export(
    office: &Office,
    bando: Option<&str>,
    version: u32,
    outputs: &[(Option<&Path>, Output)],
) -> Result<(), String> {
    if outputs.iter().all(|(path, _)| path.is_none()) {
        return Err("indicare almeno un file: --pubblico, --interno o --albo".into());
    }
    let call = resolve_call(office, bando)?;
    let (header, rows) = office
        .ranking_version(&call.code, version)?
        .ok_or_else(|| {
            format!(
                "il bando {} non ha la graduatoria n. {version}: le versioni sono in «alloggi ranking versions»",
                call.code
            )
        })?;
    for (path, output) in outputs {
        let Some(path) = path else { continue };
        let file = super::seam::create(path, mode_of(*output)).map_err(|e| {
            format!(
                "impossibile scrivere {}",
                crate::files::reasons::io_fault(path, &e)
            )
        })?;
        let mut out = BufWriter::new(file);
        let written = match output {
            Output::Csv(audience) => write_csv(&mut out, &rows, *audience),
            Output::Notice => write_notice(&mut out, &call.title, &header, &rows),
        };
        written
            .and_then(|()| out.into_inner().map_err(|e| e.into_error()))
            .and_then(|file| file.commit())
            .map_err(|e| {
                format!(
                    "scrittura non riuscita: {}",
                    crate::files::reasons::io_fault(path, &e)
                )
            })?;
        let what = match output {
            Output::Csv(Audience::Public) => "elenco pubblico",
            Output::Csv(Audience::Internal) => "elenco per l'ufficio (con nomi: non pubblicare)",
            Output::Notice => "testo per l'albo",
        };
        println!(
            "{}: {what} della {}, {}.",
            path.display(),
            header.title(),
            plural(rows.len(), "riga", "righe")
        );
    }
    Ok(())
}

/// The internal list names people: the owner's only. The public list and the albo text are
/// public by law and keep the usual mode.
fn mode_of(output: Output) -> super::seam::FileMode {
    match output {
        Output::Csv(Audience::Internal) => super::seam::FileMode::Private,
        Output::Csv(Audience::Public) | Output::Notice => super::seam::FileMode::Public,
    }
}

/// Draws again with the recorded seed and compares: the same groups in the same order, or a
/// clear report of where they differ.
fn replay(office: &Office, bando: Option<&str>, version: u32) -> Result<(), String> {
    let call = resolve_call(office, bando)?;
    let (header, _) = office
        .ranking_version(&call.code, version)?
        .ok_or_else(|| format!("il bando {} non ha la graduatoria n. {version}", call.code))?;
    let Some(draw) = &header.draw else {
        println!("La {} non ha richiesto sorteggi.", header.title());
        return Ok(());
    };
    let again = draw_lots(draw.seed, &draw.groups);
    if again != draw.groups {
        return Err(format!(
            "il sorteggio della {} NON si ripete con il seme {}: il dato registrato va verificato",
            header.title(),
            draw.seed
        ));
    }
    println!(
        "Sorteggio della {} ripetuto con il seme {}: stesso esito per {}.",
        header.title(),
        draw.seed,
        plural(draw.groups.len(), "gruppo", "gruppi")
    );
    for group in &draw.groups {
        let ids: Vec<String> = group.iter().map(ToString::to_string).collect();
        println!("  {}", ids.join(" → "));
    }
    Ok(())
}

pub fn print_demo_ranking(ranking: Option<&crate::demo::RankingSummary>) {
    let Some(ranking) = ranking else {
        println!("Nessuna domanda ammessa: graduatoria non pubblicata.");
        return;
    };
    let header = &ranking.header;
    println!(
        "Pubblicata la {} ({}, {}, opposizioni entro il {}): {}.",
        header.title(),
        plural(header.admitted as usize, "ammessa", "ammesse"),
        plural(header.excluded as usize, "esclusa", "escluse"),
        header
            .objection_deadline
            .map(format_date)
            .unwrap_or_default(),
        plural(ranking.messages, "messaggio accodato", "messaggi accodati")
    );
    println!(
        "Opposizioni: {} ricevute, {} da decidere; «alloggi ranking export --versione {} --pubblico FILE.csv» esporta l'elenco pubblico.",
        count(ranking.objections),
        count(ranking.objections_open),
        header.number
    );
}
