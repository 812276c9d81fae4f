//! Canoni: the month's counts and amounts, the pane tabs, the table of the month's notices or
//! of the arrears; or a tenant's ledger.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::{ISSUE, Pane, RECOMPUTE, RENT_CHROME, RentScreen, texts};
use crate::domain::rent::{PaymentChannel, RentNotice};
use crate::domain::time::format_date;
use crate::office::{ArrearsRow, NoticeStanding, RentMonthRow};
use crate::tui::actions::Action;
use crate::tui::view::{View, clean, fit, pad, rule, tab_bar};

/// Fixed columns of the month: lease, tenant, dwelling, band, amount; the state takes the rest.
const LEASE: usize = 11;
const TENANT: usize = 13;
/// The state column: «scaduto · 3 mesi · sollecitato» nearly fits.
const STATE: usize = 22;
const DWELLING: usize = 8;
const BAND: usize = 10;
const AMOUNT: usize = 9;

/// «dd/mm».
fn day_month(day: chrono::NaiveDate) -> String {
    day.format("%d/%m").to_string()
}

/// Where a notice stands, in words; a late one with the tenant's months in arrears when
/// `months` is given.
pub fn notice_state(notice: &RentNotice, standing: NoticeStanding, months: Option<u32>) -> String {
    let mut text = match standing {
        NoticeStanding::Paid => notice.payment.as_ref().map_or_else(String::new, |p| {
            texts::paid_on(
                &day_month(p.paid_on),
                p.channel == PaymentChannel::Sportello,
            )
        }),
        NoticeStanding::Rescheduled => texts::RESCHEDULED.to_string(),
        NoticeStanding::Late => match months {
            Some(months) => texts::late(months.max(1)),
            None => texts::LATE.to_string(),
        },
        NoticeStanding::DueSoon => texts::DUE_SOON.to_string(),
        NoticeStanding::Open => texts::OPEN.to_string(),
    };
    if standing == NoticeStanding::Late && notice.overdue_told_at.is_some() {
        text.push_str(texts::TOLD);
    } else if matches!(standing, NoticeStanding::DueSoon | NoticeStanding::Open)
        && notice.reminded_at.is_some()
    {
        text.push_str(texts::REMINDED);
    }
    text
}

pub fn draw(frame: &mut Frame, area: Rect, screen: &RentScreen, view: &View) {
    if let Some(recompute) = &screen.recompute {
        return super::recompute::draw(frame, area, recompute, view);
    }
    if screen.ledger.is_some() {
        return draw_ledger(frame, area, screen, view);
    }
    let theme = view.theme;
    let width = usize::from(area.width);
    let month = screen.month.map(|m| m.label()).unwrap_or_default();
    let mut lines = Vec::new();
    match &screen.view {
        Some(v) => {
            lines.push(Line::from(Span::styled(
                format!(
                    " {}",
                    fit(
                        &texts::month_line(
                            &v.month.label(),
                            v.issued.count,
                            v.paid.count,
                            v.open.count,
                            v.late.count
                        ),
                        width.saturating_sub(2)
                    )
                ),
                theme.title(),
            )));
            lines.push(Line::from(format!(
                " {}",
                fit(
                    &texts::amounts_line(
                        v.rows.first().map(|r| day_month(r.notice.due)).as_deref(),
                        &v.issued.amount.to_string(),
                        &v.paid.amount.to_string(),
                        v.due_soon.count,
                        v.within,
                        &v.late.amount.to_string(),
                    ),
                    width.saturating_sub(2)
                )
            )));
        }
        None => {
            lines.push(Line::from(format!(" {month}")));
            lines.push(Line::from(""));
        }
    }
    let tabs = vec![
        (texts::TAB_MONTH.to_string(), Style::default()),
        (
            format!("{} {}", texts::TAB_ARREARS, screen.arrears.len()),
            Style::default(),
        ),
    ];
    let active = usize::from(screen.pane == Pane::Arrears);
    let mut bar = tab_bar(&tabs, active, width, theme);
    if let Some(v) = &screen.view {
        let pending = texts::pending_line(v.to_issue, v.gpd_pending);
        let used = bar.width();
        let fill = width.saturating_sub(used + pending.width() + 1);
        bar.spans.push(Span::raw(" ".repeat(fill)));
        bar.spans.push(Span::styled(pending, theme.dim()));
    }
    lines.push(bar);
    lines.push(rule(area.width, theme.border()));
    let height = view.table_height(RENT_CHROME);
    match screen.pane {
        Pane::Month => month_table(&mut lines, screen, view, width, height, &month),
        Pane::Arrears => arrears_table(&mut lines, screen, view, width, height),
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn month_table(
    lines: &mut Vec<Line<'static>>,
    screen: &RentScreen,
    view: &View,
    width: usize,
    height: usize,
    month: &str,
) {
    let theme = view.theme;
    let fixed = 2 + [LEASE, DWELLING, BAND, AMOUNT, STATE]
        .iter()
        .map(|w| w + 1)
        .sum::<usize>();
    let tenant_width = width.saturating_sub(fixed).max(TENANT);
    let state_width = STATE;
    let [lease, tenant, dwelling, band, amount, state] = texts::MONTH_COLUMNS;
    lines.push(Line::from(Span::styled(
        format!(
            "  {} {} {} {} {amount:>AMOUNT$} {}",
            pad(lease, LEASE),
            pad(tenant, tenant_width),
            pad(dwelling, DWELLING),
            pad(band, BAND),
            pad(state, state_width)
        ),
        theme.bold(),
    )));
    if screen.rows().is_empty() {
        let text = if screen.loaded {
            texts::no_notices(month, &view.key(Action::Screen(ISSUE)))
        } else {
            texts::LOADING.to_string()
        };
        lines.push(Line::from(format!("  {}", fit(&text, width.saturating_sub(3)))));
        return;
    }
    for (i, row) in screen
        .rows()
        .iter()
        .enumerate()
        .skip(screen.list.offset)
        .take(height)
    {
        let is_cursor = i == screen.list.cursor;
        let style = if is_cursor {
            theme.cursor()
        } else if row.standing == NoticeStanding::Late {
            theme.warning()
        } else {
            Style::default()
        };
        lines.push(Line::from(Span::styled(
            month_row(row, is_cursor, tenant_width, state_width),
            style,
        )));
    }
}

fn month_row(
    row: &RentMonthRow,
    is_cursor: bool,
    tenant_width: usize,
    state_width: usize,
) -> String {
    format!(
        "{} {} {} {} {} {:>AMOUNT$} {}",
        if is_cursor { "▶" } else { " " },
        pad(&clean(&row.notice.lease), LEASE),
        pad(&clean(&row.tenant), tenant_width),
        pad(&row.dwelling, DWELLING),
        pad(&row.band, BAND),
        row.notice.amount.to_string(),
        pad(
            &notice_state(&row.notice, row.standing, Some(row.months_in_arrears)),
            state_width
        )
    )
}

/// Protocol, months, arrears and the decadenza flag or its suspension.
const PROTOCOL: usize = 11;
const MONTHS: usize = 4;
const FLAG: usize = 26;

fn arrears_table(
    lines: &mut Vec<Line<'static>>,
    screen: &RentScreen,
    view: &View,
    width: usize,
    height: usize,
) {
    let theme = view.theme;
    let fixed = 2 + [PROTOCOL, MONTHS, AMOUNT, FLAG]
        .iter()
        .map(|w| w + 1)
        .sum::<usize>();
    let name_width = width.saturating_sub(fixed).max(8);
    let [protocol, tenant, months, arrears, state] = texts::ARREARS_COLUMNS;
    lines.push(Line::from(Span::styled(
        format!(
            "  {} {} {months:>MONTHS$} {arrears:>AMOUNT$} {}",
            pad(protocol, PROTOCOL),
            pad(tenant, name_width),
            pad(state, FLAG)
        ),
        theme.bold(),
    )));
    if screen.arrears.is_empty() {
        lines.push(Line::from(format!("  {}", texts::NO_ARREARS)));
        return;
    }
    for (i, row) in screen
        .arrears
        .iter()
        .enumerate()
        .skip(screen.arrears_list.offset)
        .take(height)
    {
        let is_cursor = i == screen.arrears_list.cursor;
        let style = if is_cursor {
            theme.cursor()
        } else if row.flagged.is_some() {
            theme.warning()
        } else {
            Style::default()
        };
        lines.push(Line::from(Span::styled(
            arrears_row(row, is_cursor, name_width),
            style,
        )));
    }
}

pub fn arrears_state(row: &ArrearsRow) -> String {
    match (&row.suspension, row.flagged) {
        (Some(why), _) => texts::suspended(why),
        (None, Some(on)) => texts::flagged(&format_date(on)),
        (None, None) => texts::NOT_FLAGGED.to_string(),
    }
}

fn arrears_row(row: &ArrearsRow, is_cursor: bool, name_width: usize) -> String {
    format!(
        "{} {} {} {:>MONTHS$} {:>AMOUNT$} {}",
        if is_cursor { "▶" } else { " " },
        pad(&row.protocol, PROTOCOL),
        pad(&clean(&row.tenant), name_width),
        row.ledger.months_in_arrears,
        row.ledger.arrears.to_string(),
        pad(&arrears_state(row), FLAG)
    )
}

fn draw_ledger(frame: &mut Frame, area: Rect, screen: &RentScreen, view: &View) {
    let theme = view.theme;
    let Some((account, tenant, protocol)) = &screen.ledger else {
        return;
    };
    let width = usize::from(area.width).saturating_sub(3);
    let ledger = &account.ledger;
    let mut lines = vec![
        Line::from(Span::styled(
            format!(" {}", fit(&texts::ledger_title(&clean(tenant), protocol), width)),
            theme.title(),
        )),
        Line::from(format!(
            " {}",
            fit(
                &texts::ledger_line(
                    &ledger.issued.to_string(),
                    &ledger.paid.to_string(),
                    &ledger.arrears.to_string(),
                    ledger.months_in_arrears,
                    (ledger.current != crate::domain::money::Money::default())
                        .then(|| ledger.current.to_string())
                        .as_deref()
                ),
                width
            )
        )),
    ];
    if let Some(tenancy) = &account.tenancy {
        let mut notes = Vec::new();
        if let Some((on, _)) = tenancy.flagged {
            notes.push(format!("Segnalato per {}", texts::flagged(&format_date(on))));
        }
        if let Some(why) = tenancy.suspension() {
            notes.push(format!("Decadenza {}", texts::suspended(&why)));
        }
        if let Some(plan) = &tenancy.plan {
            notes.push(texts::plan_line(
                plan.instalments,
                &plan.instalment.to_string(),
                &plan.from.label(),
                plan.added,
            ));
        }
        for note in notes {
            lines.push(Line::from(Span::styled(
                format!(" {}", fit(&note, width)),
                theme.warning(),
            )));
        }
    }
    let isee = match &account.isee {
        Some(isee) => texts::isee_line(&isee.isee.to_string(), &format_date(isee.valid_until)),
        None => texts::NO_ISEE.to_string(),
    };
    lines.push(Line::from(Span::styled(
        format!(" {}", fit(&isee, width)),
        theme.dim(),
    )));
    lines.push(rule(area.width, theme.border()));
    let [month, notice, amount, due, state] = texts::LEDGER_COLUMNS;
    const MONTH: usize = 14;
    const NAV: usize = 22;
    const DUE_DAY: usize = 5;
    lines.push(Line::from(Span::styled(
        format!(
            "  {} {} {amount:>AMOUNT$} {} {state}",
            pad(month, MONTH),
            pad(notice, NAV),
            pad(due, DUE_DAY)
        ),
        theme.bold(),
    )));
    if account.notices.is_empty() {
        lines.push(Line::from(format!("  {}", texts::NO_NOTICES_YET)));
    }
    let today = view.today();
    for notice in &account.notices {
        let standing = NoticeStanding::of(notice, today, crate::office::REMIND_WITHIN_DAYS);
        let style = if standing == NoticeStanding::Late {
            theme.warning()
        } else {
            Style::default()
        };
        lines.push(Line::from(Span::styled(
            fit(
                &format!(
                    "  {} {} {:>AMOUNT$} {} {}",
                    pad(&notice.month.label(), MONTH),
                    pad(&notice.notice.grouped(), NAV),
                    notice.amount.to_string(),
                    pad(&day_month(notice.due), DUE_DAY),
                    notice_state(notice, standing, None)
                ),
                width + 2,
            ),
            style,
        )));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// The status line: the tenant under the cursor and how to open their ledger; on the ledger,
/// how to go back.
pub fn status(screen: &RentScreen, view: &View, width: usize) -> Line<'static> {
    let key = |action| view.global_key(action);
    let text = if screen.recompute.is_some() {
        texts::recompute_status(&view.key(Action::Screen(RECOMPUTE)), &key(Action::Back))
    } else if screen.ledger.is_some() {
        texts::ledger_back(&key(Action::Back))
    } else {
        match screen.pane {
            Pane::Month => screen.selected().map(|row| {
                texts::notice_line(&clean(&row.tenant), row.months_in_arrears, &key(Action::Open))
            }),
            Pane::Arrears => screen.selected_arrears().map(|row| {
                texts::notice_line(
                    &clean(&row.tenant),
                    row.ledger.months_in_arrears,
                    &key(Action::Open),
                )
            }),
        }
        .unwrap_or_default()
    };
    Line::from(Span::styled(
        format!(" {}", fit(&text, width.saturating_sub(2))),
        view.theme.dim(),
    ))
}
