//! Agenda: the day's counter appointments.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::{AGENDA_CHROME, AgendaScreen};
use crate::tui::actions::Action;
use crate::tui::keymap::{Context, key_label};
use crate::tui::strings as s;
use crate::tui::view::{View, clean, fit, pad, rule};
use crate::domain::appointment::{Appointment, AppointmentState};
use crate::domain::time::{format_ts, format_ts_date, format_ts_time, rome_date};
use super::texts;

const TIME: usize = 5;
const NUMBER: usize = 11;
const FISCAL_CODE: usize = 16;
const PROTOCOL: usize = 11;

/// Column widths for a terminal `width` wide: the linked protocol from 100 columns, the place
/// from 118; at 80 both are in the line under the table.
struct Columns {
    name: usize,
    subject: usize,
    place: Option<usize>,
    protocol: bool,
}

impl Columns {
    fn for_width(width: usize) -> Columns {
        let protocol = width >= 100;
        let place = width >= 118;
        // marker, then each column with the two spaces before the next
        let mut fixed = 2 + TIME + 2 + NUMBER + 2 + 2 + FISCAL_CODE + 2;
        if protocol {
            fixed += 2 + PROTOCOL;
        }
        if place {
            fixed += 2;
        }
        let rest = width.saturating_sub(fixed);
        // The name gets half of what is left, or a third when the place shares it.
        let name = (rest / if place { 3 } else { 2 }).clamp(12, 24);
        let place_width = place.then(|| (rest.saturating_sub(name) / 2).max(10));
        Columns {
            name,
            subject: rest.saturating_sub(name + place_width.unwrap_or(0)).max(8),
            place: place_width,
            protocol,
        }
    }
}

pub fn draw(frame: &mut Frame, area: Rect, agenda: &AgendaScreen, view: &View) {
    let theme = view.theme;
    let width = usize::from(area.width);
    let mut lines = vec![day_line(agenda, view, width), rule(area.width, theme.border())];
    let columns = Columns::for_width(width);
    let [time, number, citizen, fiscal_code, subject, place, protocol] = texts::AGENDA_COLUMNS;
    let mut titles = format!(
        "  {}  {}  {}  {}  {}",
        pad(time, TIME),
        pad(number, NUMBER),
        pad(citizen, columns.name),
        pad(fiscal_code, FISCAL_CODE),
        pad(subject, columns.subject),
    );
    if let Some(width) = columns.place {
        titles.push_str(&format!("  {}", pad(place, width)));
    }
    if columns.protocol {
        titles.push_str(&format!("  {protocol}"));
    }
    lines.push(Line::from(Span::styled(titles, theme.bold())));
    if agenda.appointments.is_empty() {
        lines.push(Line::from(format!("  {}", texts::AGENDA_EMPTY)));
    }
    let height = view.table_height(AGENDA_CHROME);
    // The cursor is kept in sight even when the window shrank since it last moved.
    let offset = agenda
        .list
        .offset
        .min(agenda.list.cursor)
        .max((agenda.list.cursor + 1).saturating_sub(height));
    for (i, appointment) in agenda
        .appointments
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
    {
        lines.push(row(agenda, view, appointment, i == agenda.list.cursor, &columns));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// "Agenda · lunedì 02/12/2024 · oggi", and the day's count at the right.
fn day_line(agenda: &AgendaScreen, view: &View, width: usize) -> Line<'static> {
    let theme = view.theme;
    let Some(day) = agenda.day else {
        return Line::default();
    };
    let today = rome_date(view.now());
    let title = format!(
        " {}",
        texts::agenda_title(day, day.signed_duration_since(today).num_days())
    );
    let count = texts::agenda_count(agenda.appointments.len(), agenda.cancelled());
    let fill = width.saturating_sub(title.width() + count.width() + 1);
    Line::from(vec![
        Span::styled(title, theme.title()),
        Span::raw(" ".repeat(fill)),
        Span::raw(count),
    ])
}

fn row(agenda: &AgendaScreen, view: &View, appointment: &Appointment, is_cursor: bool, columns: &Columns) -> Line<'static> {
    let theme = view.theme;
    let base = if is_cursor {
        theme.cursor()
    } else {
        Style::default()
    };
    let (struck, subject) = match &appointment.state {
        AppointmentState::Prenotato => (base, clean(&appointment.subject)),
        // Struck where the terminal can, and said in words where it cannot.
        AppointmentState::Annullato { reason, .. } => (
            base.patch(theme.dim()).add_modifier(Modifier::CROSSED_OUT),
            texts::appointment_cancelled_cell(&clean(reason)),
        ),
    };
    let mut spans = vec![
        Span::styled(if is_cursor { "▶ " } else { "  " }, base),
        Span::styled(
            format!(
                "{}  {}  {}  {}",
                pad(&format_ts_time(appointment.slot.at), TIME),
                pad(&appointment.booking_number, NUMBER),
                pad(&clean(&appointment.citizen.name), columns.name),
                pad(appointment.citizen.fiscal_code.as_str(), FISCAL_CODE),
            ),
            struck,
        ),
        Span::styled("  ", base),
    ];
    let subject_style = if appointment.is_active() {
        base
    } else {
        base.patch(theme.warning())
    };
    spans.push(Span::styled(pad(&subject, columns.subject), subject_style));
    if let Some(width) = columns.place {
        spans.push(Span::styled("  ", base));
        spans.push(Span::styled(
            pad(&clean(&appointment.slot.place), width),
            struck,
        ));
    }
    if columns.protocol {
        let protocol = match agenda.protocol(appointment) {
            Some("") => s::NOT_REGISTERED.to_string(),
            Some(protocol) => protocol.to_string(),
            None => String::new(),
        };
        spans.push(Span::styled("  ", base));
        spans.push(Span::styled(pad(&protocol, PROTOCOL), base));
    }
    Line::from(spans)
}

/// The booking under the cursor, in full: what the table cuts or leaves out at this width.
pub fn status(agenda: &AgendaScreen, view: &View, width: usize) -> Line<'static> {
    let Some(appointment) = agenda.current() else {
        return Line::default();
    };
    let mut parts = vec![appointment.booking_number.clone()];
    if let AppointmentState::Annullato { at, reason } = &appointment.state {
        parts.push(texts::appointment_cancelled_on(&format_ts(*at), &clean(reason)));
    }
    if let Some(protocol) = agenda.protocol(appointment) {
        let open = view
            .keymap
            .first_key(Context::Global, Action::Open)
            .map(|k| key_label(&k))
            .unwrap_or_default();
        parts.push(texts::appointment_case(protocol, &open));
    }
    parts.push(clean(&appointment.slot.place));
    parts.push(clean(&appointment.subject));
    parts.push(texts::appointment_booked_by(
        &clean(&appointment.booked_by),
        &format_ts_date(appointment.booked_at),
    ));
    Line::from(Span::styled(
        format!(" {}", fit(&parts.join(" · "), width.saturating_sub(2))),
        view.theme.dim(),
    ))
}
