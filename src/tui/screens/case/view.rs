//! Scheda domanda: where the application stands (deadline, fee, next appointment), household
//! with the dwelling's adequacy, requirements and conditions with who verified them, documents
//! and the case's timeline.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::CaseState;
use crate::tui::strings as s;
use crate::tui::view::{View, clean, cut, fit, pad};
use crate::domain::application::DocumentStatus;
use crate::domain::call::{Call, DocumentTrigger, Need};
use crate::domain::household::{Condition, adequate_area_m2};
use crate::domain::ruleset::TieBreak;
use crate::domain::scoring::LineStatus;
use crate::domain::time::{Timestamp, days_until, format_date, format_ts, rome_date, to_rome};
use crate::domain::verification::{CheckItem, Requirement};
use crate::domain::{Application, State};
use crate::tui::theme::Theme;
use super::texts;
use crate::office::{ContractState, LeaseAccount, PlacementView};
use crate::tui::screens::contracts::state_text;

/// Lines the timeline keeps however much the boxes above would take.
const TIMELINE_MIN: u16 = 3;

/// What the case is drawn from: the case, if one is open, and the console's look and time.
pub struct Sheet<'a> {
    pub case: &'a Option<CaseState>,
    pub theme: Theme,
    now: Timestamp,
    /// The application's place in an assignment round, when it has one.
    placement: Option<&'a PlacementView>,
    /// The application's signed lease and rent account, when it has a lease.
    lease: Option<&'a LeaseAccount>,
}

impl<'a> Sheet<'a> {
    pub fn new(case: &'a Option<CaseState>, view: &View) -> Sheet<'a> {
        Sheet {
            case,
            theme: view.theme,
            now: view.now(),
            placement: None,
            lease: None,
        }
    }

    pub fn with_placement(mut self, placement: Option<&'a PlacementView>) -> Sheet<'a> {
        self.placement = placement;
        self
    }

    pub fn with_lease(mut self, lease: Option<&'a LeaseAccount>) -> Sheet<'a> {
        self.lease = lease;
        self
    }

    fn now(&self) -> Timestamp {
        self.now
    }
}

/// Protocol, applicant and state, where the other screens have the header and tabs.
pub fn title(sheet: &Sheet, width: usize) -> Option<Line<'static>> {
    let case = sheet.case.as_ref()?;
    let a = &case.data.application;
    let protocol = a
        .protocol
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_else(|| s::NOT_REGISTERED.to_string());
    let text = format!(
        " {protocol} · {} · {} · {}",
        clean(&a.applicant_name()),
        a.applicant_fiscal_code(),
        a.state.label()
    );
    Some(Line::from(Span::styled(fit(&text, width), sheet.theme.title())))
}

fn boxed(title: &str, sheet: &Sheet) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(sheet.theme.border())
        .title(format!(" {title} "))
}

/// "dd/mm" in Rome.
fn day_month(at: Timestamp) -> String {
    to_rome(at).format("%d/%m").to_string()
}

pub fn draw(frame: &mut Frame, area: Rect, sheet: &Sheet) {
    let Some(case) = &sheet.case else {
        return;
    };
    let a = &case.data.application;
    let width = usize::from(area.width);
    let mut head = vec![state_line(sheet, a, width)];
    head.extend(fee_line(sheet, a, width));
    head.extend(appointment_line(sheet, width));
    head.push(contact_line(a, width));

    // The household takes 45 % of the width, requirements and conditions the rest.
    let left_w = u16::try_from(u32::from(area.width) * 45 / 100).unwrap_or(area.width / 2);
    let right_w = area.width - left_w;
    let household = household_lines(sheet, usize::from(left_w.saturating_sub(2)));
    let checks = check_lines(sheet, usize::from(right_w.saturating_sub(2)));
    let documents = document_lines(sheet, width.saturating_sub(2));
    let document_height = (documents.len() + 2).clamp(3, 6) as u16;
    let head_height = head.len() as u16;
    let room = area
        .height
        .saturating_sub(head_height + document_height + TIMELINE_MIN);
    let top_height = ((household.len().max(checks.len()) + 2) as u16).clamp(4, room.max(4));
    let [head_area, top, docs, timeline] = Layout::vertical([
        Constraint::Length(head_height),
        Constraint::Length(top_height),
        Constraint::Length(document_height),
        Constraint::Fill(1),
    ])
    .areas(area);

    frame.render_widget(Paragraph::new(head), head_area);
    let [left, right] =
        Layout::horizontal([Constraint::Length(left_w), Constraint::Length(right_w)]).areas(top);
    frame.render_widget(
        Paragraph::new(household).block(boxed(
            &format!("{} ({})", texts::BOX_HOUSEHOLD, a.household.len()),
            sheet,
        )),
        left,
    );
    frame.render_widget(
        Paragraph::new(checks).block(boxed(texts::BOX_CHECKS, sheet)),
        right,
    );
    frame.render_widget(
        Paragraph::new(documents).block(boxed(texts::BOX_DOCUMENTS, sheet)),
        docs,
    );
    let timeline = match sheet.lease {
        Some(lease) => draw_lease(frame, timeline, sheet, lease),
        None => draw_assignment(frame, timeline, sheet),
    };
    let score = score_lines(sheet, width.saturating_sub(2));
    let objections = objection_lines(sheet, width.saturating_sub(2));
    if score.is_empty() && objections.is_empty() {
        return draw_timeline(frame, timeline, sheet);
    }
    let boxed_height = |lines: &[Line]| if lines.is_empty() { 0 } else { lines.len() + 2 };
    let needed = boxed_height(&score) + boxed_height(&objections) + TIMELINE_SHARED;
    if needed <= usize::from(timeline.height) {
        let [score_area, objections_area, rest] = Layout::vertical([
            Constraint::Length(boxed_height(&score) as u16),
            Constraint::Length(boxed_height(&objections) as u16),
            Constraint::Fill(1),
        ])
        .areas(timeline);
        if !score.is_empty() {
            let title = score_title(sheet);
            frame.render_widget(Paragraph::new(score).block(boxed(&title, sheet)), score_area);
        }
        if !objections.is_empty() {
            let title = texts::objections_box(objections_count(sheet));
            frame.render_widget(
                Paragraph::new(objections).block(boxed(&title, sheet)),
                objections_area,
            );
        }
        draw_timeline(frame, rest, sheet);
    } else {
        draw_combined(frame, timeline, sheet, score, objections);
    }
}

/// The «Assegnazione» box over the timeline, when the application has a place in a round:
/// the rest of the area is returned for what follows.
fn draw_assignment(frame: &mut Frame, area: Rect, sheet: &Sheet) -> Rect {
    let Some(view) = sheet.placement else {
        return area;
    };
    let room = usize::from(area.height.saturating_sub(TIMELINE_MIN + 2));
    if room == 0 {
        return area;
    }
    let lines = assignment_lines(sheet, view, usize::from(area.width.saturating_sub(2)), room);
    let [boxed_area, rest] = Layout::vertical([
        Constraint::Length(lines.len() as u16 + 2),
        Constraint::Fill(1),
    ])
    .areas(area);
    let title = texts::assignment_box(&view.round.call);
    frame.render_widget(Paragraph::new(lines).block(boxed(&title, sheet)), boxed_area);
    rest
}

/// The «Contratto e canone» box over the timeline, once the lease is signed (it takes the
/// assignment box's place): the lease, its rent and computation as far as room goes, the
/// ledger; the rest of the area is returned.
fn draw_lease(frame: &mut Frame, area: Rect, sheet: &Sheet, lease: &LeaseAccount) -> Rect {
    let room = usize::from(area.height.saturating_sub(TIMELINE_MIN + 2));
    if room == 0 {
        return area;
    }
    let width = usize::from(area.width.saturating_sub(3));
    let theme = sheet.theme;
    let line = |text: String, style: Style| {
        Line::from(Span::styled(format!(" {}", fit(&text, width)), style))
    };
    let l = &lease.lease;
    let ledger = &lease.account.ledger;
    let mut lines = vec![
        line(
            texts::lease_head(
                l.number.as_str(),
                l.dwelling.as_str(),
                &format_date(l.signed_on),
                &format_date(l.starts_on),
                &format_date(l.ends_on()),
            ),
            theme.bold(),
        ),
        line(
            texts::lease_ledger(
                &ledger.paid.to_string(),
                &ledger.arrears.to_string(),
                ledger.months_in_arrears,
                &ledger.current.to_string(),
            ),
            if ledger.months_in_arrears > 0 {
                theme.warning()
            } else {
                Style::default()
            },
        ),
    ];
    if let Some(tenancy) = &lease.account.tenancy {
        if let Some(why) = tenancy.suspension() {
            lines.push(line(texts::lease_suspended(&why), theme.warning()));
        } else if let Some((on, months)) = tenancy.flagged {
            lines.push(line(texts::lease_flagged(&format_date(on), months), theme.warning()));
        }
    }
    let steps: Vec<String> = l
        .rent
        .steps
        .iter()
        .enumerate()
        .map(|(n, step)| format!("  {}. {}", n + 1, step.text))
        .collect();
    // The computation step by step where there is room, else how many steps it took.
    let fits = room >= lines.len() + 1 + steps.len();
    let rent = texts::lease_rent(&l.current_rent().format_plain(), &l.rent.version, &l.rent.band);
    if fits {
        lines.push(line(format!("{rent}:"), Style::default()));
        for step in steps {
            lines.push(line(step, theme.dim()));
        }
    } else {
        lines.push(line(
            format!("{rent} · {}", texts::steps_elsewhere(steps.len())),
            Style::default(),
        ));
    }
    // What the next yearly update follows, where there is room for it.
    lines.push(line(
        match &l.isee {
            Some(isee) => {
                texts::lease_isee(&isee.isee.to_string(), &format_date(isee.valid_until))
            }
            None => texts::LEASE_NO_ISEE.to_string(),
        },
        theme.dim(),
    ));
    lines.truncate(room);
    let [boxed_area, rest] = Layout::vertical([
        Constraint::Length(lines.len() as u16 + 2),
        Constraint::Fill(1),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(lines).block(boxed(texts::LEASE_BOX, sheet)),
        boxed_area,
    );
    rest
}

/// Position and standing with the dwelling held; the free dwellings that suit the household
/// on one line; those that do not, each with why, as far as `room` lines go, the rest counted.
fn assignment_lines(
    sheet: &Sheet,
    view: &PlacementView,
    width: usize,
    room: usize,
) -> Vec<Line<'static>> {
    let theme = sheet.theme;
    let width = width.saturating_sub(1);
    let line = |text: String, style: Style| {
        Line::from(Span::styled(format!(" {}", fit(&text, width)), style))
    };
    let today = rome_date(sheet.now());
    let place = &view.placement;
    let held = view
        .dwelling
        .as_ref()
        .map(|d| texts::assignment_dwelling(&clean(&d.address), &d.net_area.to_string()));
    let mut lines = vec![line(
        texts::assignment_standing(place.position, &place.status_text(today), held.as_deref()),
        theme.bold(),
    )];
    let adequate: Vec<String> = view
        .free
        .iter()
        .filter(|(_, _, fits)| *fits)
        .map(|(d, _, _)| format!("{} {}", d.code, d.net_area))
        .collect();
    // Where the contract stands, from the decree to the signature.
    if let Some(row) = sheet.case.as_ref().and_then(|c| c.data.contract.as_ref()) {
        lines.push(line(texts::contract_line(&contract_state(&row.state)), theme.bold()));
    }
    lines.push(line(texts::adequate_free(&adequate), Style::default()));
    let others: Vec<_> = view.free.iter().filter(|(_, _, fits)| !fits).collect();
    let left = room.saturating_sub(lines.len());
    let shown = if others.len() > left {
        left.saturating_sub(1)
    } else {
        others.len()
    };
    for (dwelling, why, _) in others.iter().take(shown) {
        let text = format!("✗ {} {} · {why}", dwelling.code, dwelling.net_area);
        lines.push(line(text, theme.dim()));
    }
    if others.len() > shown && left > 0 {
        lines.push(line(texts::more_unsuitable(others.len() - shown), theme.dim()));
    }
    lines.truncate(room);
    lines
}

/// The contract's state as the Contratti list says it, with where the signature is booked.
fn contract_state(state: &ContractState) -> String {
    let text = state_text(state);
    match state {
        ContractState::Booked { place, .. } => format!("{text} · {}", clean(place)),
        _ => text,
    }
}

/// Lines the timeline keeps under the score's boxes before they share one scrolled box.
const TIMELINE_SHARED: usize = 5;

fn objections_count(sheet: &Sheet) -> usize {
    sheet.case
        .as_ref()
        .map_or(0, |c| c.data.application.objections.len())
}

fn score_title(sheet: &Sheet) -> String {
    match sheet.case.as_ref().and_then(|c| c.data.score.as_ref()) {
        Some(score) => texts::score_box(&score.total().to_string()),
        None => s::BOX_SCORE.to_string(),
    }
}

/// Score, objections and timeline in one box, scrolled together: what a small terminal shows
/// when they do not all fit.
fn draw_combined(
    frame: &mut Frame,
    area: Rect,
    sheet: &Sheet,
    score: Vec<Line<'static>>,
    objections: Vec<Line<'static>>,
) {
    let Some(case) = &sheet.case else {
        return;
    };
    let theme = sheet.theme;
    let mut lines = Vec::new();
    let heading = |text: String| Line::from(Span::styled(format!(" {text}"), theme.title()));
    if !score.is_empty() {
        lines.extend(score);
    }
    if !objections.is_empty() {
        lines.push(heading(texts::objections_box(objections_count(sheet))));
        lines.extend(objections);
    }
    lines.push(heading(texts::BOX_TIMELINE_RECENT.to_string()));
    let height = usize::from(area.height.saturating_sub(2));
    // Only the timeline's lines in view are made: a case of many years has hundreds.
    let above = lines.len();
    let total = above + timeline_len(case);
    let start = case.scroll.min(total.saturating_sub(height));
    let from = start.saturating_sub(above);
    let room = (start + height).saturating_sub(above.max(start));
    lines.extend(timeline_window(sheet, case, from, room));
    let lines: Vec<Line> = lines.into_iter().skip(start.min(above)).collect();
    let score = case.data.score.is_some().then(|| score_title(sheet));
    let title = texts::combined_box(
        score.as_deref(),
        objections_count(sheet) > 0,
        start + 1,
        (start + height).min(total),
        total,
    );
    let shown: Vec<Line> = lines.into_iter().take(height).collect();
    frame.render_widget(Paragraph::new(shown).block(boxed(&title, sheet)), area);
}

/// The history's entries not read with the case: the Registro di controllo has them.
fn older_entries(case: &CaseState) -> usize {
    case.data
        .events_total
        .saturating_sub(case.data.events.len())
}

/// The timeline's lines: its entries, newest first, and one naming the older ones not read.
fn timeline_len(case: &CaseState) -> usize {
    case.data.events.len() + usize::from(older_entries(case) > 0)
}

/// The timeline's lines `skip..skip + take`, made only for those.
fn timeline_window(
    sheet: &Sheet,
    case: &CaseState,
    skip: usize,
    take: usize,
) -> Vec<Line<'static>> {
    let theme = sheet.theme;
    let events = &case.data.events;
    let mut lines: Vec<Line<'static>> = events
        .iter()
        .rev()
        .skip(skip)
        .take(take)
        .map(|(_, event)| {
            Line::from(vec![
                Span::styled(format!(" {} ", format_ts(event.at)), theme.dim()),
                Span::raw(format!("{:<10} ", fit(&clean(&event.actor), 10))),
                Span::raw(clean(&event.summary())),
            ])
        })
        .collect();
    let older = older_entries(case);
    if older > 0 && lines.len() < take && skip + lines.len() == events.len() {
        lines.push(Line::from(Span::styled(
            format!(" {}", texts::older_entries(older)),
            theme.dim(),
        )));
    }
    lines
}

/// One line per criterion that applies, was declared or was adjusted; the blocks with their
/// caps, the total, and the values the tie-break chain compares.
fn score_lines(sheet: &Sheet, width: usize) -> Vec<Line<'static>> {
    let Some(case) = &sheet.case else {
        return Vec::new();
    };
    let (Some(score), Some(ruleset)) = (&case.data.score, &case.data.ruleset) else {
        return Vec::new();
    };
    let theme = sheet.theme;
    let wide = width >= 110;
    let text_width = if wide { 50 } else { 38 };
    let mut lines = Vec::new();
    for line in &score.lines {
        let (mark, style) = match (&line.status, line.overridden) {
            (LineStatus::NotMet, None) => continue,
            (LineStatus::Counted, _) => ("✓", theme.ok()),
            (LineStatus::NotVerified, _) => ("?", theme.warning()),
            (LineStatus::Beaten { .. }, _) => ("✗", theme.dim()),
            (LineStatus::NotMet, Some(_)) => ("✗", theme.error()),
        };
        let text = clean(&line.label);
        let shown = match (&line.status, line.overridden) {
            (LineStatus::NotVerified, None) => line.computed,
            _ => line.points,
        };
        let mut tail = Vec::new();
        if !line.value.is_empty() {
            tail.push(clean(&line.value));
        }
        if line.overridden.is_some() {
            tail.push(texts::overridden_from(&line.computed.to_string()));
        }
        match &line.status {
            LineStatus::Beaten { by } => tail.push(texts::beaten_by(&clean(by))),
            LineStatus::NotVerified => tail.push(texts::NOT_VERIFIED_YET.to_string()),
            _ => {}
        }
        if !line.evidence.is_empty() {
            tail.push(clean(&line.evidence));
        }
        let mut tail = tail.join(" · ");
        if wide && let (Some(by), Some(at)) = (&line.verified_by, line.verified_at) {
            tail = format!("{tail} · {} {}", clean(by), day_month(at));
        }
        let tail_width = width.saturating_sub(3 + text_width + 7 + 1).max(8);
        // Criterion and evidence each wrap in their column: the box scrolls, nothing is cut.
        let label = crate::tui::view::wrap(&text, text_width);
        let tail = if tail.is_empty() {
            Vec::new()
        } else {
            crate::tui::view::wrap(&tail, tail_width)
        };
        for row in 0..label.len().max(tail.len()).max(1) {
            let points = if row == 0 {
                format!(" {:>5} ", shown.to_string())
            } else {
                " ".repeat(7)
            };
            lines.push(Line::from(vec![
                Span::raw(" "),
                Span::styled(if row == 0 { mark } else { " " }, style),
                Span::raw(" "),
                Span::raw(pad(label.get(row).map_or("", String::as_str), text_width)),
                Span::styled(points, theme.bold()),
                Span::styled(tail.get(row).cloned().unwrap_or_default(), theme.dim()),
            ]));
        }
    }
    for block in [&score.subjective, &score.objective] {
        let name = match block.block {
            crate::domain::ruleset::Block::Soggettivo => texts::BLOCK_SUBJECTIVE,
            crate::domain::ruleset::Block::Oggettivo => texts::BLOCK_OBJECTIVE,
        };
        let mut spans = vec![Span::raw(format!(
            " {}",
            texts::block_total(
                name,
                &block.total.to_string(),
                block.cap.map(|c| c.to_string()).as_deref()
            )
        ))];
        if block.capped() {
            spans.push(Span::styled(
                format!(" · {}", texts::cap_applied(&block.sum.to_string())),
                theme.warning(),
            ));
        }
        lines.extend(wrap_spans(spans, width));
    }
    lines.push(cut(
        vec![Span::styled(
            format!(" {}", texts::score_total(&score.total().to_string())),
            theme.bold(),
        )],
        width,
    ));
    let a = &case.data.application;
    let values: Vec<String> = ruleset
        .tie_breaks
        .iter()
        .map(|link| match link {
            TieBreak::IseeMinore => s::isee_value(&a.declaration.isee.to_string()),
            TieBreak::PuntiOggettivi => texts::tie_objective(&score.objective.total.to_string()),
            TieBreak::PuntiSoggettivi => texts::tie_subjective(&score.subjective.total.to_string()),
            TieBreak::PiuComponenti => s::members(u32::try_from(a.household.len()).unwrap_or(0)),
            TieBreak::Protocollo => match (&a.protocol, a.registered_at) {
                (Some(p), Some(at)) => texts::tie_protocol(&format_date(rome_date(at)), &p.to_string()),
                _ => texts::tie_protocol(s::NOT_REGISTERED, s::NOT_REGISTERED),
            },
        })
        .collect();
    lines.extend(wrap_spans(
        vec![Span::styled(
            format!(" {}", texts::tie_values(&values.join(" · "))),
            theme.dim(),
        )],
        width,
    ));
    lines
}

/// Styled text word-wrapped to `width` columns, each continuation indented by three; a word
/// keeps the style of the span it came from.
fn wrap_spans(spans: Vec<Span<'static>>, width: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut line: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for span in spans {
        for (i, word) in span.content.split(' ').enumerate() {
            let word = if i > 0 { format!(" {word}") } else { word.to_string() };
            let w = word.width();
            if used + w > width && used > 3 {
                lines.push(Line::from(std::mem::take(&mut line)));
                line.push(Span::raw("   "));
                used = 3;
                let word = word.trim_start().to_string();
                used += word.width();
                line.push(Span::styled(word, span.style));
            } else {
                used += w;
                line.push(Span::styled(word, span.style));
            }
        }
    }
    if !line.is_empty() {
        lines.push(Line::from(line));
    }
    lines
}

/// Each objection: when it arrived and against which version, then its text and its decision.
fn objection_lines(sheet: &Sheet, width: usize) -> Vec<Line<'static>> {
    let Some(case) = &sheet.case else {
        return Vec::new();
    };
    let theme = sheet.theme;
    let mut lines = Vec::new();
    for (i, objection) in case.data.application.objections.iter().enumerate() {
        let received = texts::objection_received(
            i + 1,
            &format_date(objection.received_on),
            objection.version,
        );
        let (decision, style) = match &objection.decision {
            None => (s::OBJECTION_TO_DECIDE.to_string(), theme.warning()),
            Some(d) => (
                texts::objection_decided(
                    d.accepted,
                    &format_date(rome_date(d.at)),
                    &clean(&d.by),
                    &clean(&d.reason),
                ),
                if d.accepted {
                    theme.ok()
                } else {
                    Style::default()
                },
            ),
        };
        lines.push(cut(
            vec![
                Span::raw(format!(" {received} · ")),
                Span::styled(decision, style),
            ],
            width,
        ));
        lines.push(Line::from(Span::styled(
            fit(&format!("   «{}»", clean(&objection.text)), width),
            theme.dim(),
        )));
    }
    lines
}

fn draw_timeline(frame: &mut Frame, area: Rect, sheet: &Sheet) {
    let Some(case) = &sheet.case else {
        return;
    };
    let total = timeline_len(case);
    let height = usize::from(area.height.saturating_sub(2));
    let start = case.scroll.min(total.saturating_sub(height));
    // Newest first: what was just done is what a small terminal must still show.
    let lines = timeline_window(sheet, case, start, height);
    let title = if total > height {
        format!(
            "{} ({}–{} di {})",
            texts::BOX_TIMELINE_RECENT,
            start + 1,
            (start + height).min(total),
            total
        )
    } else {
        texts::BOX_TIMELINE_RECENT.to_string()
    };
    frame.render_widget(Paragraph::new(lines).block(boxed(&title, sheet)), area);
}

/// When the application got where it is, and what it waits for: the integration's deadline,
/// or the decision taken. The state itself is in the title.
fn state_line(sheet: &Sheet, a: &Application, width: usize) -> Line<'static> {
    let theme = sheet.theme;
    let now = sheet.now();
    let day = |at: Timestamp| format_date(rome_date(at));
    let mut spans = Vec::new();
    match (&a.state, &a.integration, &a.decision) {
        (State::IntegrazioneRichiesta, Some(request), _) => {
            let days = days_until(request.deadline, now);
            let style = match days {
                ..0 => theme.error(),
                0..=3 => theme.warning(),
                _ => Style::default(),
            };
            let deadline = request.deadline.format("%d/%m").to_string();
            spans.push(Span::styled(
                format!(" {}", texts::case_integration(&day(request.requested_at))),
                theme.bold(),
            ));
            spans.push(Span::styled(
                format!(": {}", texts::integration_left(&deadline, days)),
                style,
            ));
        }
        (State::InIstruttoria, _, _) if a.refusal_notice.is_some() => {
            if let Some(notice) = &a.refusal_notice {
                spans.push(Span::styled(
                    format!(
                        " {}",
                        texts::refusal_notice(&rome_date(notice.sent_at).format("%d/%m").to_string())
                    ),
                    theme.bold(),
                ));
                let (text, style) = match &notice.observations {
                    Some(o) => (
                        texts::observations_received(&format_date(o.received_on)),
                        theme.warning(),
                    ),
                    None => {
                        let days = days_until(notice.deadline, now);
                        let deadline = notice.deadline.format("%d/%m").to_string();
                        let style = if days < 0 {
                            theme.warning()
                        } else {
                            Style::default()
                        };
                        (texts::observations_due(&deadline, days), style)
                    }
                };
                spans.push(Span::styled(format!(" · {text}"), style));
            }
        }
        (State::Ammessa | State::Esclusa, _, Some(decision)) => {
            spans.push(Span::styled(
                format!(
                    " {}",
                    texts::case_decision(decision.admitted, &day(decision.at), &clean(&decision.by))
                ),
                theme.bold(),
            ));
            let mut text = String::new();
            if let Some(reason) = decision.reason {
                text.push_str(&format!(": {}", reason.label()));
            }
            if !decision.note.is_empty() {
                text.push_str(&format!(" · {}", clean(&decision.note)));
            }
            spans.push(Span::raw(text));
        }
        _ => {
            spans.push(Span::raw(format!(
                " {}",
                texts::case_received(&day(a.received_at))
            )));
            if let Some(at) = a.registered_at {
                spans.push(Span::raw(format!(" · {}", texts::case_registered(&day(at)))));
            }
        }
    }
    if a.late {
        spans.push(Span::styled(
            format!(" · {}", texts::LATE_APPLICATION),
            theme.warning(),
        ));
    }
    cut(spans, width)
}

/// "Spese di segreteria: avviso … 25,00 € entro 30/11 · non pagato · 1 promemoria".
fn fee_line(sheet: &Sheet, a: &Application, width: usize) -> Option<Line<'static>> {
    let fee = a.fee.as_ref()?;
    let theme = sheet.theme;
    let today = rome_date(sheet.now());
    let due = fee.due.format("%d/%m").to_string();
    let (status, style) = match &fee.payment {
        Some(payment) => (texts::fee_paid(&format_date(payment.paid_on)), theme.ok()),
        None if fee.is_late(today) => (texts::fee_late(-days_until(fee.due, sheet.now())), theme.error()),
        None => (texts::FEE_UNPAID.to_string(), theme.warning()),
    };
    let mut tail = vec![Span::styled(format!(" · {status}"), style)];
    if !fee.reminders.is_empty() {
        tail.push(Span::raw(format!(
            " · {}",
            texts::reminders(fee.reminders.len())
        )));
    }
    let tail_width: usize = tail.iter().map(|s| s.content.width()).sum();
    let amount = fee.amount.to_string();
    let full = fee.notice.as_str().to_string();
    let head = |notice: &str| format!(" {}: {}", texts::CASE_FEE, texts::fee_notice(notice, &amount, &due));
    // The number is the least needed part: shortened first when the line is too long.
    let mut text = head(&full);
    if text.width() + tail_width > width {
        let short: String = full.chars().take(4).chain(std::iter::once('…')).collect();
        text = head(&short);
    }
    let mut spans = vec![Span::raw(text)];
    spans.extend(tail);
    Some(cut(spans, width))
}

/// The next active booking about the application, if there is one still to come.
fn appointment_line(sheet: &Sheet, width: usize) -> Option<Line<'static>> {
    let case = sheet.case.as_ref()?;
    let now = sheet.now();
    let next = case.data.appointments.iter().find(|b| b.slot.at >= now)?;
    let text = format!(
        " {}: {} {} · {} · {}",
        texts::NEXT_APPOINTMENT,
        format_date(rome_date(next.slot.at)),
        crate::domain::time::format_ts_time(next.slot.at),
        clean(&next.subject),
        clean(&next.slot.place)
    );
    Some(Line::from(Span::styled(
        fit(&text, width),
        sheet.theme.bold(),
    )))
}

fn contact_line(a: &Application, width: usize) -> Line<'static> {
    let c = &a.contact;
    let text = format!(
        " {}: {} · {} · {}, {} {} {}",
        texts::BOX_CONTACT,
        c.email.as_deref().map(clean).unwrap_or_else(|| "—".into()),
        c.phone.as_deref().map(clean).unwrap_or_else(|| "—".into()),
        clean(&c.address.street),
        clean(&c.address.postcode),
        clean(&c.address.municipality),
        clean(&c.address.province),
    );
    Line::from(fit(&text, width))
}

/// Members (flagged when also in another application of the call), then the current home's
/// area against the household's minimum.
fn household_lines(sheet: &Sheet, width: usize) -> Vec<Line<'static>> {
    let Some(case) = &sheet.case else {
        return Vec::new();
    };
    let theme = sheet.theme;
    let a = &case.data.application;
    let today = rome_date(sheet.now());
    // Scoring counts ages on the call's reference date: where it gives another age, both show.
    let reference = case.data.call.as_ref().map(|c| c.reference_date());
    let mut lines = Vec::new();
    for m in a.household.members() {
        let years = crate::domain::time::age_on(m.birth_date, today);
        let age = texts::age(years);
        let name_width = width.saturating_sub(18).max(4);
        let line = format!(
            " {} {} {:>4}",
            pad(&clean(&m.full_name()), name_width),
            pad(m.relation.label(), 11),
            age
        );
        let at_reference = reference
            .map(|day| crate::domain::time::age_on(m.birth_date, day))
            .filter(|then| *then != years)
            .map(|then| format!("({})", texts::age_at_reference(then)));
        let line = match at_reference {
            Some(then) if line.width() + 1 + then.width() <= width => format!("{line} {then}"),
            Some(then) => {
                lines.push(Line::from(line));
                format!("   {then}")
            }
            None => line,
        };
        let others: Vec<String> = case
            .data
            .shared
            .iter()
            .filter(|sm| sm.fiscal_code == m.fiscal_code.as_str())
            .map(|sm| {
                if sm.other_protocol.is_empty() {
                    sm.other.to_string()
                } else {
                    clean(&sm.other_protocol)
                }
            })
            .collect();
        if others.is_empty() {
            lines.push(Line::from(line));
            continue;
        }
        let flag = texts::also_in(&others.join(", "));
        if line.width() + 2 + flag.width() <= width {
            lines.push(Line::from(vec![
                Span::raw(line),
                Span::styled(format!("  {flag}"), theme.warning()),
            ]));
        } else {
            lines.push(Line::from(line));
            lines.push(Line::from(Span::styled(
                fit(&format!("   {flag}"), width),
                theme.warning(),
            )));
        }
    }
    if let Some(area) = a.declaration.current_home_m2 {
        let people = a.household.len();
        let minimum = adequate_area_m2(people);
        let adequate = area >= minimum;
        let declared = a.declaration.has(Condition::AlloggioInadeguato);
        let style = if adequate {
            Style::default()
        } else {
            theme.bold()
        };
        let full = format!(" {}", texts::adequacy(area, minimum, people, adequate));
        if full.width() <= width {
            lines.push(Line::from(Span::styled(full, style)));
        } else {
            // Narrow: the verdict first, the measure it rests on below.
            let verdict = format!(" {}", texts::adequacy_verdict(area, adequate));
            let measure = format!("   {}", texts::adequacy_minimum(minimum, people));
            lines.push(Line::from(Span::styled(fit(&verdict, width), style)));
            lines.push(Line::from(fit(&measure, width)));
        }
        if declared && adequate {
            lines.push(Line::from(Span::styled(
                fit(&format!(" {}", texts::DECLARED_INADEQUATE_BUT_NOT), width),
                theme.error(),
            )));
        } else if !declared && !adequate {
            lines.push(Line::from(Span::styled(
                fit(&format!("   ({})", texts::INADEQUATE_NOT_DECLARED), width),
                theme.dim(),
            )));
        }
    }
    lines
}

/// The ISEE limit that applies to the household: raised for one person.
/// What each requirement line says the applicant declared, and what it is checked against.
fn requirement_text(a: &Application, call: Option<&Call>, r: Requirement) -> (String, String) {
    let d = &a.declaration;
    match r {
        Requirement::Cittadinanza => (
            texts::citizenship_short(d.citizenship).to_string(),
            String::new(),
        ),
        Requirement::ResidenzaOLavoro => match d.tie {
            crate::domain::household::ComuneTie::Residenza => {
                (texts::residence_years(d.residence_years), String::new())
            }
            crate::domain::household::ComuneTie::Lavoro => {
                (texts::WORK_IN_COMUNE.to_string(), String::new())
            }
        },
        Requirement::Isee => (
            format!("{} {}", texts::requirement_short(r), d.isee),
            call.map(|c| texts::isee_limit(&c.isee_limit_for(a.household.len()).to_string()))
                .unwrap_or_default(),
        ),
        _ => (texts::requirement_short(r).to_string(), String::new()),
    }
}

/// Whether a declared condition's proving document is not in.
fn condition_without_document(a: &Application, call: Option<&Call>, condition: Condition) -> bool {
    let Some(trigger) = DocumentTrigger::for_condition(condition) else {
        return false;
    };
    call.is_some_and(|call| {
        call.documents.iter().any(|doc| {
            doc.needed_for.contains(&trigger)
                && !matches!(
                    a.documents.get(&doc.code),
                    Some(DocumentStatus::Ricevuto { .. })
                )
        })
    })
}

/// One line per requirement and declared condition: ✓ verified, ✗ found not met, ? still to
/// verify, with who decided and when; a condition without its document says so.
fn check_lines(sheet: &Sheet, width: usize) -> Vec<Line<'static>> {
    let Some(case) = &sheet.case else {
        return Vec::new();
    };
    let theme = sheet.theme;
    let a = &case.data.application;
    let call = case.data.call.as_ref();
    a.check_items()
        .into_iter()
        .flat_map(|item| {
            let (label, detail) = match item {
                CheckItem::Requisito(r) => requirement_text(a, call, r),
                CheckItem::Condizione(c) => (c.label().to_string(), String::new()),
            };
            let missing = match item {
                CheckItem::Condizione(c) => condition_without_document(a, call, c),
                CheckItem::Requisito(_) => false,
            };
            let finding = a.verifications.get(&item);
            check_line(
                theme,
                width,
                CheckLine {
                    label,
                    detail,
                    missing,
                    finding,
                },
            )
        })
        .collect()
}

struct CheckLine<'a> {
    label: String,
    detail: String,
    missing: bool,
    finding: Option<&'a crate::domain::verification::Verification>,
}

/// A check's line; what does not fit of its text goes on the lines under it, and the name of
/// who verified it is never cut.
fn check_line(theme: Theme, width: usize, line: CheckLine) -> Vec<Line<'static>> {
    let (mark, mark_style) = match line.finding {
        Some(v) if v.verified => ("✓", theme.ok()),
        Some(_) => ("✗", theme.error()),
        None => ("?", theme.warning()),
    };
    let mut suffix = Vec::new();
    if line.missing {
        suffix.push(Span::styled(
            format!(" {}", texts::MISSING_DOCUMENT),
            theme.warning(),
        ));
    }
    if let Some(v) = line.finding {
        suffix.push(Span::styled(
            format!(" {} {}", clean(&v.by), day_month(v.at)),
            theme.dim(),
        ));
    }
    let suffix_width: usize = suffix.iter().map(|s| s.content.width()).sum();
    // The suffix starts with its own space; one column is left free at the end, so that it
    // does not touch the border.
    let gap = usize::from(suffix.is_empty());
    let room = width.saturating_sub(3 + gap + suffix_width + 1).max(8);
    let mut text = clean(&line.label);
    // What explains the finding comes after the label, when it starts on the label's line.
    let note = line
        .finding
        .filter(|v| !v.verified && !v.note.is_empty())
        .map(|v| clean(&v.note))
        .unwrap_or(line.detail);
    if !note.is_empty() && text.width() + 3 + 8 <= room {
        text = format!("{text} · {note}");
    }
    let mut wrapped = crate::tui::view::wrap(&text, room).into_iter();
    let first = wrapped.next().unwrap_or_default();
    let mut spans = vec![
        Span::raw(" "),
        Span::styled(mark, mark_style),
        Span::raw(" "),
        Span::raw(pad(&first, room)),
        Span::raw(" ".repeat(gap)),
    ];
    spans.extend(suffix);
    let mut lines = vec![cut(spans, width)];
    lines.extend(wrapped.map(|rest| Line::from(format!("   {rest}"))));
    lines
}

/// Each document of the checklist: ✓ received, ✗ missing, ⊘ rejected (with the reason); an
/// optional one not handed in is left out.
fn document_spans(sheet: &Sheet) -> Vec<Span<'static>> {
    let Some(case) = &sheet.case else {
        return Vec::new();
    };
    let a = &case.data.application;
    let theme = sheet.theme;
    let Some(call) = &case.data.call else {
        return vec![Span::raw(" —")];
    };
    let mut spans = Vec::new();
    for (doc, need) in call.checklist(a) {
        let status = a.documents.get(&doc.code);
        let (mark, style, note) = match (status, need) {
            (Some(DocumentStatus::Ricevuto { .. }), _) => ("✓", Style::default(), String::new()),
            (Some(DocumentStatus::Respinto { note }), _) => {
                ("⊘", theme.error(), format!(" ({})", clean(note)))
            }
            (None, Need::Optional) => continue,
            (_, _) => {
                let requested = a
                    .integration
                    .as_ref()
                    .is_some_and(|i| i.documents.contains(&doc.code));
                let note = if requested {
                    format!(" ({})", texts::DOC_REQUESTED)
                } else {
                    String::new()
                };
                ("✗", theme.error(), note)
            }
        };
        spans.push(Span::styled(
            format!(" {mark} {}{note}  ", clean(&doc.code).replace('_', " ")),
            style,
        ));
    }
    if spans.is_empty() {
        spans.push(Span::styled(
            format!(" {}", texts::CASE_NO_DOCUMENTS),
            theme.dim(),
        ));
    }
    spans
}

/// The documents in lines of `width` columns, none split across two.
fn document_lines(sheet: &Sheet, width: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut line: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for span in document_spans(sheet) {
        let w = span.content.trim_end().width();
        if used > 0 && used + w > width {
            lines.push(Line::from(std::mem::take(&mut line)));
            used = 0;
        }
        used += span.content.width();
        line.push(span);
    }
    if !line.is_empty() {
        lines.push(Line::from(line));
    }
    lines.into_iter().map(|l| cut(l.spans, width)).collect()
}
