//! The cursor of a list or table and the first row it shows: every list of the console moves
//! and scrolls the same way, through this one type.

use super::actions::Action;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListCursor {
    /// The row under the cursor, counted in the list's items.
    pub cursor: usize,
    /// The first item shown.
    pub offset: usize,
}

impl ListCursor {
    /// How far a moving action takes the cursor in a list showing `page` rows; `None` for an
    /// action that does not move it.
    pub fn step(action: Action, page: usize) -> Option<isize> {
        let page = page as isize;
        match action {
            Action::Up => Some(-1),
            Action::Down => Some(1),
            Action::PageUp => Some(-page),
            Action::PageDown => Some(page),
            Action::Top => Some(isize::MIN / 2),
            Action::Bottom => Some(isize::MAX / 2),
            _ => None,
        }
    }

    /// Moves for `action` in a list of `len` items showing `height`; false when the action
    /// does not move a cursor.
    pub fn apply(&mut self, action: Action, len: usize, height: usize) -> bool {
        match ListCursor::step(action, height) {
            Some(delta) => {
                self.move_by(delta, len, height);
                true
            }
            None => false,
        }
    }

    /// Moves the cursor by `delta` items, kept within the list, and scrolls it into view.
    pub fn move_by(&mut self, delta: isize, len: usize, height: usize) {
        let last = len.saturating_sub(1) as isize;
        self.cursor = (self.cursor as isize).saturating_add(delta).clamp(0, last) as usize;
        self.scroll_into_view(height);
    }

    /// The first row shown becomes the one that keeps the cursor on screen, moving the view as
    /// little as possible.
    pub fn scroll_into_view(&mut self, height: usize) {
        self.offset = offset_showing(self.cursor, self.offset, height);
    }

    /// Back to the first item, shown at the top.
    pub fn reset(&mut self) {
        *self = ListCursor::default();
    }

    /// The cursor kept on an item of a list now `len` long.
    pub fn clamp(&mut self, len: usize) {
        self.cursor = self.cursor.min(len.saturating_sub(1));
    }
}

/// The first row a list of `height` rows shows so that `cursor` is on screen, moving the
/// view from `offset` as little as possible.
pub fn offset_showing(cursor: usize, offset: usize, height: usize) -> usize {
    let height = height.max(1);
    if cursor < offset {
        cursor
    } else if cursor >= offset + height {
        cursor + 1 - height
    } else {
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_stays_in_the_list_and_on_screen() {
        let mut list = ListCursor::default();
        list.move_by(3, 4, 2);
        assert_eq!((list.cursor, list.offset), (3, 2));
        list.move_by(-10, 4, 2);
        assert_eq!((list.cursor, list.offset), (0, 0));
        list.move_by(isize::MAX / 2, 4, 2);
        assert_eq!(list.cursor, 3, "clamped to the last row");
        assert!(list.apply(Action::Top, 4, 2));
        assert_eq!((list.cursor, list.offset), (0, 0));
        assert!(list.apply(Action::PageDown, 4, 2));
        assert_eq!(list.cursor, 2);
        assert!(!list.apply(Action::Open, 4, 2));
        list.move_by(1, 0, 2);
        assert_eq!((list.cursor, list.offset), (0, 0), "an empty list");
    }
}
