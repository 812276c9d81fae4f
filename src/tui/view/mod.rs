//! Drawing: pure functions of the `App`'s state onto a ratatui frame. Nothing here changes state.

mod agenda;
mod audit;
mod calls;
mod case;
mod dashboard;
mod inbox;
mod outbox;
mod overlay;
mod ranking;

pub use overlay::help_entries;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::app::{App, Screen};
use super::keymap::{Action, Context};
use super::strings as s;
use crate::domain::time::{days_until, format_date, rome_date};

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
    let [top, body, status, keys] = Layout::vertical([
        Constraint::Length(if app.screen == Screen::Case { 1 } else { 2 }),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    match app.screen {
        Screen::Case => case::title(frame, top, app),
        _ => header(frame, top, app),
    }
    match app.screen {
        Screen::Dashboard => dashboard::draw(frame, body, app),
        Screen::Inbox => inbox::draw(frame, body, app),
        Screen::Case => case::draw(frame, body, app),
        Screen::Outbox => outbox::draw(frame, body, app),
        Screen::Audit => audit::draw(frame, body, app),
        Screen::Agenda => agenda::draw(frame, body, app),
        Screen::Calls => calls::draw(frame, body, app),
        Screen::Ranking => ranking::draw(frame, body, app),
    }
    status_line(frame, status, app);
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
fn header(frame: &mut Frame, area: Rect, app: &App) {
    let theme = app.theme;
    let mut spans = vec![Span::styled(format!(" {}", s::APP), theme.title())];
    match app.summary.as_ref().map(|s| s.call.as_ref()) {
        Some(Some(call)) => {
            spans.push(Span::raw(format!(
                " · {} · {}",
                clean(&call.code),
                call_phase(app)
            )));
            spans.push(Span::styled(
                format!(" · {}", clean(&call.determina)),
                theme.dim(),
            ));
        }
        Some(None) => spans.push(Span::raw(format!(" · {}", s::NO_CALL))),
        None => spans.push(Span::styled(
            format!(" · {}", s::LOADING_SUMMARY),
            theme.dim(),
        )),
    }
    let actor = clean(&app.actor);
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
    let labels: Vec<(bool, String)> = Screen::TABS
        .iter()
        .map(|screen| {
            let key = app
                .keymap
                .first_key(Context::Global, goto_action(*screen))
                .unwrap_or_default();
            let active =
                *screen == app.screen || (app.screen == Screen::Case && *screen == Screen::Inbox);
            (
                active,
                format!("{} {}", super::keymap::key_label(&key), screen.title()),
            )
        })
        .collect();
    // Each tab with a space either side when they all fit so; else one space between them.
    let roomy: usize = 1 + labels.iter().map(|(_, l)| l.width() + 3).sum::<usize>();
    let roomy = roomy <= usize::from(area.width);
    let mut tabs = vec![Span::raw(" ")];
    for (i, (active, label)) in labels.into_iter().enumerate() {
        if roomy {
            if active {
                tabs.push(Span::styled(format!("[{label}]"), theme.active_tab()));
            } else {
                tabs.push(Span::raw(format!(" {label} ")));
            }
            tabs.push(Span::raw(" "));
        } else {
            if i > 0 {
                tabs.push(Span::raw(" "));
            }
            if active {
                tabs.push(Span::styled(format!("[{label}]"), theme.active_tab()));
            } else {
                tabs.push(Span::raw(label));
            }
        }
    }
    let lines = vec![Line::from(spans), Line::from(tabs)];
    frame.render_widget(Paragraph::new(lines), area);
}

fn goto_action(screen: Screen) -> Action {
    match screen {
        Screen::Dashboard => Action::GoDashboard,
        Screen::Audit => Action::GoAudit,
        Screen::Outbox => Action::GoOutbox,
        Screen::Agenda => Action::GoAgenda,
        Screen::Calls => Action::GoCalls,
        Screen::Ranking => Action::GoRanking,
        Screen::Inbox | Screen::Case => Action::GoInbox,
    }
}

/// "finestra aperta · chiude tra 5 giorni" or "finestra chiusa · giorno 41/210".
pub fn call_phase(app: &App) -> String {
    let Some(Some(call)) = app.summary.as_ref().map(|s| s.call.as_ref()) else {
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

pub fn procedure_line(app: &App) -> String {
    let Some(Some(call)) = app.summary.as_ref().map(|s| s.call.as_ref()) else {
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

fn status_line(frame: &mut Frame, area: Rect, app: &App) {
    let theme = app.theme;
    let line = match &app.status {
        Some((message, true)) => Line::from(Span::styled(
            format!(" ✗ {}", fit(&clean(message), usize::from(area.width) - 4)),
            theme.error(),
        )),
        Some((message, false)) => Line::from(Span::styled(
            format!(" ✓ {}", fit(&clean(message), usize::from(area.width) - 4)),
            theme.ok(),
        )),
        None if app.batch.is_some() => {
            outbox::batch_line(app, usize::from(area.width)).unwrap_or_default()
        }
        None => match app.screen {
            Screen::Outbox => outbox::status(app, usize::from(area.width)),
            Screen::Inbox => inbox::status(app, usize::from(area.width)),
            Screen::Audit => audit::status(app),
            Screen::Agenda => agenda::status(app, usize::from(area.width)),
            Screen::Calls => calls::status(app, usize::from(area.width)),
            Screen::Ranking => ranking::status(app, usize::from(area.width)),
            _ if !app.pending.is_empty() => Line::from(format!(
                " {} …",
                super::keymap::sequence_label(&app.pending)
            )),
            _ => Line::default(),
        },
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// The keys of the current screen, taken from the keymap so that they cannot disagree with it.
fn key_bar(frame: &mut Frame, area: Rect, app: &App) {
    let context = app.context();
    let actions: Vec<Action> = match context {
        Context::Search => vec![Action::Confirm, Action::Cancel, Action::Down],
        Context::Help => vec![Action::Cancel, Action::Down],
        Context::Palette => vec![Action::Confirm, Action::Cancel],
        Context::Form => vec![Action::NextField, Action::Save, Action::Cancel],
        Context::Confirm => vec![Action::Yes, Action::No],
        Context::Preview => match &app.overlay {
            Some(super::app::Overlay::Preview(p))
                if p.firing == super::messaging::Firing::Stored =>
            {
                vec![Action::Cancel, Action::Down]
            }
            _ => vec![Action::Confirm, Action::Cancel, Action::Down],
        },
        Context::Outbox => vec![
            Action::Open,
            Action::Requeue,
            Action::MarkSent,
            Action::ExportBundle,
            Action::NextFilter,
            Action::SendNow,
            Action::Help,
        ],
        Context::Agenda => vec![
            Action::BookAppointment,
            Action::RescheduleAppointment,
            Action::CancelAppointment,
            Action::PreviousDay,
            Action::NextDay,
            Action::Today,
            Action::Open,
            Action::Help,
        ],
        Context::Calls => vec![
            Action::NewCall,
            Action::EditCall,
            Action::ActivateCall,
            Action::PublishCall,
            Action::EditDocument,
            Action::ImportInterested,
            Action::AddInterested,
            Action::Help,
        ],
        Context::Ranking => vec![
            Action::Filter,
            Action::CycleVersion,
            Action::PublishProvisional,
            Action::PublishDefinitive,
            Action::ExportRanking,
            Action::Search,
            Action::Open,
            Action::Help,
        ],
        Context::Dashboard => vec![
            Action::GoInbox,
            Action::GoAudit,
            Action::GoOutbox,
            Action::Palette,
            Action::Help,
            Action::Quit,
        ],
        Context::Inbox => vec![
            Action::Open,
            Action::Search,
            Action::Select,
            Action::Register,
            Action::NextFilter,
            Action::Sort,
            Action::Palette,
            Action::Help,
        ],
        Context::Case => {
            let mut actions = app.case_actions();
            actions.push(Action::Back);
            actions.push(Action::Help);
            actions
        }
        Context::Audit => vec![
            Action::Open,
            Action::Filter,
            Action::ClearFilter,
            Action::Back,
            Action::Help,
        ],
        Context::Global => vec![],
    };
    let theme = app.theme;
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for action in actions {
        let Some(key) = app.keymap.first_key(context, action) else {
            continue;
        };
        let text = action.description();
        let width = super::keymap::key_label(&key).width() + text.width() + 3;
        if used + width > usize::from(area.width) {
            break;
        }
        used += width;
        let key = super::keymap::key_label(&key);
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::raw(format!(" {text}  ")));
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
