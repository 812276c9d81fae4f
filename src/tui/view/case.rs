//! Scheda domanda: applicant, household, declared conditions, documents and the case's timeline.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::super::app::App;
use super::super::strings as s;
use super::{clean, fit};
use crate::domain::application::DocumentStatus;
use crate::domain::call::{DocumentTrigger, Need};
use crate::domain::time::{format_date, format_ts, rome_date};
use crate::domain::{Application, State};

fn state_line(application: &Application) -> String {
    let mut text = application.state.label().to_string();
    if application.state == State::IntegrazioneRichiesta
        && let Some(request) = &application.integration
    {
        text.push_str(&format!(" (scade {})", format_date(request.deadline)));
    }
    if application.late {
        text.push_str(" · fuori termine");
    }
    text
}

pub fn title(frame: &mut Frame, area: Rect, app: &App) {
    let Some(case) = &app.case else {
        return;
    };
    let a = &case.data.application;
    let protocol = a
        .protocol
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_else(|| s::NOT_REGISTERED.to_string());
    let text = format!(
        " {protocol} · {} · {} · {}",
        clean(&a.applicant_name()),
        a.applicant_fiscal_code(),
        state_line(a)
    );
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(
            fit(&text, usize::from(area.width)),
            app.theme.title(),
        ))),
        area,
    );
}

fn boxed(title: &str, app: &App) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(app.theme.border())
        .title(format!(" {title} "))
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let Some(case) = &app.case else {
        return;
    };
    let theme = app.theme;
    let a = &case.data.application;
    let today = rome_date(app.now());
    let members = a.household.members();
    let conditions = condition_lines(app);
    let top_height = (members.len().max(conditions.len()) + 2).clamp(4, 9) as u16;
    let documents = document_spans(app);
    let document_width: usize = documents.iter().map(|s| s.content.chars().count()).sum();
    let inner = usize::from(area.width.saturating_sub(2)).max(1);
    let document_height = (document_width.div_ceil(inner) + 2).clamp(3, 5) as u16;
    let [contact, top, docs, timeline] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(top_height),
        Constraint::Length(document_height),
        Constraint::Fill(1),
    ])
    .areas(area);

    let c = &a.contact;
    let contact_text = format!(
        " {}: {} · {} · {}, {} {} {}",
        s::BOX_CONTACT,
        c.email.as_deref().map(clean).unwrap_or_else(|| "—".into()),
        c.phone.as_deref().map(clean).unwrap_or_else(|| "—".into()),
        clean(&c.address.street),
        clean(&c.address.postcode),
        clean(&c.address.municipality),
        clean(&c.address.province),
    );
    frame.render_widget(
        Paragraph::new(fit(&contact_text, usize::from(area.width))),
        contact,
    );

    let [left, right] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(top);
    let member_width = usize::from(left.width.saturating_sub(2));
    let member_lines: Vec<Line> = members
        .iter()
        .map(|m| {
            let age = s::age(crate::domain::time::age_on(m.birth_date, today));
            let name_width = member_width.saturating_sub(18);
            Line::from(format!(
                " {} {:<11} {:>4}",
                super::pad(&clean(&m.full_name()), name_width),
                fit(m.relation.label(), 11),
                age
            ))
        })
        .collect();
    frame.render_widget(
        Paragraph::new(member_lines).block(boxed(
            &format!("{} ({})", s::BOX_HOUSEHOLD, members.len()),
            app,
        )),
        left,
    );
    frame.render_widget(
        Paragraph::new(conditions).block(boxed(s::BOX_CONDITIONS, app)),
        right,
    );
    frame.render_widget(
        Paragraph::new(Line::from(documents))
            .wrap(Wrap { trim: true })
            .block(boxed(s::BOX_DOCUMENTS, app)),
        docs,
    );

    let events = &case.data.events;
    let height = usize::from(timeline.height.saturating_sub(2));
    let start = case.scroll.min(events.len().saturating_sub(height));
    let lines: Vec<Line> = events
        .iter()
        .skip(start)
        .take(height)
        .map(|(_, event)| {
            Line::from(vec![
                Span::styled(format!(" {} ", format_ts(event.at)), theme.dim()),
                Span::raw(format!("{:<10} ", fit(&clean(&event.actor), 10))),
                Span::raw(clean(&event.summary())),
            ])
        })
        .collect();
    let title = if events.len() > height {
        format!(
            "{} ({}–{} di {})",
            s::BOX_TIMELINE,
            start + 1,
            (start + height).min(events.len()),
            events.len()
        )
    } else {
        s::BOX_TIMELINE.to_string()
    };
    frame.render_widget(Paragraph::new(lines).block(boxed(&title, app)), timeline);
}

fn condition_lines(app: &App) -> Vec<Line<'static>> {
    let Some(case) = &app.case else {
        return Vec::new();
    };
    let a = &case.data.application;
    let d = &a.declaration;
    let theme = app.theme;
    let mut lines = vec![
        Line::from(format!(" ISEE {}", d.isee)),
        Line::from(format!(" {} · {}", d.citizenship.label(), d.tie.label())),
        Line::from(format!(" residenza {} anni", d.residence_years)),
    ];
    let call = case.data.call.as_ref();
    for condition in &d.conditions {
        let missing = DocumentTrigger::for_condition(*condition).is_some_and(|trigger| {
            call.is_some_and(|call| {
                call.documents.iter().any(|doc| {
                    doc.needed_for.contains(&trigger)
                        && !matches!(
                            a.documents.get(&doc.code),
                            Some(DocumentStatus::Ricevuto { .. })
                        )
                })
            })
        });
        let (mark, style, note) = if missing {
            ("?", theme.warning(), "  manca doc")
        } else {
            ("✓", Style::default(), "")
        };
        lines.push(Line::from(Span::styled(
            format!(" {mark} {}{note}", condition.label()),
            style,
        )));
    }
    lines
}

fn document_spans(app: &App) -> Vec<Span<'static>> {
    let Some(case) = &app.case else {
        return Vec::new();
    };
    let a = &case.data.application;
    let theme = app.theme;
    let Some(call) = &case.data.call else {
        return vec![Span::raw(" —")];
    };
    let mut spans = Vec::new();
    for (doc, need) in call.checklist(a) {
        let status = a.documents.get(&doc.code);
        let (mark, style, note) = match (status, need) {
            (Some(DocumentStatus::Ricevuto { .. }), _) => ("✓", Style::default(), String::new()),
            (Some(DocumentStatus::Respinto { note }), _) => {
                ("✗", theme.error(), format!(" (respinto: {})", clean(note)))
            }
            (_, Need::Optional) => continue,
            (_, _) => {
                let requested = a
                    .integration
                    .as_ref()
                    .is_some_and(|i| i.documents.contains(&doc.code));
                let note = if requested {
                    " (richiesto)"
                } else {
                    " (manca)"
                };
                ("✗", theme.error(), note.to_string())
            }
        };
        spans.push(Span::styled(
            format!(" {mark} {}{note}  ", clean(&doc.code).replace('_', " ")),
            style,
        ));
    }
    spans
}
