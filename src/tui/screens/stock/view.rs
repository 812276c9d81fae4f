//! Alloggi: the state tabs with their counts, the filters in force, the table of the stock in
//! code order; or a dwelling's card.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::{NEW_DWELLING, STOCK_CHROME, StockScreen, state_tabs, texts};
use crate::domain::number::count;
use crate::domain::stock::Dwelling;
use crate::domain::time::format_date;
use crate::tui::actions::Action;
use crate::tui::view::{View, clean, fit, pad, rule, tab_bar};

/// Fixed columns: floor, lift, net area, rooms, accessible, state, vacancy days.
const FLOOR: usize = 5;
const LIFT: usize = 3;
const AREA: usize = 7;
const ROOMS: usize = 4;
const ACCESSIBLE: usize = 3;
const STATE: usize = 11;
const VACANCY: usize = 9;

pub fn draw(frame: &mut Frame, area: Rect, stock: &StockScreen, view: &View) {
    if stock.card.is_some() {
        return draw_card(frame, area, stock, view);
    }
    let theme = view.theme;
    let width = usize::from(area.width);
    let counts = stock.counts();
    let tabs: Vec<(String, Style)> = state_tabs()
        .into_iter()
        .map(|state| {
            let n = match state {
                None => stock.dwellings.len(),
                Some(state) => counts.get(&state).copied().unwrap_or(0),
            };
            (
                format!("{} {}", texts::state_tab(state), count(n)),
                Style::default(),
            )
        })
        .collect();
    let active = state_tabs()
        .iter()
        .position(|t| *t == stock.state)
        .unwrap_or(0);
    let mut lines = vec![tab_bar(&tabs, active, width, theme)];
    lines.push(filter_line(stock, width, view));
    lines.push(rule(area.width, theme.border()));

    let code_width = stock
        .shown_dwellings()
        .map(|d| d.code.as_str().width())
        .max()
        .unwrap_or(0)
        .max(texts::COLUMNS[0].width());
    let fixed = 2 + code_width + 1 + [FLOOR, LIFT, AREA, ROOMS, ACCESSIBLE, STATE, VACANCY]
        .iter()
        .map(|w| w + 1)
        .sum::<usize>();
    let address_width = width.saturating_sub(fixed).max(8);
    let [code, address, floor, lift, net, rooms, accessible, state, vacancy] = texts::COLUMNS;
    lines.push(Line::from(Span::styled(
        format!(
            "  {} {} {floor:>FLOOR$} {} {net:>AREA$} {rooms:>ROOMS$} {} {} {vacancy:>VACANCY$}",
            pad(code, code_width),
            pad(address, address_width),
            pad(lift, LIFT),
            pad(accessible, ACCESSIBLE),
            pad(state, STATE),
        ),
        theme.bold(),
    )));
    if stock.shown.is_empty() {
        let text = if !stock.loaded {
            texts::LOADING.to_string()
        } else if stock.dwellings.is_empty() && stock.filter.is_empty() {
            let key = view.key(Action::Screen(NEW_DWELLING));
            format!("{} {}", texts::EMPTY_STOCK, texts::empty_stock_hint(&key))
        } else {
            texts::EMPTY_FILTERED.to_string()
        };
        lines.push(Line::from(format!("  {text}")));
    }
    let height = view.table_height(STOCK_CHROME);
    let today = view.today();
    for (i, dwelling) in stock
        .shown_dwellings()
        .enumerate()
        .skip(stock.list.offset)
        .take(height)
    {
        let is_cursor = i == stock.list.cursor;
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
                "{} {} {} {:>FLOOR$} {} {:>AREA$} {:>ROOMS$} {} {} {vacancy:>VACANCY$}",
                if is_cursor { "▶" } else { " " },
                pad(dwelling.code.as_str(), code_width),
                pad(&address_of(dwelling), address_width),
                dwelling.floor,
                pad(texts::yes_no(dwelling.lift), LIFT),
                m2(dwelling.net_area),
                dwelling.rooms,
                pad(texts::yes_no(dwelling.accessible), ACCESSIBLE),
                pad(texts::state_short(dwelling.state), STATE),
            ),
            style,
        )));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// The address with its staircase, as the register gives them.
fn address_of(dwelling: &Dwelling) -> String {
    match &dwelling.staircase {
        Some(staircase) => format!("{}, sc. {}", clean(&dwelling.address), clean(staircase)),
        None => clean(&dwelling.address),
    }
}

/// `52,50` without the unit, the column says m².
fn m2(area: crate::domain::stock::Area) -> String {
    let text = area.to_string();
    text.trim_end_matches(" m²").to_string()
}

/// The filters in force on the left, how many dwellings show on the right.
fn filter_line(stock: &StockScreen, width: usize, view: &View) -> Line<'static> {
    let mut parts = Vec::new();
    if let Some(size) = stock.filter.size {
        parts.push(texts::filter_size(size));
    }
    if stock.filter.accessible_only {
        parts.push(texts::FILTER_ACCESSIBLE_ON.to_string());
    }
    if let Some(days) = stock.filter.min_vacancy_days {
        parts.push(texts::filter_vacancy(days));
    }
    let filters = if parts.is_empty() {
        texts::NO_FILTERS.to_string()
    } else {
        parts.join(" · ")
    };
    let total = texts::shown_count(stock.shown.len(), stock.dwellings.len());
    let room = width.saturating_sub(total.width() + 3);
    let left = format!(" {}", fit(&filters, room));
    let fill = width.saturating_sub(left.width() + total.width() + 1);
    let style = if parts.is_empty() {
        view.theme.dim()
    } else {
        view.theme.bold()
    };
    Line::from(vec![
        Span::styled(left, style),
        Span::raw(" ".repeat(fill)),
        Span::raw(total),
    ])
}

/// Every field of the dwelling whose card is open.
fn draw_card(frame: &mut Frame, area: Rect, stock: &StockScreen, view: &View) {
    let theme = view.theme;
    let Some(dwelling) = stock.card_dwelling() else {
        let lines = vec![Line::from(format!(" {}", texts::CARD_GONE))];
        frame.render_widget(Paragraph::new(lines), area);
        return;
    };
    let today = view.today();
    let or_none = |value: Option<String>| value.unwrap_or_else(|| texts::NONE.to_string());
    let rows: Vec<(&str, String)> = vec![
        (texts::FIELD_CODE, dwelling.code.to_string()),
        (texts::FIELD_OWNER, dwelling.owner.label().to_string()),
        (texts::FIELD_ADDRESS, clean(&dwelling.address)),
        (texts::FIELD_STAIRCASE, or_none(dwelling.staircase.as_deref().map(clean))),
        (texts::FIELD_FLOOR, dwelling.floor.to_string()),
        (texts::FIELD_LIFT, texts::yes_no(dwelling.lift).to_string()),
        (texts::FIELD_NET_AREA, m2(dwelling.net_area)),
        (texts::FIELD_CONVENTIONAL_AREA, m2(dwelling.conventional_area)),
        (texts::FIELD_ROOMS, dwelling.rooms.to_string()),
        (texts::FIELD_ACCESSIBLE, texts::yes_no(dwelling.accessible).to_string()),
        (
            texts::FIELD_ENERGY_CLASS,
            or_none(dwelling.energy_class.map(|c| c.label().to_string())),
        ),
        (
            texts::FIELD_YEAR_BUILT,
            or_none(dwelling.year_built.map(|y| y.to_string())),
        ),
        (texts::FIELD_ZONE, dwelling.zone.label().to_string()),
        (texts::FIELD_STATE, dwelling.state.label().to_string()),
        (
            texts::FIELD_VACANT_SINCE,
            or_none(dwelling.vacant_since.map(format_date)),
        ),
        (
            texts::FIELD_VACANCY_DAYS,
            or_none(dwelling.vacancy_days(today).map(texts::days)),
        ),
    ];
    let label_width = rows.iter().map(|(l, _)| l.width()).max().unwrap_or(0) + 2;
    let value_width = usize::from(area.width).saturating_sub(label_width + 3);
    let mut lines = vec![
        Line::from(Span::styled(
            format!(
                " {}",
                texts::card_title(dwelling.code.as_str(), dwelling.state.label())
            ),
            theme.title(),
        )),
        rule(area.width, theme.border()),
    ];
    for (label, value) in rows {
        lines.push(Line::from(vec![
            Span::styled(format!("  {}", pad(label, label_width)), theme.bold()),
            Span::raw(fit(&value, value_width)),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// The status line: the dwelling under the cursor and how to open its card; on the card, how
/// to go back.
pub fn status(stock: &StockScreen, view: &View, width: usize) -> Line<'static> {
    let key = |action| view.global_key(action);
    let text = if stock.card.is_some() {
        texts::card_back(&key(Action::Back))
    } else {
        match stock.selected() {
            Some(dwelling) => texts::selected_line(
                dwelling.code.as_str(),
                &address_of(dwelling),
                &key(Action::Open),
            ),
            None => String::new(),
        }
    };
    Line::from(Span::styled(
        format!(" {}", fit(&text, width.saturating_sub(2))),
        view.theme.dim(),
    ))
}
