//! Bandi: the calls, the active one, publication, documents and interested citizens.

use chrono::Datelike;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::forms::trigger_name;
use super::{CELL, CallsScreen, NEW_CALL, NOTIFY_INTERESTED, PUBLISH_CALL};
use crate::tui::actions::Action;
use crate::tui::strings as s;
use crate::tui::view::{View, clean, fit, pad, rule, wrap};
use crate::domain::Call;
use crate::domain::call::DocumentSpec;
use crate::domain::time::{format_date, format_ts, format_ts_date, rome_date};
use super::texts;

const MARK: usize = 2;
const WINDOW: usize = 21;
const STATE: usize = 6;
const PUBLICATION: usize = 24;
const INTERESTED: usize = 11;
/// From this width the list has a title column.
const WIDE: usize = 100;
const LABEL: usize = 18;

pub fn draw(frame: &mut Frame, area: Rect, screen: &CallsScreen, view: &View) {
    let width = usize::from(area.width);
    let height = usize::from(area.height);
    let geometry = screen.geometry(width, height);
    let mut lines = list(screen, view, width, geometry.list_rows);
    lines.push(rule(area.width, view.theme.border()));
    if let Some(call) = screen.current() {
        lines.extend(detail(screen, view, call, width, geometry.grid_columns));
        lines.extend(section(screen, view, call, width, geometry.section_rows));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// Column widths of the list: code and, when wide enough, title.
fn columns(width: usize) -> (usize, usize) {
    let fixed = MARK + 1 + WINDOW + 2 + STATE + 2 + PUBLICATION + 1 + INTERESTED;
    if width >= WIDE {
        let code = 16;
        (code, width.saturating_sub(fixed + code + 2))
    } else {
        (width.saturating_sub(fixed).max(6), 0)
    }
}

fn list(screen: &CallsScreen, view: &View, width: usize, rows: usize) -> Vec<Line<'static>> {
    let theme = view.theme;
    let (code_width, title_width) = columns(width);
    let [code, title, window, state, publication, interested] = texts::CALLS_COLUMNS;
    let mut header = format!("{}{}", " ".repeat(MARK), pad(code, code_width));
    if title_width > 0 {
        header.push_str(&format!("  {}", pad(title, title_width)));
    }
    header.push_str(&format!(
        " {}  {}  {} {:>INTERESTED$}",
        pad(window, WINDOW),
        pad(state, STATE),
        pad(publication, PUBLICATION),
        interested
    ));
    let mut lines = vec![
        Line::from(Span::styled(header, theme.bold())),
        rule(width as u16, theme.border()),
    ];
    if screen.calls.is_empty() {
        let key = first_key(view, Action::Screen(NEW_CALL));
        lines.push(Line::from(format!("  {}", texts::call_no_calls(&key))));
        return lines;
    }
    // After a resize the stored offset may hide the cursor: the row under it is always drawn.
    let offset = screen
        .list
        .offset
        .min(screen.list.cursor)
        .max((screen.list.cursor + 1).saturating_sub(rows));
    for (i, call) in screen.calls.iter().enumerate().skip(offset).take(rows) {
        let is_cursor = i == screen.list.cursor;
        let base = if is_cursor {
            theme.cursor()
        } else {
            Style::default()
        };
        let mut spans = vec![Span::styled(
            format!(
                "{}{}",
                if is_cursor { "▶ " } else { "  " },
                pad(&clean(&call.code), code_width)
            ),
            base,
        )];
        if title_width > 0 {
            spans.push(Span::styled(
                format!("  {}", pad(&clean(&call.title), title_width)),
                base,
            ));
        }
        spans.push(Span::styled(
            format!(
                " {}  ",
                pad(
                    &format!(
                        "{}–{}",
                        format_ts_date(call.opens_at),
                        format_ts_date(call.closes_at)
                    ),
                    WINDOW
                )
            ),
            base,
        ));
        let active = screen.is_active(call);
        spans.push(Span::styled(
            pad(if active { texts::CALL_ACTIVE } else { "" }, STATE),
            if active && !is_cursor {
                theme.ok().patch(theme.bold())
            } else {
                base
            },
        ));
        let (published, style) = match call.published_at {
            Some(at) => (texts::call_published(&format_ts_date(at)), base),
            None if is_cursor => (texts::CALL_UNPUBLISHED.to_string(), base),
            None => (texts::CALL_UNPUBLISHED.to_string(), theme.warning()),
        };
        spans.push(Span::styled("  ", base));
        spans.push(Span::styled(pad(&published, PUBLICATION), style));
        let count = screen.counts.get(i).copied().unwrap_or(0);
        spans.push(Span::styled(
            format!(" {:>INTERESTED$}", crate::domain::number::count(count)),
            base,
        ));
        lines.push(Line::from(spans));
    }
    lines
}

/// Label and value on a line of their own.
fn full(view: &View, label: &str, value: &str, width: usize) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!(" {}", pad(label, LABEL - 1)), view.theme.bold()),
        Span::raw(fit(value, width.saturating_sub(LABEL + 1))),
    ])
}

fn detail(screen: &CallsScreen, view: &View, call: &Call, width: usize, grid_columns: usize) -> Vec<Line<'static>> {
    let theme = view.theme;
    let now = view.now();
    let mut lines: Vec<Line<'static>> = call_title(call, width)
        .into_iter()
        .map(|part| Line::from(Span::styled(part, theme.title())))
        .collect();
    lines.push(full(view, texts::CALL_DETERMINA, &clean(&call.determina), width));
    let phase = if now < call.opens_at {
        texts::CALL_WINDOW_NOT_OPEN
    } else if now <= call.closes_at {
        texts::CALL_WINDOW_OPEN
    } else {
        s::WINDOW_CLOSED
    };
    let window = format!(
        "{} · {phase}",
        texts::call_window_span(&format_ts(call.opens_at), &format_ts(call.closes_at))
    );
    lines.push(full(view, texts::CALL_WINDOW, &window, width));
    let p = &call.params;
    let single_limit = call.isee_limit_for(1).to_string();
    let reference = match p.reference_date {
        Some(date) => format_date(date),
        None => texts::call_reference_is_closing(&format_date(call.reference_date())),
    };
    let pairs = [
        (texts::CALL_DURATION, texts::call_days(call.max_duration_days)),
        (texts::CALL_PROCEDURE_END, format_date(call.procedure_end())),
        (texts::CALL_STAMP_DUTY, call.stamp_duty.to_string()),
        (texts::CALL_FEE, call.secretarial_fee.to_string()),
        (texts::CALL_INTEGRATION, texts::call_days(p.integration_days)),
        (texts::CALL_OBJECTIONS, texts::call_days(p.objection_days)),
        (texts::CALL_ISEE_LIMIT, p.isee_limit.to_string()),
        (
            texts::CALL_SINGLE_PERSON,
            texts::call_percent_increase(p.single_person_isee_increase_pct, &single_limit),
        ),
        (
            texts::CALL_PROPERTY_SHARE,
            texts::call_max_share(p.max_property_share_pct),
        ),
        (
            texts::CALL_RANKING_VALIDITY,
            texts::call_years(p.ranking_validity_years),
        ),
        (texts::CALL_REFERENCE, reference),
    ];
    for row in pairs.chunks(grid_columns) {
        let mut spans = Vec::new();
        for (label, value) in row {
            spans.push(Span::styled(
                format!(" {}", pad(label, LABEL - 1)),
                theme.bold(),
            ));
            spans.push(Span::raw(pad(value, CELL - LABEL)));
        }
        lines.push(Line::from(spans));
    }
    let year = rome_date(call.opens_at).year();
    let example = p.protocol_pattern.render(year, 1);
    lines.push(full(
        view,
        texts::CALL_PROTOCOL,
        &texts::call_protocol_example(&clean(p.protocol_pattern.as_str()), &clean(&example)),
        width,
    ));
    let published = match call.published_at {
        Some(at) => texts::call_published(&format_ts(at)),
        None => texts::CALL_UNPUBLISHED.to_string(),
    };
    lines.push(full(
        view,
        texts::CALL_PUBLICATION,
        &format!(
            "{published} · {}",
            texts::call_interested_citizens(screen.interested)
        ),
        width,
    ));
    lines
}

/// The documents, or the bad rows of a refused import, scrolled to fit their room.
fn section(screen: &CallsScreen, view: &View, call: &Call, width: usize, room: usize) -> Vec<Line<'static>> {
    let theme = view.theme;
    let total = screen.section_lines(width);
    let scroll = screen.section_scroll.min(total.saturating_sub(room));
    let mut body: Vec<Line<'static>> = Vec::new();
    let heading = match screen.shown_import_errors() {
        Some(rows) => {
            for row in rows {
                for (i, part) in wrap(&clean(row), width.saturating_sub(4))
                    .into_iter()
                    .enumerate()
                {
                    let indent = if i == 0 { " ✗ " } else { "   " };
                    body.push(Line::from(Span::styled(
                        format!("{indent}{part}"),
                        theme.error(),
                    )));
                }
            }
            Span::styled(format!(" {}", texts::CALL_IMPORT_ERRORS), theme.error())
        }
        None => {
            body = documents(view, &call.documents, width);
            let heading = if call.documents.is_empty() {
                format!(
                    " {} · {}",
                    texts::call_documents_heading(0),
                    texts::CALL_NO_DOCUMENTS
                )
            } else {
                format!(" {}", texts::call_documents_heading(call.documents.len()))
            };
            Span::styled(heading, theme.bold())
        }
    };
    let mut head = vec![heading];
    if total > room {
        let keys = format!(
            "{}/{}",
            view.global_key(Action::PageUp),
            view.global_key(Action::PageDown)
        );
        let shown_to = (scroll + room).min(total);
        head.push(Span::styled(
            format!(
                " · {}",
                texts::call_section_range(scroll + 1, shown_to, total, &keys)
            ),
            theme.dim(),
        ));
    }
    let head_width: usize = head.iter().map(|s| s.content.width()).sum();
    if head_width > width {
        let text: String = head.iter().map(|s| s.content.as_ref()).collect();
        head = vec![Span::styled(fit(&text, width), head[0].style)];
    }
    let mut lines = vec![Line::from(head)];
    lines.extend(body.into_iter().skip(scroll).take(room));
    lines
}

/// The call's code and title, wrapped: a title is the call's legal name and is shown whole.
pub(super) fn call_title(call: &Call, width: usize) -> Vec<String> {
    let title = format!("{} · {}", clean(&call.code), clean(&call.title));
    wrap(&title, width.saturating_sub(2).max(1))
        .into_iter()
        .map(|part| format!(" {part}"))
        .collect()
}

/// One screen line of the documents: the code cell (empty on a continuation line), a part of
/// the title, a part of the need, and whether the document is required.
pub(super) struct DocumentLine {
    code: String,
    title: String,
    need: String,
    required: bool,
}

/// The documents as screen lines: each title and need wrapped in its own column, so that
/// neither is cut; a document takes as many lines as the longer of the two.
pub(super) fn document_rows(documents: &[DocumentSpec], width: usize) -> Vec<DocumentLine> {
    let (_, title_width, need_width) = document_columns(documents, width);
    let mut lines = Vec::new();
    for doc in documents {
        let titles = wrap(&clean(&doc.title), title_width.max(1));
        let needs = wrap(&document_need(doc), need_width.max(1));
        for i in 0..titles.len().max(needs.len()).max(1) {
            lines.push(DocumentLine {
                code: if i == 0 { clean(&doc.code) } else { String::new() },
                title: titles.get(i).cloned().unwrap_or_default(),
                need: needs.get(i).cloned().unwrap_or_default(),
                required: doc.required,
            });
        }
    }
    lines
}

/// The widths of the code, title and need columns: the need takes what its longest text
/// wants up to two fifths of the room, the title the rest, so that titles wrap as little as
/// they can.
fn document_columns(documents: &[DocumentSpec], width: usize) -> (usize, usize, usize) {
    let code_width = documents
        .iter()
        .map(|d| clean(&d.code).width())
        .max()
        .unwrap_or(0)
        .min(22);
    let rest = width.saturating_sub(3 + code_width + 4);
    let longest_need = documents
        .iter()
        .map(|d| document_need(d).width())
        .max()
        .unwrap_or(0);
    let need_width = longest_need.min(rest * 2 / 5);
    (code_width, rest.saturating_sub(need_width), need_width)
}

fn document_need(doc: &DocumentSpec) -> String {
    if doc.required {
        texts::CALL_DOC_REQUIRED.to_string()
    } else if doc.needed_for.is_empty() {
        texts::CALL_DOC_OPTIONAL.to_string()
    } else {
        texts::doc_needed_for(
            &doc.needed_for
                .iter()
                .map(|t| trigger_name(*t))
                .collect::<Vec<_>>()
                .join(", "),
        )
    }
}

fn documents(view: &View, documents: &[DocumentSpec], width: usize) -> Vec<Line<'static>> {
    let (code_width, title_width, _) = document_columns(documents, width);
    document_rows(documents, width)
        .into_iter()
        .map(|line| {
            let style = if line.required {
                view.theme.bold()
            } else {
                Style::default()
            };
            let mark = if line.required && !line.code.is_empty() {
                "✓"
            } else {
                " "
            };
            Line::from(vec![
                Span::styled(format!(" {mark} {}", pad(&line.code, code_width)), style),
                Span::raw(format!("  {}  ", pad(&line.title, title_width))),
                Span::styled(line.need, style),
            ])
        })
        .collect()
}


fn first_key(view: &View, action: Action) -> String {
    view.key(action)
}

/// What the call under the cursor can do next.
pub fn status(screen: &CallsScreen, view: &View, width: usize) -> Line<'static> {
    let Some(call) = screen.current() else {
        return Line::default();
    };
    let text = match call.published_at {
        Some(at) => texts::call_hint_published(
            &format_ts_date(at),
            &first_key(view, Action::Screen(NOTIFY_INTERESTED)),
        ),
        None => {
            texts::call_hint_unpublished(&first_key(view, Action::Screen(PUBLISH_CALL)), screen.interested)
        }
    };
    Line::from(Span::styled(
        format!(" {}", fit(&text, width.saturating_sub(2))),
        view.theme.dim(),
    ))
}
