//! Domande: state tabs, the table (only the visible rows are built), search line and position.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::{Filter, INBOX_CHROME, InboxScreen, filters};
use crate::tui::data::Row;
use crate::tui::rows::ReviewList;
use crate::tui::search::{Field, highlight};
use crate::tui::strings as s;
use crate::tui::view::{View, fit, pad, rule, tab_bar};
use crate::domain::State;
use crate::domain::time::{days_until, format_date, format_ts_date, rome_date};
use crate::domain::number::count;
use super::texts;

/// Short state names for the table and the tabs.
pub fn short_state(state: State) -> &'static str {
    match state {
        State::Ricevuta => "Ricevuta",
        State::Protocollata => "Protocollata",
        State::InIstruttoria => "Istruttoria",
        State::IntegrazioneRichiesta => "Integrazione",
        State::Ammessa => "Ammessa",
        State::Esclusa => "Esclusa",
    }
}

fn tab_label(filter: Filter) -> &'static str {
    match filter {
        Filter::All => s::FILTER_ALL,
        Filter::State(state) => short_state(state),
        Filter::List(list) => list.label(),
    }
}

/// Column widths for a terminal `width` wide: the name takes what is left.
struct Columns {
    name: usize,
    household: bool,
}

const PROTOCOL: usize = 11;
const FISCAL_CODE: usize = 16;
const STATE: usize = 12;
const DATE: usize = 10;

impl Columns {
    fn for_width(width: usize) -> Columns {
        // marker 2 + protocol + 2 + name + 2 + cf + 2 + state + flag 1 + 1 + date
        let fixed = 2 + PROTOCOL + 2 + 2 + FISCAL_CODE + 2 + STATE + 2 + DATE;
        let household = width >= 110;
        let extra = if household { 8 } else { 0 };
        Columns {
            name: width.saturating_sub(fixed + extra).clamp(10, 40),
            household,
        }
    }
}

pub fn draw(frame: &mut Frame, area: Rect, inbox: &InboxScreen, view: &View) {
    let theme = view.theme;
    let rows = view.rows;
    let width = usize::from(area.width);
    let mut lines = vec![tabs(inbox, view, width)];
    lines.push(rule(area.width, theme.border()));
    let columns = Columns::for_width(width);
    let mut titles = format!(
        "  {}  {}  {}  {} {}",
        pad(texts::COL_PROTOCOL, PROTOCOL),
        pad(texts::COL_APPLICANT, columns.name),
        pad(texts::COL_FISCAL_CODE, FISCAL_CODE),
        pad(texts::COL_STATE, STATE + 1),
        // A deadline list shows the deadline where the others show the day received.
        pad(
            if inbox.filter.list().is_some() {
                texts::COL_DEADLINE
            } else {
                texts::COL_RECEIVED
            },
            DATE
        ),
    );
    if columns.household {
        titles.push_str(&format!("  {}", texts::COL_HOUSEHOLD));
    }
    lines.push(Line::from(Span::styled(titles, theme.bold())));
    let height = view.table_height(INBOX_CHROME);
    if !rows.loaded {
        let text = match view.rows_progress {
            Some((done, total)) => texts::rows_loading(done, total),
            None => s::LOADING_ROWS.to_string(),
        };
        lines.push(Line::from(format!("  {text}")));
    } else if inbox.view.is_empty() {
        let text = if inbox.search_waiting_for_index() {
            texts::LOADING_INDEX
        } else if inbox.search.is_some() {
            s::NO_MATCH
        } else {
            texts::NO_ROWS
        };
        lines.push(Line::from(format!("  {text}")));
    }
    let query = inbox
        .search
        .as_ref()
        .map(|s| s.query().to_string())
        .filter(|q| !q.is_empty());
    let visible = inbox
        .view
        .iter()
        .enumerate()
        .skip(inbox.list.offset)
        .take(height);
    for (position, index) in visible {
        let Some(row) = rows.row(*index) else {
            continue;
        };
        let marks = match &query {
            Some(q) => inbox.index.as_ref().and_then(|ix| highlight(ix, *index, q)),
            None => None,
        };
        lines.push(row_line(
            inbox,
            view,
            row,
            position == inbox.list.cursor,
            &columns,
            marks.as_ref(),
        ));
    }
    while lines.len() < height + 3 {
        lines.push(Line::default());
    }
    lines.truncate(height + 3);
    // The footer says what «!» means while a row so marked is on screen.
    if flag_visible(inbox, view) {
        let legend = format!("── {} ", s::flags_legend());
        let rest = width.saturating_sub(legend.width());
        lines.push(Line::from(vec![
            Span::styled(fit(&legend, width), theme.dim()),
            Span::styled("─".repeat(rest), theme.border()),
        ]));
    } else {
        lines.push(rule(area.width, theme.border()));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn tabs(inbox: &InboxScreen, view: &View, width: usize) -> Line<'static> {
    let theme = view.theme;
    let counts = view.counts();
    let today = rome_date(view.now());
    let all: Vec<(Filter, String)> = filters()
        .into_iter()
        .map(|f| {
            let n = match f {
                Filter::All => counts.iter().map(|(_, n)| n).sum(),
                Filter::State(state) => counts
                    .iter()
                    .find(|(st, _)| *st == state)
                    .map(|(_, n)| *n)
                    .unwrap_or(0),
                Filter::List(list) => view.rows.count_list(list, today),
            };
            (f, format!("{} {}", tab_label(f), count(n)))
        })
        .collect();
    let active = all
        .iter()
        .position(|(f, _)| *f == inbox.filter)
        .unwrap_or(0);
    let tabs: Vec<(String, Style)> = all
        .into_iter()
        .map(|(_, text)| (text, Style::default()))
        .collect();
    tab_bar(&tabs, active, width, theme)
}

fn row_line(
    inbox: &InboxScreen,
    view: &View,
    row: &Row,
    is_cursor: bool,
    columns: &Columns,
    marks: Option<&(Field, Vec<usize>)>,
) -> Line<'static> {
    let theme = view.theme;
    let selected = inbox.selected.contains(&row.id);
    let base = if is_cursor {
        theme.cursor()
    } else {
        Style::default()
    };
    let mark = |field: Field| {
        marks
            .filter(|(f, _)| *f == field)
            .map(|(_, p)| p.as_slice())
    };
    let mut spans = vec![Span::styled(
        format!(
            "{}{}",
            if is_cursor { "▶" } else { " " },
            if selected { "✓" } else { " " }
        ),
        base,
    )];
    let protocol = if row.protocol.is_empty() {
        s::NOT_REGISTERED.to_string()
    } else {
        row.protocol.clone()
    };
    push_field(
        &mut spans,
        &protocol,
        PROTOCOL,
        base,
        mark(Field::Protocol),
        view,
    );
    spans.push(Span::styled("  ", base));
    push_field(
        &mut spans,
        &row.name,
        columns.name,
        base,
        mark(Field::Name),
        view,
    );
    spans.push(Span::styled("  ", base));
    push_field(
        &mut spans,
        &row.fiscal_code,
        FISCAL_CODE,
        base,
        mark(Field::FiscalCode),
        view,
    );
    spans.push(Span::styled("  ", base));
    spans.push(Span::styled(pad(short_state(row.state), STATE), base));
    spans.push(Span::styled(
        if row.flagged { "!" } else { " " },
        if is_cursor { base } else { theme.error() },
    ));
    let date = match inbox.filter.list() {
        Some(list) => list.deadline(row).map(format_date).unwrap_or_default(),
        None => format_ts_date(row.received_at),
    };
    spans.push(Span::styled(format!(" {}", pad(&date, DATE)), base));
    if columns.household {
        spans.push(Span::styled(format!("  {:>6}", row.household), base));
    }
    Line::from(spans)
}

/// One cell, padded, with the matched characters of a search highlighted.
fn push_field(
    spans: &mut Vec<Span<'static>>,
    text: &str,
    width: usize,
    base: Style,
    marks: Option<&[usize]>,
    view: &View,
) {
    let text = pad(text, width);
    let Some(marks) = marks.filter(|m| !m.is_empty()) else {
        spans.push(Span::styled(text, base));
        return;
    };
    let strong = base.patch(view.theme.highlight());
    let mut run = String::new();
    let mut run_marked = false;
    for (i, c) in text.chars().enumerate() {
        let marked = marks.contains(&i);
        if marked != run_marked && !run.is_empty() {
            let style = if run_marked { strong } else { base };
            spans.push(Span::styled(std::mem::take(&mut run), style));
        }
        run_marked = marked;
        run.push(c);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, if run_marked { strong } else { base }));
    }
}

pub fn status(inbox: &InboxScreen, view: &View, width: usize) -> Line<'static> {
    let theme = view.theme;
    let position = if inbox.view.is_empty() {
        String::new()
    } else {
        format!(
            "{}/{} ",
            count(inbox.list.cursor + 1),
            count(inbox.view.len())
        )
    };
    let left: Vec<Span<'static>> = match &inbox.search {
        Some(search) => {
            let mut spans = vec![Span::styled(" / ", theme.key())];
            spans.push(Span::raw(search.query().to_string()));
            if search.typing {
                spans.push(Span::styled(format!("  {}", texts::SEARCH_PROMPT), theme.dim()));
            } else {
                spans.push(Span::raw(format!("  · {}", s::matches(inbox.view.len()))));
            }
            spans
        }
        None => {
            let mut parts = Vec::new();
            if !inbox.selected.is_empty() {
                parts.push(texts::selected(inbox.selected.len()));
            }
            if let Some(text) = deadline_status(inbox, view) {
                parts.push(text);
            }
            parts.push(format!(
                "ordine: {} {}",
                inbox.sort.label(),
                if inbox.descending { "↓" } else { "↑" }
            ));
            vec![Span::raw(format!(" {}", parts.join(" · ")))]
        }
    };
    let used: usize = left.iter().map(|s| s.content.width()).sum();
    let mut spans = left;
    if used + position.width() < width {
        spans.push(Span::raw(" ".repeat(width - used - position.width())));
        spans.push(Span::styled(position, theme.dim()));
    } else {
        let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
        spans = vec![Span::raw(fit(&text, width))];
    }
    Line::from(spans)
}

/// A row marked «!» is on screen: the status line says what the mark means.
fn flag_visible(inbox: &InboxScreen, view: &View) -> bool {
    inbox
        .view
        .iter()
        .skip(inbox.list.offset)
        .take(view.table_height(INBOX_CHROME))
        .filter_map(|index| view.rows.row(*index))
        .any(|row| row.flagged)
}

/// In a deadline list, how the cursor row stands against its deadline.
fn deadline_status(inbox: &InboxScreen, view: &View) -> Option<String> {
    let list = inbox.filter.list()?;
    let row = inbox.current(view.rows)?;
    let deadline = list.deadline(row)?;
    let days = days_until(deadline, view.now());
    let protocol = if row.protocol.is_empty() {
        s::NOT_REGISTERED
    } else {
        &row.protocol
    };
    Some(match list {
        ReviewList::Overdue => texts::overdue_status(-days, protocol),
        ReviewList::FeeDue => texts::fee_due_status(&format_date(deadline), days, protocol),
        ReviewList::FeeLate => texts::fee_late_status(-days, protocol),
    })
}
