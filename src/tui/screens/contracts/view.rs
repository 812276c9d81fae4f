//! Contratti: the counts by state, the table of assignees by decree; or a signed lease whole,
//! with its rent computed step by step.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{CONTRACTS_CHROME, ContractsScreen, texts};
use crate::domain::lease::Lease;
use crate::domain::time::{format_date, format_ts_date, format_ts_time};
use crate::office::{ContractRow, ContractState};
use crate::tui::actions::Action;
use crate::tui::view::{View, clean, fit, pad, rule, wrap};

/// Fixed columns: protocol, dwelling, decree day.
const PROTOCOL: usize = 11;
const DWELLING: usize = 8;
const DECREE: usize = 10;
/// The state column: «appuntamento 12/09 10:30» fits.
const STATE: usize = 24;

pub fn state_text(state: &ContractState) -> String {
    match state {
        ContractState::ToPrepare => texts::TO_PREPARE.to_string(),
        ContractState::Ready { .. } => texts::READY_STATE.to_string(),
        ContractState::Booked { at, .. } => {
            let day = format_ts_date(*at);
            texts::booked(day.get(..5).unwrap_or(&day), &format_ts_time(*at))
        }
        ContractState::Signed { number, .. } => texts::signed(number),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, screen: &ContractsScreen, view: &View) {
    if screen.lease.is_some() {
        return draw_lease(frame, area, screen, view);
    }
    let theme = view.theme;
    let width = usize::from(area.width);
    let [to_prepare, ready, booked, signed] = screen.counts();
    let mut lines = vec![
        Line::from(Span::styled(
            format!(
                " {}",
                fit(
                    &texts::counts_line(screen.rows.len(), to_prepare, ready, booked, signed),
                    width.saturating_sub(2)
                )
            ),
            theme.bold(),
        )),
        rule(area.width, theme.border()),
    ];
    let fixed = 2 + PROTOCOL + 1 + DWELLING + 1 + DECREE + 1 + STATE + 1;
    let name_width = width.saturating_sub(fixed).max(8);
    let [protocol, assignee, dwelling, decree, state] = texts::COLUMNS;
    lines.push(Line::from(Span::styled(
        format!(
            "  {} {} {} {} {}",
            pad(protocol, PROTOCOL),
            pad(assignee, name_width),
            pad(dwelling, DWELLING),
            pad(decree, DECREE),
            pad(state, STATE)
        ),
        theme.bold(),
    )));
    if screen.rows.is_empty() {
        let text = if screen.loaded {
            texts::EMPTY
        } else {
            texts::LOADING
        };
        lines.push(Line::from(format!("  {text}")));
    }
    let height = view.table_height(CONTRACTS_CHROME);
    for (i, row) in screen
        .rows
        .iter()
        .enumerate()
        .skip(screen.list.offset)
        .take(height)
    {
        let is_cursor = i == screen.list.cursor;
        let style = if is_cursor {
            theme.cursor()
        } else {
            Style::default()
        };
        lines.push(Line::from(Span::styled(
            row_text(row, is_cursor, name_width),
            style,
        )));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn row_text(row: &ContractRow, is_cursor: bool, name_width: usize) -> String {
    let decree = row
        .decree_on
        .map_or_else(|| texts::NONE.to_string(), format_date);
    format!(
        "{} {} {} {} {} {}",
        if is_cursor { "▶" } else { " " },
        pad(&row.protocol, PROTOCOL),
        pad(&clean(&row.assignee), name_width),
        pad(row.dwelling.as_str(), DWELLING),
        pad(&decree, DECREE),
        pad(&state_text(&row.state), STATE)
    )
}

/// The lease's lines: parties, dates, terms, rent and its computation, changes since.
pub fn lease_lines(lease: &Lease) -> Vec<String> {
    let mut lines = vec![
        texts::tenant_line(
            &clean(&lease.tenant.name),
            &lease.tenant.fiscal_code,
            lease.household_size,
        ),
        texts::dwelling_line(lease.dwelling.as_str(), &clean(&lease.signatory)),
        texts::dates_line(
            &format_date(lease.signed_on),
            &format_date(lease.starts_on),
            &format_date(lease.ends_on()),
            usize::from(lease.terms.duration_years),
        ),
        texts::renewal_line(
            usize::from(lease.terms.renewal_years),
            &format_date(lease.renewed_until()),
            &lease.deposit.format_plain(),
            usize::from(lease.terms.deposit_months),
        ),
        texts::rent_line(
            &lease.rent.monthly.format_plain(),
            &lease.rent.version,
            &lease.rent.band,
        ),
        texts::COMPUTATION.to_string(),
    ];
    for (n, step) in lease.rent.steps.iter().enumerate() {
        lines.push(format!("  {}. {}", n + 1, step.text));
    }
    for change in &lease.history {
        lines.push(texts::change_line(
            &format_date(change.on),
            &change.from.format_plain(),
            &change.to.format_plain(),
            &change.reason,
        ));
    }
    lines
}

fn draw_lease(frame: &mut Frame, area: Rect, screen: &ContractsScreen, view: &View) {
    let theme = view.theme;
    let Some((row, lease)) = screen
        .shown_lease()
        .and_then(|row| row.lease.as_ref().map(|lease| (row, lease)))
    else {
        let lines = vec![Line::from(format!(" {}", texts::LEASE_GONE))];
        frame.render_widget(Paragraph::new(lines), area);
        return;
    };
    let width = usize::from(area.width).saturating_sub(3);
    let mut lines = vec![
        Line::from(Span::styled(
            format!(
                " {}",
                fit(&texts::lease_title(lease.number.as_str(), &row.protocol), width)
            ),
            theme.title(),
        )),
        rule(area.width, theme.border()),
    ];
    // A step of the computation longer than the line goes on under itself.
    let mut body = Vec::new();
    for text in lease_lines(lease) {
        let step = text.starts_with("  ");
        let indent = if step { 5 } else { 0 };
        let style = if step { Style::default() } else { theme.bold() };
        for (n, part) in wrap(text.trim_start(), width.saturating_sub(indent + 2))
            .into_iter()
            .enumerate()
        {
            let lead = match (step, n) {
                (false, _) => String::new(),
                (true, 0) => "  ".to_string(),
                (true, _) => " ".repeat(indent),
            };
            body.push((format!("{lead}{part}"), style));
        }
    }
    let room = usize::from(area.height).saturating_sub(lines.len());
    let scroll = screen.scroll.min(body.len().saturating_sub(room));
    for (text, style) in body.into_iter().skip(scroll) {
        lines.push(Line::from(Span::styled(format!("  {text}"), style)));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// The status line: the assignee under the cursor and what Invio does; on the lease, how to go
/// back.
pub fn status(screen: &ContractsScreen, view: &View, width: usize) -> Line<'static> {
    let key = |action| view.global_key(action);
    let text = if screen.lease.is_some() {
        texts::lease_back(&key(Action::Back))
    } else {
        match screen.selected() {
            Some(row) => texts::selected_line(
                &row.protocol,
                &clean(&row.assignee),
                &key(Action::Open),
                matches!(row.state, ContractState::Signed { .. }),
            ),
            None => String::new(),
        }
    };
    Line::from(Span::styled(
        format!(" {}", fit(&text, width.saturating_sub(2))),
        view.theme.dim(),
    ))
}
