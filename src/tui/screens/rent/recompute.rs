//! The rent's yearly update as the Canoni screen lists it before it is recorded: each lease
//! whose rent changes, its rent before → after, and why (the band, the ISEE on file or its
//! absence), two lines a lease, scrolled by leases.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{RENT_CHROME, RecomputeView, texts};
use crate::domain::time::format_date;
use crate::office::RecomputeRow;
use crate::tui::view::{View, clean, fit, pad, rule};

const PROTOCOL: usize = 11;
/// «1.234,56 € → 1.234,56 €».
const RENT: usize = 23;

/// Leases a page shows: two lines each.
pub fn rows_shown(height: usize) -> usize {
    (height / 2).max(1)
}

/// The furthest the list scrolls: its last page full.
pub fn last_offset(view: &RecomputeView, height: usize) -> usize {
    view.preview
        .changed()
        .count()
        .saturating_sub(rows_shown(height))
}

pub fn draw(frame: &mut Frame, area: Rect, recompute: &RecomputeView, view: &View) {
    let theme = view.theme;
    let width = usize::from(area.width);
    let preview = &recompute.preview;
    let mut lines = vec![
        Line::from(Span::styled(
            format!(
                " {}",
                fit(
                    &texts::recompute_title(&format_date(preview.from), &preview.version),
                    width.saturating_sub(2)
                )
            ),
            theme.title(),
        )),
        Line::from(format!(
            " {}",
            fit(
                &texts::recompute_counts(
                    preview.changed().count(),
                    preview.unchanged(),
                    preview.not_started
                ),
                width.saturating_sub(2)
            )
        )),
        rule(area.width, theme.border()),
    ];
    let tenant_width = width.saturating_sub(2 + PROTOCOL + 1 + 1 + RENT).max(8);
    let [protocol, tenant, rent] = texts::RECOMPUTE_COLUMNS;
    lines.push(Line::from(Span::styled(
        format!(
            "  {} {} {rent:>RENT$}",
            pad(protocol, PROTOCOL),
            pad(tenant, tenant_width)
        ),
        theme.bold(),
    )));
    if preview.changed().next().is_none() {
        lines.push(Line::from(format!(
            "  {}",
            fit(texts::NOTHING_TO_RECOMPUTE, width.saturating_sub(3))
        )));
    }
    let shown = rows_shown(view.table_height(RENT_CHROME));
    for row in preview.changed().skip(recompute.offset).take(shown) {
        let [first, second] = row_lines(row, tenant_width, width);
        lines.push(Line::from(first));
        lines.push(Line::from(Span::styled(second, theme.dim())));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// Protocol, tenant and rent before → after; under them, the band and the ISEE it follows.
fn row_lines(row: &RecomputeRow, tenant_width: usize, width: usize) -> [String; 2] {
    let rent = format!("{} → {}", row.rent_before, row.after.monthly);
    let why = texts::recompute_why(
        &row.band_before,
        &row.after.band,
        row.isee.map(|isee| isee.to_string()).as_deref(),
    );
    [
        format!(
            "  {} {} {rent:>RENT$}",
            pad(&row.protocol, PROTOCOL),
            pad(&clean(&row.tenant), tenant_width)
        ),
        fit(
            &format!("  {} {why}", " ".repeat(PROTOCOL)),
            width.saturating_sub(1),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ApplicationId;
    use crate::domain::lease::RentFigures;
    use crate::domain::money::Money;
    use crate::office::RecomputePreview;

    fn view(changed: usize, unchanged: usize) -> RecomputeView {
        let row = |n: usize, unchanged: bool| RecomputeRow {
            id: ApplicationId(n as u64),
            protocol: format!("2024/{n:06}"),
            tenant: format!("Inquilino {n}"),
            band_before: "protezione".into(),
            rent_before: Money::from_cents(4_000),
            isee: None,
            after: RentFigures {
                version: "esempio".into(),
                band: "accesso".into(),
                steps: Vec::new(),
                monthly: Money::from_cents(5_000),
            },
            unchanged,
        };
        RecomputeView {
            preview: RecomputePreview {
                from: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("day"),
                version: "esempio".into(),
                rows: (0..changed)
                    .map(|n| row(n, false))
                    .chain((0..unchanged).map(|n| row(changed + n, true)))
                    .collect(),
                not_started: 0,
            },
            offset: 0,
        }
    }

    #[test]
    fn the_list_scrolls_over_the_changed_leases_until_its_last_page_is_full() {
        // 15 lines show 7 leases, two lines each.
        assert_eq!(rows_shown(15), 7);
        assert_eq!(last_offset(&view(12, 5), 15), 5, "the unchanged are not listed");
        assert_eq!(last_offset(&view(3, 0), 15), 0, "a short list does not scroll");
        assert_eq!(rows_shown(1), 1, "at least one lease shows");
    }
}
