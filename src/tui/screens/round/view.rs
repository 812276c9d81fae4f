//! Assegnazioni: the round's line and counts, the filter tabs, the applicants in ranking order
//! or the free dwellings; the offer window in their place; or, with no round, how to open one.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::{
    EXCLUDE_CANDIDATE, OPEN_ROUND, OfferWindow, Pane, REPLY_DAYS, ROUND_CHROME, RoundScreen, TICK,
    needs_action, texts,
};
use crate::domain::number::count;
use crate::domain::stock::{Area, Dwelling, Placement};
use crate::domain::time::format_date;
use crate::tui::actions::Action;
use crate::tui::keymap::{Context, key_label};
use crate::tui::view::{View, clean, fit, pad, rule, tab_bar};

const POSITION: usize = 4;
const HOUSEHOLD: usize = 6;
const NAME_MIN: usize = 14;
const FLOOR: usize = 5;
const LIFT: usize = 3;
const AREA: usize = 7;
const VACANCY: usize = 9;

pub fn draw(frame: &mut Frame, area: Rect, round: &RoundScreen, view: &View) {
    if let Some(window) = &round.offer {
        return draw_offer(frame, area, window, view);
    }
    let theme = view.theme;
    let width = usize::from(area.width);
    let Some(shown) = &round.round else {
        let mut lines = vec![Line::from("")];
        if !round.loaded {
            lines.push(Line::from(format!(" {}", texts::LOADING)));
        } else {
            // The office says which call it looked at.
            let why = round
                .missing
                .as_deref()
                .map(sentence)
                .unwrap_or_else(|| texts::NO_ROUND.to_string());
            lines.push(Line::from(Span::styled(
                format!(" {}", fit(&clean(&why), width.saturating_sub(2))),
                theme.bold(),
            )));
            let key = view.key(Action::Screen(OPEN_ROUND));
            lines.push(Line::from(""));
            lines.push(Line::from(format!(
                " {}",
                fit(&texts::no_round_hint(&key), width.saturating_sub(2))
            )));
        }
        frame.render_widget(Paragraph::new(lines), area);
        return;
    };
    let today = view.today();
    let r = &shown.round;
    let mut lines = vec![Line::from(Span::styled(
        format!(
            " {}",
            fit(
                &texts::round_line(
                    &r.call,
                    r.ranking,
                    &format_date(r.opens_on),
                    &format_date(r.closes_on)
                ),
                width.saturating_sub(2)
            )
        ),
        theme.title(),
    ))];
    let counts = round.counts();
    let parts: Vec<String> = texts::COUNTED
        .iter()
        .enumerate()
        .filter_map(|(i, label)| {
            let n = counts.get(&i).copied().unwrap_or(0);
            (i == 0 || n > 0).then(|| format!("{label} {}", count(n)))
        })
        .collect();
    lines.push(Line::from(Span::styled(
        format!(" {}", fit(&parts.join(" · "), width.saturating_sub(2))),
        theme.dim(),
    )));
    let overdue = round.overdue_count(today);
    let tabs = vec![
        (
            format!("{} {}", texts::TAB_ALL, count(round.places().len())),
            Style::default(),
        ),
        (
            format!("{} {}", texts::TAB_OVERDUE, count(overdue)),
            if overdue > 0 {
                theme.warning()
            } else {
                Style::default()
            },
        ),
        (
            format!("{} {}", texts::TAB_FREE, count(round.free().len())),
            Style::default(),
        ),
    ];
    let active = match (round.pane, round.overdue_only) {
        (Pane::Free, _) => 2,
        (Pane::Places, true) => 1,
        (Pane::Places, false) => 0,
    };
    lines.push(tab_bar(&tabs, active, width, theme));
    lines.push(rule(area.width, theme.border()));
    match round.pane {
        Pane::Places => place_lines(&mut lines, round, view, width),
        Pane::Free => free_lines(&mut lines, round, view, width),
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn place_lines(lines: &mut Vec<Line<'static>>, round: &RoundScreen, view: &View, width: usize) {
    let theme = view.theme;
    let today = view.today();
    let protocol_width = round
        .shown_places()
        .map(|p| p.protocol.width())
        .max()
        .unwrap_or(0)
        .max(texts::PLACE_COLUMNS[1].width());
    // The status takes what its longest text needs, the applicant the rest (at least a
    // surname and an initial).
    let rest = width.saturating_sub(2 + POSITION + 1 + protocol_width + 1 + HOUSEHOLD + 1);
    let longest = round
        .shown_places()
        .map(|p| p.status_text(today).width() + 2)
        .max()
        .unwrap_or(0);
    let status_width = longest.min(rest.saturating_sub(NAME_MIN + 1));
    let name_width = rest.saturating_sub(status_width + 1);
    let [position, protocol, applicant, household, status] = texts::PLACE_COLUMNS;
    lines.push(Line::from(Span::styled(
        format!(
            "  {position:>POSITION$} {} {} {}   {}",
            pad(protocol, protocol_width),
            pad(applicant, name_width),
            pad(household, HOUSEHOLD),
            status
        ),
        theme.bold(),
    )));
    if round.shown.is_empty() {
        let text = if round.overdue_only {
            texts::NO_OVERDUE
        } else {
            texts::NO_PLACES
        };
        lines.push(Line::from(format!("  {text}")));
    }
    let height = view.table_height(ROUND_CHROME);
    for (i, place) in round
        .shown_places()
        .enumerate()
        .skip(round.list.offset)
        .take(height)
    {
        let is_cursor = i == round.list.cursor;
        let late = needs_action(place, today);
        let style = if is_cursor {
            theme.cursor()
        } else if late {
            theme.warning()
        } else {
            Style::default()
        };
        let mark = if late { texts::LATE } else { " " };
        lines.push(Line::from(Span::styled(
            format!(
                "{}{:>POSITION$} {} {} {} {}",
                if is_cursor { "▶" } else { " " },
                place.position,
                pad(&place.protocol, protocol_width),
                pad(&clean(&place.applicant), name_width),
                pad(&household_of(place), HOUSEHOLD),
                pad(
                    &format!("{mark} {}", place.status_text(today)),
                    status_width
                ),
            ),
            style,
        )));
    }
}

/// The household size, marked when it needs a dwelling without stairs.
fn household_of(place: &Placement) -> String {
    if place.needs.step_free {
        format!("{:>2} {}", place.needs.size, texts::STEP_FREE)
    } else {
        format!("{:>2}", place.needs.size)
    }
}

fn free_lines(lines: &mut Vec<Line<'static>>, round: &RoundScreen, view: &View, width: usize) {
    let theme = view.theme;
    let today = view.today();
    let code_width = round
        .free()
        .iter()
        .map(|d| d.code.as_str().width())
        .max()
        .unwrap_or(0)
        .max(texts::FREE_COLUMNS[0].width());
    let fixed = 2
        + code_width
        + 1
        + [FLOOR, LIFT, AREA, VACANCY]
            .iter()
            .map(|w| w + 1)
            .sum::<usize>();
    let address_width = width.saturating_sub(fixed).max(8);
    let [code, address, floor, lift, net, vacancy] = texts::FREE_COLUMNS;
    lines.push(Line::from(Span::styled(
        format!(
            "  {} {} {floor:>FLOOR$} {} {net:>AREA$} {vacancy:>VACANCY$}",
            pad(code, code_width),
            pad(address, address_width),
            pad(lift, LIFT),
        ),
        theme.bold(),
    )));
    if round.free().is_empty() {
        lines.push(Line::from(format!("  {}", texts::NO_FREE)));
    }
    let height = view.table_height(ROUND_CHROME);
    for (i, dwelling) in round
        .free()
        .iter()
        .enumerate()
        .skip(round.free_list.offset)
        .take(height)
    {
        let is_cursor = i == round.free_list.cursor;
        let style = if is_cursor {
            theme.cursor()
        } else {
            Style::default()
        };
        let vacancy = dwelling
            .vacancy_days(today)
            .map_or(texts::NONE.to_string(), texts::days);
        lines.push(Line::from(Span::styled(
            format!(
                "{} {} {} {:>FLOOR$} {} {:>AREA$} {vacancy:>VACANCY$}",
                if is_cursor { "▶" } else { " " },
                pad(dwelling.code.as_str(), code_width),
                pad(&address_of(dwelling), address_width),
                dwelling.floor,
                pad(texts::yes_no(dwelling.lift), LIFT),
                m2(dwelling.net_area),
            ),
            style,
        )));
    }
}

/// The office's words as a sentence: a capital first, a full stop last.
fn sentence(text: &str) -> String {
    let mut chars = text.trim().chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    out.push_str(chars.as_str());
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

fn address_of(dwelling: &Dwelling) -> String {
    match &dwelling.staircase {
        Some(staircase) => format!("{}, sc. {}", clean(&dwelling.address), clean(staircase)),
        None => clean(&dwelling.address),
    }
}

/// `52,50` without the unit, the column says m².
fn m2(area: Area) -> String {
    area.to_string().trim_end_matches(" m²").to_string()
}

/// The offer window: the dwelling, those passed over and why, the first applicant it suits
/// and the requirements to tick before the offer.
fn draw_offer(frame: &mut Frame, area: Rect, window: &OfferWindow, view: &View) {
    let theme = view.theme;
    let width = usize::from(area.width);
    let inner = width.saturating_sub(4);
    let next = &window.next;
    let d = &next.dwelling;
    let mut lines = vec![
        Line::from(Span::styled(
            format!(" {}", texts::offer_title(d.code.as_str())),
            theme.title(),
        )),
        Line::from(format!(
            " {}",
            fit(
                &texts::dwelling_line(
                    &address_of(d),
                    d.floor,
                    d.lift,
                    &d.net_area.to_string(),
                    d.rooms
                ),
                width.saturating_sub(2)
            )
        )),
        rule(area.width, theme.border()),
    ];
    if let Some(why) = &next.not_free {
        lines.push(Line::from(Span::styled(
            format!(
                " {}",
                fit(&texts::not_offerable(why), width.saturating_sub(2))
            ),
            theme.warning(),
        )));
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    if !next.skipped.is_empty() {
        lines.push(Line::from(Span::styled(
            format!(
                " {}",
                texts::skipped_heading(next.skipped.len() + next.more_skipped)
            ),
            theme.bold(),
        )));
        // What is left for the skipped once the chosen and the checklist have their lines.
        let room = usize::from(area.height).saturating_sub(14).max(1);
        let hidden = next.skipped.len().saturating_sub(room) + next.more_skipped;
        for (place, why) in next.skipped.iter().take(room) {
            // The reason matters more than the name here: the protocol finds the case.
            let text = format!("{:>4}. {} — {}", place.position, place.protocol, why);
            lines.push(Line::from(format!("  {}", fit(&text, inner))));
        }
        if hidden > 0 {
            lines.push(Line::from(Span::styled(
                format!("  {}", texts::more_skipped(hidden)),
                theme.dim(),
            )));
        }
    }
    let Some((place, recheck)) = &next.chosen else {
        lines.push(Line::from(Span::styled(
            format!(" {}", texts::NOBODY),
            theme.warning(),
        )));
        frame.render_widget(Paragraph::new(lines), area);
        return;
    };
    lines.push(Line::from(Span::styled(
        format!(
            " {}",
            fit(
                &texts::chosen_line(
                    place.position,
                    &clean(&place.applicant),
                    &place.protocol,
                    place.needs.size
                ),
                width.saturating_sub(2)
            )
        ),
        theme.bold(),
    )));
    let key = |action| {
        view.keymap
            .first_key(Context::Screen(view.screen), action)
            .map(|k| key_label(&k))
            .unwrap_or_default()
    };
    lines.push(Line::from(format!(
        " {}",
        fit(
            &texts::checks_heading(&key(Action::Screen(TICK))),
            width.saturating_sub(2)
        )
    )));
    let checks = [
        texts::check_isee(&recheck.isee.to_string(), &recheck.isee_limit.to_string()),
        texts::check_household(recheck.household),
        clean(&recheck.tie),
    ];
    for (i, text) in checks.iter().enumerate() {
        let ticked = window.ticked.get(i).copied().unwrap_or(false);
        let is_cursor = i == window.cursor;
        let style = if is_cursor {
            theme.cursor()
        } else {
            Style::default()
        };
        lines.push(Line::from(Span::styled(
            format!(
                " {} [{}] {}",
                if is_cursor { "▶" } else { " " },
                if ticked { "x" } else { " " },
                fit(text, inner.saturating_sub(4))
            ),
            style,
        )));
    }
    let deadline = view
        .today()
        .checked_add_days(chrono::Days::new(REPLY_DAYS))
        .unwrap_or(view.today());
    lines.push(Line::from(Span::styled(
        format!(" {}", texts::deadline_line(&format_date(deadline))),
        theme.dim(),
    )));
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        format!(
            " {}",
            fit(
                &texts::offer_keys(
                    &key(Action::Screen(TICK)),
                    &key(Action::Open),
                    &key(Action::Screen(EXCLUDE_CANDIDATE)),
                    &key(Action::Back),
                ),
                width.saturating_sub(2)
            )
        ),
        theme.dim(),
    )));
    frame.render_widget(Paragraph::new(lines), area);
}

/// The status line: the applicant or dwelling under the cursor and what Invio does.
pub fn status(round: &RoundScreen, view: &View, width: usize) -> Line<'static> {
    let key = view
        .keymap
        .first_key(Context::Global, Action::Open)
        .map(|k| key_label(&k))
        .unwrap_or_default();
    let text = if round.offer.is_some() {
        String::new()
    } else if let Some(place) = round.selected() {
        let dwelling = place.dwelling().map(|c| c.to_string());
        texts::place_line(
            place.position,
            &clean(&place.applicant),
            dwelling.as_deref(),
            &key,
        )
    } else if let Some(dwelling) = round.selected_free() {
        texts::free_line(dwelling.code.as_str(), &address_of(dwelling), &key)
    } else {
        String::new()
    };
    Line::from(Span::styled(
        format!(" {}", fit(&text, width.saturating_sub(2))),
        view.theme.dim(),
    ))
}
