//! Registro: the audit log, newest first, with its filter.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{AUDIT_DETAIL, AuditScreen};
use crate::tui::view::{View, clean, fit, pad, rule, wrap};
use crate::domain::time::format_ts;
use super::texts;

const WHEN: usize = 16;
const ACTOR: usize = 10;
const CASE: usize = 11;

pub fn draw(frame: &mut Frame, area: Rect, audit: &AuditScreen, view: &View) {
    let theme = view.theme;
    let width = usize::from(area.width);
    let filter = texts::audit_filters(
        &audit.case_label,
        audit.filter.actor.as_deref().unwrap_or(""),
        audit.filter.kind.as_deref().unwrap_or(""),
    );
    let mut lines = vec![Line::from(Span::styled(
        format!(" {}", fit(&clean(&filter), width - 2)),
        theme.dim(),
    ))];
    let event_width = width.saturating_sub(2 + WHEN + 2 + ACTOR + 2 + CASE + 2);
    lines.push(Line::from(Span::styled(
        format!(
            "  {}  {}  {}  {}",
            pad(texts::COL_WHEN, WHEN),
            pad(texts::COL_ACTOR, ACTOR),
            pad(texts::COL_CASE, CASE),
            texts::COL_EVENT
        ),
        theme.bold(),
    )));
    lines.push(rule(area.width, theme.border()));
    if audit.page.is_empty() {
        lines.push(Line::from(format!("  {}", texts::NO_EVENTS)));
    }
    for (i, (_, event)) in audit.page.iter().enumerate() {
        let is_cursor = i == audit.list.cursor;
        let style = if is_cursor {
            theme.cursor()
        } else {
            Style::default()
        };
        let case = event
            .application_id()
            .and_then(|id| view.rows.position_of(id).map(|p| (id, p)))
            .map(|(id, p)| {
                let protocol = &view.rows[p].protocol;
                if protocol.is_empty() {
                    format!("#{}", id.0)
                } else {
                    protocol.clone()
                }
            })
            .or_else(|| event.application_id().map(|id| format!("#{}", id.0)))
            .unwrap_or_default();
        lines.push(Line::from(Span::styled(
            format!(
                "{} {}  {}  {}  {}",
                if is_cursor { "▶" } else { " " },
                pad(&format_ts(event.at), WHEN),
                pad(&clean(&event.who()), ACTOR),
                pad(&case, CASE),
                pad(&clean(&event.summary()), event_width)
            ),
            style,
        )));
    }
    let detail = audit
        .page
        .get(audit.list.cursor)
        .map(|(_, event)| wrap(&clean(&event.summary()), width.saturating_sub(2)))
        .unwrap_or_default();
    let room = usize::from(area.height).saturating_sub(AUDIT_DETAIL);
    while lines.len() < room {
        lines.push(Line::default());
    }
    lines.truncate(room);
    let shown = detail.len().min(AUDIT_DETAIL);
    for (i, part) in detail.iter().take(AUDIT_DETAIL).enumerate() {
        // A summary longer than its lines ends with the mark of the cut on the last one.
        let part = if i + 1 == shown && detail.len() > AUDIT_DETAIL {
            fit(&format!("{part} …"), width.saturating_sub(2))
        } else {
            part.clone()
        };
        lines.push(Line::from(Span::styled(format!(" {part}"), theme.dim())));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

pub fn status(audit: &AuditScreen, view: &View) -> Line<'static> {
    let page = audit.pages.len();
    let seq = audit
        .page
        .get(audit.list.cursor)
        .map(|(seq, _)| format!(" · evento n. {}", crate::domain::number::count(*seq as usize)))
        .unwrap_or_default();
    Line::from(Span::styled(
        format!(" pagina {page}{seq}"),
        view.theme.dim(),
    ))
}
