//! Bandi: the calls, the active one, publication, documents and interested citizens.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::super::app::App;

pub fn draw(_frame: &mut Frame, _area: Rect, _app: &App) {}

pub fn status(_app: &App, _width: usize) -> Line<'static> {
    Line::default()
}
