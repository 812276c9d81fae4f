//! Agenda: the day's counter appointments.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::super::app::App;

pub fn draw(_frame: &mut Frame, _area: Rect, _app: &App) {}

pub fn status(_app: &App, _width: usize) -> Line<'static> {
    Line::default()
}
