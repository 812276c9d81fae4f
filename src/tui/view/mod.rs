//! Drawing: pure functions of the console's state onto a ratatui frame. Nothing here changes
//! state. The frame (header and tabs, status line, key bar) and the overlays are drawn here;
//! each screen draws its body from a [`View`].

mod overlay;

pub use overlay::help_entries;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::actions::Action;
use super::app::{App, Overlay};
use super::data::Summary;
use super::keymap::{Context, Keymap, key_label};
use super::messaging::{BatchRun, Firing, Messaging};
use super::rows::Rows;
use super::screens::ScreenId;
use super::strings as s;
use super::theme::Theme;
use crate::domain::State;
use crate::domain::time::{Timestamp, days_until, format_date, rome_date};

/// What a screen draws from besides its own state: the console's shared state, read-only.
pub struct View<'a> {
    pub theme: Theme,
    pub keymap: &'a Keymap,
    pub size: (u16, u16),
    pub actor: &'a str,
    pub(in crate::tui) now: Timestamp,
    pub summary: Option<&'a Summary>,
    pub rows: &'a Rows,
    pub rows_progress: Option<(usize, usize)>,
    pub messaging: &'a Messaging,
    pub batch: Option<&'a BatchRun>,
    /// The screen shown.
    pub screen: ScreenId,
    /// Who else is connected to the shared console's server; None in a console of its own.
    pub connected: Option<&'a [String]>,
}

impl View<'_> {
    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// The console's day in Rome.
    pub fn today(&self) -> chrono::NaiveDate {
        rome_date(self.now)
    }

    /// Rows a table gets between `chrome` lines of header, titles and bars.
    pub fn table_height(&self, chrome: u16) -> usize {
        usize::from(self.size.1.saturating_sub(chrome)).max(1)
    }

    /// Counts per state: from the rows once loaded (they follow every command), else the
    /// summary.
    pub fn counts(&self) -> Vec<(State, usize)> {
        State::ALL
            .into_iter()
            .map(|state| {
                let n = if self.rows.loaded {
                    self.rows.count_in(Some(state))
                } else {
                    self.summary
                        .and_then(|s| s.counts.get(&state).copied())
                        .unwrap_or(0)
                };
                (state, n)
            })
            .collect()
    }

    /// The first key of `action` in the shown screen's context, as shown; empty when unbound.
    pub fn key(&self, action: Action) -> String {
        self.keymap
            .shown_key(Context::Screen(self.screen), action)
            .unwrap_or_default()
    }

    /// How the key of a global `action` (move, open, back) is shown.
    pub fn global_key(&self, action: Action) -> String {
        self.keymap
            .shown_key(Context::Global, action)
            .unwrap_or_default()
    }
}

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Text from data is stripped of control characters (escape sequences included) before it is
/// drawn: an imported name must never move the cursor or recolour the terminal.
pub fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

/// Cuts `text` to `width` columns, marking the cut with '…'.
pub fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// A line of spans cut to `width` columns, keeping the styles of what is left.
pub(super) fn cut(spans: Vec<Span<'static>>, width: usize) -> Line<'static> {
    let mut kept = Vec::new();
    let mut used = 0;
    for span in spans {
        let w = span.content.width();
        if used + w <= width {
            used += w;
            kept.push(span);
        } else {
            kept.push(Span::styled(
                fit(&span.content, width.saturating_sub(used)),
                span.style,
            ));
            break;
        }
    }
    Line::from(kept)
}

/// `text` cut or padded to exactly `width` columns.
/// Word-wraps `text` to `width` columns; a word longer than the line is cut between characters.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let width = width.max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let needed = if line.is_empty() {
            word.width()
        } else {
            line.width() + 1 + word.width()
        };
        if needed > width && !line.is_empty() {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        for c in word.chars() {
            if line.width() + unicode_width::UnicodeWidthChar::width(c).unwrap_or(0) > width {
                out.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

/// A bar of tabs separated by «│», the active one in brackets. When they do not all fit, tabs
/// are dropped from the left until the active one fits («…» first), and those that do not fit
/// after it are replaced by «│ …»: a tab's name and count are never cut.
pub fn tab_bar(
    tabs: &[(String, Style)],
    active: usize,
    width: usize,
    theme: Theme,
) -> Line<'static> {
    let cost = |i: usize, first: usize| {
        tabs[i].0.width() + if i > first { 3 } else { 0 } + if i == active { 2 } else { 0 }
    };
    // What says that more tabs follow on the right.
    const MORE: usize = 4;
    let fits = |first: usize| {
        let more = if active + 1 < tabs.len() { MORE } else { 0 };
        1 + (first..=active).map(|i| cost(i, first)).sum::<usize>() + more <= width
    };
    let mut first = 0;
    while first < active && !fits(first) {
        first += 1;
    }
    let mut spans = vec![Span::raw(if first > 0 { "…" } else { " " })];
    let mut used = 1;
    for (i, (text, style)) in tabs.iter().enumerate().skip(first) {
        let more = if i + 1 < tabs.len() { MORE } else { 0 };
        if i > active && used + cost(i, first) + more > width {
            spans.push(Span::styled(" │ …", theme.dim()));
            break;
        }
        if i > first {
            spans.push(Span::styled(" │ ", theme.dim()));
        }
        if i == active {
            spans.push(Span::styled(format!("[{text}]"), theme.active_tab()));
        } else {
            spans.push(Span::styled(text.clone(), *style));
        }
        used += cost(i, first);
    }
    Line::from(spans)
}

pub fn pad(text: &str, width: usize) -> String {
    let text = fit(text, width);
    let fill = width.saturating_sub(text.width());
    format!("{text}{}", " ".repeat(fill))
}

pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = s::too_small(area.width, area.height, MIN_WIDTH, MIN_HEIGHT);
        frame.render_widget(Paragraph::new(text), area);
        return;
    }
    let view = app.view();
    let screen = app.screens.get(app.screen);
    let title = screen.title_line(&view, usize::from(area.width));
    let status_lines = status_lines(app, usize::from(area.width));
    let [top, body, status, keys] = Layout::vertical([
        Constraint::Length(if title.is_some() { 1 } else { 2 }),
        Constraint::Fill(1),
        Constraint::Length(status_lines.as_ref().map_or(1, |lines| lines.len() as u16)),
        Constraint::Length(1),
    ])
    .areas(area);
    match title {
        Some(line) => frame.render_widget(Paragraph::new(line), top),
        None => header(frame, top, &view),
    }
    screen.draw(frame, body, &view);
    match status_lines {
        Some(lines) => frame.render_widget(Paragraph::new(lines), status),
        None => status_line(frame, status, app, &view),
    }
    key_bar(frame, keys, app);
    overlay::draw(frame, area, app);
}

/// The frame drawn before the database is open: the header and what is happening.
pub fn draw_opening(frame: &mut Frame, actor: &str) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = s::too_small(area.width, area.height, MIN_WIDTH, MIN_HEIGHT);
        frame.render_widget(Paragraph::new(text), area);
        return;
    }
    let actor = clean(actor);
    let title = format!(" {} · {}", s::APP, s::LOADING_STORE);
    let fill = usize::from(area.width).saturating_sub(title.width() + actor.width() + 1);
    let lines = vec![Line::from(vec![
        Span::raw(title),
        Span::raw(" ".repeat(fill)),
        Span::raw(actor),
    ])];
    frame.render_widget(Paragraph::new(lines), area);
}

/// Application line and screen tabs.
fn header(frame: &mut Frame, area: Rect, app: &View) {
    let theme = app.theme;
    let mut spans = vec![Span::styled(format!(" {}", s::APP), theme.title())];
    match app.summary.map(|s| s.call.as_ref()) {
        Some(Some(call)) => {
            spans.push(Span::raw(format!(
                " · {} · {}",
                clean(&call.code),
                call_phase(app)
            )));
            // The determina is shown whole or not at all: the Bandi screen has it whole.
            let determina = format!(" · {}", clean(&call.determina));
            let used: usize = spans.iter().map(|s| s.content.width()).sum();
            let room = usize::from(area.width).saturating_sub(clean(app.actor).width() + 2);
            if used + determina.width() <= room {
                spans.push(Span::styled(determina, theme.dim()));
            }
        }
        Some(None) => spans.push(Span::raw(format!(" · {}", s::NO_CALL))),
        None => spans.push(Span::styled(
            format!(" · {}", s::LOADING_SUMMARY),
            theme.dim(),
        )),
    }
    let actor = clean(app.actor);
    let room = usize::from(area.width).saturating_sub(actor.width() + 2);
    // What does not fit is cut from the end, where the least needed part stands.
    let mut kept = Vec::new();
    let mut used = 0;
    for span in spans {
        let width = span.content.width();
        if used + width <= room {
            used += width;
            kept.push(span);
        } else {
            let cut = fit(&span.content, room.saturating_sub(used));
            kept.push(Span::styled(cut, span.style));
            break;
        }
    }
    let mut spans = kept;
    let used: usize = spans.iter().map(|s| s.content.width()).sum();
    spans.push(Span::raw(" ".repeat(
        usize::from(area.width).saturating_sub(used + actor.width() + 1),
    )));
    spans.push(Span::styled(actor, theme.bold()));
    let labels: Vec<(bool, String)> = ScreenId::tabs()
        .map(|screen| {
            let key = app
                .keymap
                .first_key(Context::Global, Action::Go(screen))
                .unwrap_or_default();
            let active = screen == app.screen.tab();
            (
                active,
                format!("{} {}", key_label(&key), screen.info().title),
            )
        })
        .collect();
    // Each tab with a space either side when they all fit so; else one space between them;
    // else the tabs that fit around the active one, «…» marking those left out.
    let roomy: usize = 1 + labels.iter().map(|(_, l)| l.width() + 3).sum::<usize>();
    let roomy = roomy <= usize::from(area.width);
    let tabs = if roomy {
        let mut tabs = vec![Span::raw(" ")];
        for (active, label) in labels {
            if active {
                tabs.push(Span::styled(format!("[{label}]"), theme.active_tab()));
            } else {
                tabs.push(Span::raw(format!(" {label} ")));
            }
            tabs.push(Span::raw(" "));
        }
        tabs
    } else {
        compact_tabs(&labels, usize::from(area.width), theme)
    };
    let lines = vec![Line::from(spans), Line::from(tabs)];
    frame.render_widget(Paragraph::new(lines), area);
}

/// The tabs one space apart, the active one in brackets. When they do not all fit, tabs are
/// dropped from the left until the active one fits («…» first), and those after it that do not
/// fit are replaced by « …»: a tab's name is never cut.
fn compact_tabs(labels: &[(bool, String)], width: usize, theme: Theme) -> Vec<Span<'static>> {
    const MORE: usize = 2;
    let cost = |(active, label): &(bool, String)| label.width() + 1 + if *active { 2 } else { 0 };
    let active = labels.iter().position(|(a, _)| *a).unwrap_or(0);
    let mut first = 0;
    while first < active
        && 1 + labels[first..=active].iter().map(cost).sum::<usize>()
            + if active + 1 < labels.len() { MORE } else { 0 }
            > width
    {
        first += 1;
    }
    // The first tab's cost counts a space it is not drawn with: «… » takes it.
    let mut spans = vec![Span::raw(if first > 0 { "… " } else { " " })];
    let mut used = 1;
    for (i, tab) in labels.iter().enumerate().skip(first) {
        let more = if i + 1 < labels.len() { MORE } else { 0 };
        if i > active && used + cost(tab) + more > width {
            spans.push(Span::styled(" …", theme.dim()));
            break;
        }
        if i > first {
            spans.push(Span::raw(" "));
        }
        let (is_active, label) = tab;
        if *is_active {
            spans.push(Span::styled(format!("[{label}]"), theme.active_tab()));
        } else {
            spans.push(Span::raw(label.clone()));
        }
        used += cost(tab);
    }
    spans
}

/// "finestra aperta · chiude tra 5 giorni" or "finestra chiusa · giorno 41/210".
pub fn call_phase(app: &View) -> String {
    let Some(Some(call)) = app.summary.map(|s| s.call.as_ref()) else {
        return String::new();
    };
    let now = app.now();
    if now < call.opens_at {
        format!(
            "finestra {}",
            s::window_not_yet(days_until(rome_date(call.opens_at), now))
        )
    } else if now <= call.closes_at {
        format!(
            "finestra {}",
            s::window_open(days_until(call.closing_date(), now))
        )
    } else {
        let day = call.procedure_day(now).unwrap_or(0);
        format!(
            "finestra {} · giorno {day}/{}",
            s::WINDOW_CLOSED,
            call.max_duration_days
        )
    }
}

pub fn procedure_line(app: &View) -> String {
    let Some(Some(call)) = app.summary.map(|s| s.call.as_ref()) else {
        return String::new();
    };
    let now = app.now();
    match call.procedure_day(now) {
        None => format!(
            "inizia alla chiusura della finestra · termine {}",
            format_date(call.procedure_end())
        ),
        Some(day) => format!(
            "{} · termine {}",
            s::procedure_day(day, days_until(call.procedure_end(), now)),
            format_date(call.procedure_end())
        ),
    }
}

/// The most lines the status line grows to when its message is opened whole.
const STATUS_MAX_LINES: usize = 8;

/// The status message opened whole: wrapped over the lines it needs, the body giving them up.
fn status_lines(app: &App, width: usize) -> Option<Vec<Line<'static>>> {
    let (message, error) = app.status.as_ref().filter(|_| app.status_open)?;
    let (mark, style) = if *error {
        ("✗", app.theme.error())
    } else {
        ("✓", app.theme.ok())
    };
    let lines = wrap(&clean(message), width.saturating_sub(4));
    let count = lines.len();
    Some(
        lines
            .into_iter()
            .enumerate()
            .take(STATUS_MAX_LINES)
            .map(|(i, line)| {
                let lead = if i == 0 { mark } else { " " };
                let line = if i + 1 == STATUS_MAX_LINES && count > STATUS_MAX_LINES {
                    fit(&format!("{line} …"), width.saturating_sub(4))
                } else {
                    line
                };
                Line::from(Span::styled(format!(" {lead} {line}"), style))
            })
            .collect(),
    )
}

/// A status message on one line; when it does not fit, cut with the key that opens it whole.
fn status_message(app: &App, message: &str, error: bool, width: usize) -> Line<'static> {
    let theme = app.theme;
    let (mark, style) = if error {
        ("✗", theme.error())
    } else {
        ("✓", theme.ok())
    };
    let message = clean(message);
    let room = width.saturating_sub(4);
    if message.width() <= room {
        return Line::from(Span::styled(format!(" {mark} {message}"), style));
    }
    let key = app
        .keymap
        .first_key(Context::Global, Action::WholeStatus)
        .map(|k| key_label(&k));
    let Some(key) = key else {
        return Line::from(Span::styled(
            format!(" {mark} {}", fit(&message, room)),
            style,
        ));
    };
    let hint = format!(" {key} {}", Action::WholeStatus.description());
    Line::from(vec![
        Span::styled(
            format!(
                " {mark} {}",
                fit(&message, room.saturating_sub(hint.width()))
            ),
            style,
        ),
        Span::styled(hint, theme.key()),
    ])
}

fn status_line(frame: &mut Frame, area: Rect, app: &App, view: &View) {
    let width = usize::from(area.width);
    let line = match &app.status {
        Some((message, error)) => status_message(app, message, *error, width),
        None => match batch_line(view, width).or_else(|| waiting_line(app)) {
            Some(line) => line,
            None => match app.screens.get(app.screen).status(view, width) {
                Some(line) => line,
                None if !app.pending.is_empty() => Line::from(format!(
                    " {} …",
                    super::keymap::sequence_label(&app.pending)
                )),
                None => Line::default(),
            },
        },
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// «caricamento…» while a request of the screen shown is out, «salvataggio…» while a step is:
/// the keys stay live meanwhile, and this says why nothing has changed yet.
fn waiting_line(app: &App) -> Option<Line<'static>> {
    let text = app.waiting()?;
    Some(Line::from(Span::styled(
        format!(" {text}"),
        app.theme.dim(),
    )))
}

/// `Invio … ████░░░░ 612/1.204 27/s ETA 0:22`, on every screen while a batch runs.
pub fn batch_line(view: &View, width: usize) -> Option<Line<'static>> {
    let batch = view.batch?;
    let bar_width = 20;
    let filled = (batch.done * bar_width)
        .checked_div(batch.total)
        .unwrap_or(0)
        .min(bar_width);
    let text = s::batch_progress(&batch.label, batch.done, batch.total, batch.rate());
    let bar = format!("{}{}", "█".repeat(filled), "░".repeat(bar_width - filled));
    Some(Line::from(vec![
        Span::raw(" "),
        Span::styled(bar, view.theme.ok()),
        Span::raw(format!(
            " {}",
            fit(&text, width.saturating_sub(bar_width + 3))
        )),
    ]))
}

/// The actions the key bar offers for what is in front: an overlay's own, or the screen's
/// list less what it does not offer now.
pub fn key_bar_actions(app: &App) -> Vec<Action> {
    match app.context() {
        Context::Search => vec![Action::Confirm, Action::Cancel, Action::Down],
        Context::Help => vec![Action::Cancel, Action::Down],
        Context::Palette => vec![Action::Confirm, Action::Cancel],
        // A pick from a list has no other field to move to.
        Context::Form if focused_picker(app) => vec![Action::Confirm, Action::Cancel],
        Context::Form => vec![Action::NextField, Action::Save, Action::Cancel],
        Context::Confirm => vec![Action::Yes, Action::No],
        Context::Preview => match &app.overlay {
            Some(Overlay::Preview(p)) if p.firing == Firing::InOutbox => {
                vec![Action::Cancel, Action::Down]
            }
            Some(Overlay::Preview(p)) if p.queued.is_some() => {
                vec![
                    Action::Confirm,
                    Action::Cancel,
                    Action::WithdrawQueued,
                    Action::Down,
                ]
            }
            _ => vec![Action::Confirm, Action::Cancel, Action::Down],
        },
        Context::Screen(id) => {
            let screen = app.screens.get(id);
            let view = app.view();
            screen
                .key_bar()
                .into_iter()
                .filter(|a| !matches!(a, Action::Screen(_)) || screen.available(*a, &view))
                .collect()
        }
        Context::Global => vec![],
    }
}

fn focused_picker(app: &App) -> bool {
    matches!(&app.overlay, Some(Overlay::Form { form, .. })
        if form.focused().is_some_and(|f| f.picker.is_some()))
}

/// The keys of what is in front, taken from the keymap so that they cannot disagree with it.
fn key_bar(frame: &mut Frame, area: Rect, app: &App) {
    let context = app.context();
    let actions = key_bar_actions(app);
    let theme = app.theme;
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for action in actions {
        let Some(key) = app.keymap.first_key(context, action) else {
            continue;
        };
        let text = action.description();
        let width = key_label(&key).width() + text.width() + 3;
        if used + width > usize::from(area.width) {
            break;
        }
        used += width;
        let key = key_label(&key);
        // An action the role does not allow stays listed, dimmed: the caseworker learns it
        // exists and that someone else takes it.
        if app.may(action) {
            spans.push(Span::styled(key, theme.key()));
            spans.push(Span::raw(format!(" {text}  ")));
        } else {
            spans.push(Span::styled(key, theme.dim()));
            spans.push(Span::styled(format!(" {text}  "), theme.dim()));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// A horizontal rule across `width`.
pub fn rule(width: u16, style: Style) -> Line<'static> {
    Line::from(Span::styled("─".repeat(usize::from(width)), style))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_every_character_within_the_width() {
        let text =
            "fixtures/interessati-errati.csv:3: «SNTLNE87P43D542K» non è un codice fiscale valido";
        let lines = wrap(text, 20);
        assert!(lines.iter().all(|l| l.chars().count() <= 20), "{lines:?}");
        assert_eq!(lines.join(" ").replace(' ', ""), text.replace(' ', ""));
        assert_eq!(wrap("", 10), vec![String::new()]);
    }

    #[test]
    fn control_and_escape_characters_never_reach_the_terminal() {
        let hostile = "Rossi\u{1b}[2J\u{1b}]0;titolo\u{7} Maria\r\n\u{9b}31m";
        let cleaned = clean(hostile);
        assert!(!cleaned.chars().any(char::is_control), "{cleaned:?}");
        assert!(cleaned.starts_with("Rossi") && cleaned.contains("Maria"));
    }

    #[test]
    fn fit_and_pad_count_columns() {
        assert_eq!(fit("Giovanni", 5), "Giov…");
        assert_eq!(fit("Anna", 5), "Anna");
        assert_eq!(pad("Anna", 6), "Anna  ");
        assert_eq!(pad("Bartolomeo", 6).chars().count(), 6);
    }
}
