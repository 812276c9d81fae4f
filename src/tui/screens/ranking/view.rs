//! Graduatoria: the active call's order, live or as published, with the version, its counts and
//! warnings above the table, and what the narrow table leaves out in the status line.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::{CYCLE_VERSION, RANKING_CHROME, RankFilter, RankingScreen, Shown};
use crate::tui::actions::Action;
use crate::tui::strings as s;
use crate::tui::view::{View, clean, cut, pad};
use crate::domain::ranking::{RankRow, Settled};
use crate::domain::time::{format_date, format_ts_date, rome_date};
use crate::domain::number::count;
use super::texts;

const POSITION: usize = 4;
const MARK: usize = 2;
const PROTOCOL: usize = 11;
const TOTAL: usize = 7;
const BLOCK: usize = 6;
const ISEE: usize = 12;
const MEMBERS: usize = 5;
const SETTLED: usize = 20;

/// Column widths for a terminal `width` wide: ISEE, household and what settled a tie from 110
/// columns; at 80 they are in the status line, for the row under the cursor.
struct Columns {
    name: usize,
    wide: bool,
}

impl Columns {
    fn for_width(width: usize) -> Columns {
        // cursor 2, position and mark, protocol, then the points
        let fixed = 2 + POSITION + 1 + MARK + 1 + PROTOCOL + 2 + 2 + TOTAL + 1 + BLOCK + 1 + BLOCK;
        let wide = width >= 110;
        let extra = if wide {
            2 + ISEE + 2 + MEMBERS + 2 + SETTLED
        } else {
            0
        };
        Columns {
            name: width.saturating_sub(fixed + extra + 1).clamp(12, 40),
            wide,
        }
    }
}

pub fn draw(frame: &mut Frame, area: Rect, ranking: &RankingScreen, view: &View) {
    let theme = view.theme;
    let width = usize::from(area.width);
    let mut lines = vec![
        version_line(ranking, view, width),
        warnings_line(ranking, view, width),
        filters_line(ranking, view, width),
    ];
    let columns = Columns::for_width(width);
    let [
        pos,
        protocol,
        applicant,
        total,
        subjective,
        objective,
        isee,
        members,
        settled,
    ] = texts::RANKING_COLUMNS;
    let mut titles = format!(
        "  {:>POSITION$} {:MARK$} {}  {}  {:>TOTAL$} {:>BLOCK$} {:>BLOCK$}",
        pos,
        "",
        pad(protocol, PROTOCOL),
        pad(applicant, columns.name),
        total,
        subjective,
        objective,
    );
    if columns.wide {
        titles.push_str(&format!(
            "  {isee:>ISEE$}  {members:>MEMBERS$}  {}",
            pad(settled, SETTLED)
        ));
    }
    lines.push(Line::from(Span::styled(titles, theme.bold())));
    let height = view.table_height(RANKING_CHROME);
    let rows = ranking.rows();
    let empty = match (&ranking.data, ranking.shown) {
        (None, _) => Some(texts::LOADING_RANKING.to_string()),
        (Some(d), _) if d.call.is_none() => Some(String::new()),
        (Some(_), Shown::Version(n)) if ranking.shown_header().is_none() => {
            Some(texts::loading_version(n))
        }
        _ if ranking.view.is_empty() && ranking.search.is_some() => Some(s::NO_MATCH.to_string()),
        _ if ranking.view.is_empty() => Some(texts::RANKING_NO_ROWS.to_string()),
        _ => None,
    };
    if let Some(text) = empty {
        lines.push(Line::from(format!("  {text}")));
    }
    // The cursor is kept in sight even when the window shrank since it last moved.
    let offset = ranking
        .list
        .offset
        .min(ranking.list.cursor)
        .max((ranking.list.cursor + 1).saturating_sub(height));
    for (position, index) in ranking.view.iter().enumerate().skip(offset).take(height) {
        if let Some(row) = rows.get(*index) {
            lines.push(row_line(view, row, position == ranking.list.cursor, &columns));
        }
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// What settled a tie, as the table and the status line say it.
fn settled_text(row: &RankRow) -> &'static str {
    row.settled.map_or("", Settled::label)
}

fn row_line(view: &View, row: &RankRow, is_cursor: bool, columns: &Columns) -> Line<'static> {
    let theme = view.theme;
    let base = if is_cursor {
        theme.cursor()
    } else if row.admitted {
        Style::default()
    } else {
        theme.dim()
    };
    let position = row.position.map(|p| p.to_string()).unwrap_or_default();
    let (total, subjective, objective) = if row.admitted {
        (
            row.total.to_string(),
            row.subjective.to_string(),
            row.objective.to_string(),
        )
    } else {
        (texts::RANK_EXCLUDED.to_string(), String::new(), String::new())
    };
    let mark = row.tie_mark();
    let mark_style = match row.settled {
        Some(Settled::Unresolved) if !is_cursor => theme.warning(),
        _ => base,
    };
    let mut spans = vec![
        Span::styled(if is_cursor { "▶ " } else { "  " }, base),
        Span::styled(format!("{position:>POSITION$} "), base),
        Span::styled(format!("{mark:MARK$}"), mark_style),
        Span::styled(
            format!(
                " {}  {}  {total:>TOTAL$} {subjective:>BLOCK$} {objective:>BLOCK$}",
                pad(&row.protocol, PROTOCOL),
                pad(&clean(&row.applicant), columns.name),
            ),
            base,
        ),
    ];
    if columns.wide {
        spans.push(Span::styled(
            format!(
                "  {:>ISEE$}  {:>MEMBERS$}  {}",
                row.isee.to_string(),
                row.members,
                pad(settled_text(row), SETTLED)
            ),
            base,
        ));
    }
    Line::from(spans)
}

/// Which order is shown: the live one, or a version with its dates; the keys to change it.
fn version_line(ranking: &RankingScreen, view: &View, width: usize) -> Line<'static> {
    let theme = view.theme;
    let Some(data) = &ranking.data else {
        return Line::from(Span::styled(
            format!(" {}", texts::LOADING_RANKING),
            theme.dim(),
        ));
    };
    if data.call.is_none() {
        return Line::from(format!(" {}", s::NO_CALL));
    }
    let wide = width >= 110;
    let mut spans = match (ranking.shown, ranking.shown_header()) {
        // The call is in the header above; the table it is scored with, here.
        (Shown::Live, _) => {
            let mut spans = vec![Span::styled(format!(" {}", texts::RANKING_LIVE), theme.title())];
            if let Some(ruleset) = &data.ruleset {
                if ruleset.example {
                    spans.push(Span::styled(
                        format!(" · {}", texts::RULESET_EXAMPLE),
                        theme.warning(),
                    ));
                }
                if wide || !ruleset.example {
                    spans.push(Span::styled(
                        format!(" · {}", clean(&ruleset.name)),
                        theme.dim(),
                    ));
                }
            }
            spans
        }
        (Shown::Version(n), None) => vec![Span::styled(
            format!(" {}", texts::loading_version(n)),
            theme.dim(),
        )],
        (Shown::Version(_), Some(header)) => {
            let mut spans = vec![Span::styled(
                format!(
                    " {}",
                    texts::version_title(
                        header.kind.label(),
                        header.number,
                        &format_ts_date(header.published_at)
                    )
                ),
                theme.title(),
            )];
            if let Some(deadline) = header.objection_deadline {
                let open = header.objection_window_open(rome_date(view.now()));
                spans.push(Span::styled(
                    format!(" · {}", texts::objections_until(&format_date(deadline), open)),
                    if open {
                        theme.warning()
                    } else {
                        Style::default()
                    },
                ));
            }
            if wide {
                spans.push(Span::styled(
                    format!(" · {}", texts::published_by(&clean(&header.by))),
                    theme.dim(),
                ));
            }
            spans
        }
    };
    let key = view.key(Action::Screen(CYCLE_VERSION));
    let hint = texts::versions_hint(data.versions.len(), &key);
    let used: usize = spans.iter().map(|s| s.content.width()).sum();
    if used + hint.width() + 3 <= width {
        spans.push(Span::raw(" ".repeat(width - used - hint.width() - 1)));
        spans.push(Span::styled(hint, theme.dim()));
    }
    cut(spans, width)
}

/// Counts and what to weigh before publishing: the table missing or an example, applications
/// still under review, groups left for the draw, objections to decide.
fn warnings_line(ranking: &RankingScreen, view: &View, width: usize) -> Line<'static> {
    let theme = view.theme;
    let Some(data) = ranking.data.as_ref().filter(|d| d.call.is_some()) else {
        return Line::default();
    };
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut push = |text: String, style: Style| {
        let sep = if spans.is_empty() { " " } else { " · " };
        spans.push(Span::styled(format!("{sep}{text}"), style));
    };
    match (ranking.shown, ranking.shown_header()) {
        (Shown::Live, _) => {
            match &data.ruleset {
                None => push(s::NO_RULESET.to_string(), theme.error()),
                Some(_) => {
                    let admitted = data.live.iter().filter(|r| r.admitted).count();
                    push(
                        s::ranking_counts(admitted, data.live.len() - admitted),
                        Style::default(),
                    );
                }
            }
            if data.pending > 0 {
                push(texts::still_pending(data.pending as usize), theme.warning());
            }
            if data.unresolved > 0 {
                push(texts::unresolved_ties(data.unresolved), theme.warning());
            }
        }
        (Shown::Version(_), Some(header)) => {
            push(
                s::ranking_counts(header.admitted as usize, header.excluded as usize),
                Style::default(),
            );
            if header.pending > 0 {
                push(texts::were_pending(header.pending as usize), theme.dim());
            }
            if let Some(draw) = &header.draw {
                push(texts::drawn(draw.groups.len(), draw.seed), Style::default());
            }
        }
        (Shown::Version(_), None) => {}
    }
    if !data.open_objections.is_empty() {
        push(
            texts::objections_open(data.open_objections.len()),
            theme.warning(),
        );
    }
    cut(spans, width)
}

fn filter_label(filter: RankFilter) -> &'static str {
    match filter {
        RankFilter::All => s::FILTER_ALL,
        RankFilter::Admitted => texts::RANK_FILTER_ADMITTED,
        RankFilter::Excluded => texts::RANK_FILTER_EXCLUDED,
        RankFilter::Tied => texts::RANK_FILTER_TIED,
        RankFilter::Objection => texts::RANK_FILTER_OBJECTION,
    }
}

fn filters_line(ranking: &RankingScreen, view: &View, width: usize) -> Line<'static> {
    let theme = view.theme;
    let mut spans = vec![Span::raw(" ")];
    for (i, filter) in RankFilter::ALL.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" │ ", theme.dim()));
        }
        let text = format!("{} {}", filter_label(filter), count(ranking.count(filter)));
        if filter == ranking.filter {
            spans.push(Span::styled(format!("[{text}]"), theme.active_tab()));
        } else {
            spans.push(Span::raw(text));
        }
    }
    cut(spans, width)
}

/// The row under the cursor in full (ISEE, household, what settled its place), or the search.
pub fn status(ranking: &RankingScreen, view: &View, width: usize) -> Line<'static> {
    let theme = view.theme;
    let position = if ranking.view.is_empty() {
        String::new()
    } else {
        format!(
            "{}/{} ",
            count(ranking.list.cursor + 1),
            count(ranking.view.len())
        )
    };
    let left: Vec<Span<'static>> = match &ranking.search {
        Some(search) => {
            let mut spans = vec![Span::styled(" / ", theme.key())];
            spans.push(Span::raw(search.query().to_string()));
            if search.typing {
                spans.push(Span::styled(
                    format!("  {}", texts::RANKING_SEARCH_PROMPT),
                    theme.dim(),
                ));
            } else {
                spans.push(Span::raw(format!("  · {}", s::matches(ranking.view.len()))));
            }
            spans
        }
        None => match ranking.current() {
            Some(row) => {
                let mut parts = vec![row.protocol.clone(), clean(&row.applicant)];
                parts.push(s::isee_value(&row.isee.to_string()));
                parts.push(s::members(row.members));
                let settled = settled_text(row);
                if !settled.is_empty() {
                    parts.push(texts::settled_by(settled));
                }
                let objection = ranking
                    .data
                    .as_ref()
                    .is_some_and(|d| d.open_objections.contains(&row.application));
                if objection {
                    parts.push(s::OBJECTION_TO_DECIDE.to_string());
                }
                vec![Span::styled(format!(" {}", parts.join(" · ")), theme.dim())]
            }
            None => Vec::new(),
        },
    };
    let used: usize = left.iter().map(|s| s.content.width()).sum();
    let mut spans = left;
    if used + position.width() < width {
        spans.push(Span::raw(" ".repeat(width - used - position.width())));
        spans.push(Span::styled(position, theme.dim()));
        Line::from(spans)
    } else {
        cut(spans, width.saturating_sub(1))
    }
}
