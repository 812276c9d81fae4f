//! Windows drawn over the screen: help, command palette, forms and the discard question.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::super::actions::Action;
use super::super::app::{App, ListState, Overlay};
use super::super::form::Form;
use super::super::keymap::Context;
use super::super::strings as s;
use super::{fit, pad};

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

fn window(frame: &mut Frame, area: Rect, title: &str, app: &App) -> Rect {
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(app.theme.border())
        .title(Span::styled(format!(" {title} "), app.theme.title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    match &app.overlay {
        None => {}
        Some(Overlay::Help(list)) => help(frame, area, app, list),
        Some(Overlay::Palette(list)) => palette(frame, area, app, list),
        Some(Overlay::Form { form, confirming }) => {
            draw_form(frame, area, app, form, !confirming);
            if *confirming {
                confirm(frame, area, app, s::DISCARD_QUESTION);
            }
        }
        Some(Overlay::Preview(preview)) => draw_preview(frame, area, app, preview),
        Some(Overlay::Check(check)) => draw_check(frame, area, app, check),
        Some(Overlay::Question(question)) => confirm(frame, area, app, &question.text),
    }
}

/// The help lines of the current screen, straight from the keymap: (section, keys, description).
/// The screen's section lists every action it declares; then the overlays it uses.
pub fn help_entries(app: &App) -> Vec<(String, String, String)> {
    let info = app.screen.info();
    let mut contexts = vec![Context::Global, Context::Screen(app.screen)];
    contexts.extend(info.help_contexts);
    contexts.push(Context::Help);
    contexts.push(Context::Palette);
    let mut entries = Vec::new();
    for context in contexts {
        for action in context.actions() {
            let keys = app.keymap.keys_for(context, action);
            // Screen contexts list only their own keys; global ones are listed once.
            let keys: Vec<String> = if context != Context::Global && context.inherits_global() {
                keys.into_iter()
                    .filter(|k| !app.keymap.keys_for(Context::Global, action).contains(k))
                    .collect()
            } else {
                keys
            };
            if keys.is_empty() {
                continue;
            }
            entries.push((
                section_title(context).to_string(),
                keys.iter()
                    .map(|k| super::super::keymap::key_label(k))
                    .collect::<Vec<_>>()
                    .join("  "),
                action.description().to_string(),
            ));
        }
    }
    entries
}

fn section_title(context: Context) -> &'static str {
    match context {
        Context::Global => s::HELP_GLOBAL,
        Context::Screen(screen) => screen.info().help_heading,
        Context::Search => s::HELP_SEARCH,
        Context::Palette => s::HELP_PALETTE,
        Context::Help => s::HELP_HELP,
        Context::Form => s::HELP_FORM,
        Context::Confirm => s::HELP_CONFIRM,
        Context::Preview => s::HELP_PREVIEW,
    }
}

fn help(frame: &mut Frame, area: Rect, app: &App, list: &ListState) {
    let theme = app.theme;
    let rect = centered(area, 72, area.height.saturating_sub(2));
    let title = format!("{} · {}", s::BOX_HELP, app.screen.info().title);
    let inner = window(frame, rect, &title, app);
    let query = list.query.value().to_lowercase();
    let entries: Vec<(String, String, String)> = help_entries(app)
        .into_iter()
        .filter(|(section, keys, description)| {
            query.is_empty()
                || description.to_lowercase().contains(&query)
                || keys.to_lowercase().contains(&query)
                || section.to_lowercase().contains(&query)
        })
        .collect();
    let mut lines = vec![Line::from(vec![
        Span::styled(format!(" {}: ", s::HELP_FILTER), theme.dim()),
        Span::raw(list.query.value().to_string()),
    ])];
    let mut section = String::new();
    let mut body = Vec::new();
    for (sec, keys, description) in entries {
        if sec != section {
            body.push(Line::from(Span::styled(format!(" {sec}"), theme.title())));
            section = sec;
        }
        body.push(Line::from(vec![
            Span::styled(format!("   {}", pad(&keys, 20)), theme.key()),
            Span::raw(description),
        ]));
    }
    let height = usize::from(inner.height.saturating_sub(1));
    let start = list.list.offset.min(body.len().saturating_sub(height));
    lines.extend(body.into_iter().skip(start).take(height));
    frame.render_widget(Paragraph::new(lines), inner);
    let cursor_x = inner.x + (s::HELP_FILTER.len() + 3) as u16 + list.query.visual_cursor() as u16;
    frame.set_cursor_position(Position::new(cursor_x.min(inner.right()), inner.y));
}

fn palette(frame: &mut Frame, area: Rect, app: &App, list: &ListState) {
    let theme = app.theme;
    let rect = Rect {
        y: area.y + 2,
        ..centered(area, 64, 14)
    };
    let inner = window(frame, rect, s::BOX_PALETTE, app);
    let entries = app.palette_entries(list.query.value());
    let mut lines = vec![Line::from(vec![
        Span::styled(" : ", theme.key()),
        Span::raw(list.query.value().to_string()),
    ])];
    let height = usize::from(inner.height.saturating_sub(1));
    let start = list.list.cursor.saturating_sub(height.saturating_sub(1));
    let width = usize::from(inner.width);
    for (i, (action, keys)) in entries.iter().enumerate().skip(start).take(height) {
        let is_cursor = i == list.list.cursor;
        let style = if is_cursor {
            theme.cursor()
        } else {
            Style::default()
        };
        let text = pad(action.description(), width.saturating_sub(18));
        lines.push(Line::from(vec![
            Span::styled(
                format!("{}{text}", if is_cursor { "▶" } else { " " }),
                style,
            ),
            Span::styled(format!(" {}", pad(keys, 16)), style.patch(theme.key())),
        ]));
    }
    if entries.is_empty() {
        lines.push(Line::from(format!(" {}", s::NO_MATCH)));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    let x = inner.x + 3 + list.query.visual_cursor() as u16;
    frame.set_cursor_position(Position::new(x.min(inner.right()), inner.y));
}

fn draw_form(frame: &mut Frame, area: Rect, app: &App, form: &Form, show_cursor: bool) {
    let theme = app.theme;
    // The window is 78 wide: 76 columns inside its borders.
    let inner_width = usize::from(area.width.min(78)).saturating_sub(2);
    let plain = form.fields.iter().filter(|f| !f.is_list()).count();
    let fixed = plain * 2 + 4;
    // A list gets what the screen leaves, one line for its label; its cursor stays shown.
    let list_room = usize::from(area.height).saturating_sub(fixed + 3);
    let wanted: usize = form
        .fields
        .iter()
        .map(|f| match (&f.checklist, &f.picker) {
            (Some(c), _) => 1 + c.positions().len(),
            // Every entry, so that the window keeps its size while the filter narrows it.
            (None, Some(p)) => 1 + p.len().max(1),
            (None, None) => 0,
        })
        .sum();
    // Lines inside the window with every list entry shown.
    let full_lines = (fixed + wanted.min(list_room + 1)).saturating_sub(2);
    let label_width = form
        .fields
        .iter()
        .filter(|f| !f.is_list())
        .map(|f| f.label.chars().count())
        .max()
        .unwrap_or(0)
        + 2;
    let value_width = inner_width.saturating_sub(label_width + 3);
    let indent = " ".repeat(label_width + 1);
    // A form too long for a line under each field (a dwelling's) keeps that line only for a
    // field with something to say under it.
    let compact = fixed + wanted + 3 > usize::from(area.height);
    let mut lines = Vec::new();
    // The focused field's line and column, for the terminal's cursor.
    let mut cursor = None;
    for (i, field) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        if let Some(checklist) = &field.checklist {
            let at = checklist_lines(
                &mut lines,
                field,
                checklist,
                focused,
                list_room,
                inner_width,
                app,
            );
            if at.is_some() {
                cursor = at;
            }
            continue;
        }
        if let Some(picker) = &field.picker {
            let at = picker_lines(&mut lines, field, picker, list_room, inner_width, app);
            if focused {
                cursor = Some(at);
            }
            continue;
        }
        let label = format!(" {}{}", field.label, if field.required { "*" } else { "" });
        let value = if field.is_choice() {
            format!("‹ {} ›", field.value())
        } else {
            let scroll = field.input.visual_scroll(value_width);
            field.input.value().chars().skip(scroll).collect::<String>()
        };
        let style = if focused {
            theme.focused_field()
        } else {
            Style::default()
        };
        lines.push(Line::from(vec![
            Span::styled(pad(&label, label_width), theme.bold()),
            Span::raw(if focused { "▶" } else { " " }),
            Span::styled(pad(&value, value_width), style),
        ]));
        if focused && !field.is_choice() {
            let scroll = field.input.visual_scroll(value_width);
            cursor = Some((
                lines.len() - 1,
                label_width + 1 + field.input.visual_cursor() - scroll,
            ));
        }
        // An error or a hint is wrapped under the value, never cut: it is what says how to
        // fill the field.
        let (note, note_style) = match (&field.error, focused && field.is_choice()) {
            (Some(error), _) => (format!("✗ {error}"), theme.error()),
            (None, true) => (s::CHOICE_HINT.to_string(), theme.dim()),
            (None, false) => match &field.hint {
                Some(hint) => (hint.clone(), theme.dim()),
                None => (String::new(), Style::default()),
            },
        };
        if compact && note.is_empty() {
            continue;
        }
        for line in super::wrap(&note, value_width.max(1)) {
            lines.push(Line::from(Span::styled(
                format!("{indent}{line}"),
                note_style,
            )));
        }
    }
    match &form.error {
        Some(error) => {
            for line in super::wrap(&format!("✗ {error}"), inner_width.saturating_sub(2).max(1)) {
                lines.push(Line::from(Span::styled(format!(" {line}"), theme.error())));
            }
        }
        None if form.focused().is_some_and(|f| f.picker.is_some()) => {
            // At the foot of the window however few entries the filter leaves.
            let foot = full_lines.saturating_sub(1);
            if lines.len() < foot {
                lines.resize(foot, Line::default());
            }
            lines.push(Line::from(Span::styled(
                format!(" {}", fit(&pick_hint(app), inner_width.saturating_sub(2))),
                theme.dim(),
            )));
        }
        None => {
            let keys = |action| {
                super::super::keymap::key_label(
                    &app.keymap
                        .first_key(Context::Form, action)
                        .unwrap_or_default(),
                )
            };
            lines.push(Line::from(Span::styled(
                format!(
                    " {} {} · {} {} · {} {}",
                    keys(Action::NextField),
                    Action::NextField.description(),
                    keys(Action::Save),
                    Action::Save.description(),
                    keys(Action::Cancel),
                    Action::Cancel.description()
                ),
                theme.dim(),
            )));
        }
    }
    // Borders and a free line under the keys.
    let height = u16::try_from(lines.len() + 3).unwrap_or(u16::MAX);
    let rect = centered(area, 78, height);
    let inner = window(frame, rect, form.title, app);
    frame.render_widget(Paragraph::new(lines), inner);
    if show_cursor && let Some((row, column)) = cursor {
        let x = inner.x + u16::try_from(column).unwrap_or(u16::MAX);
        let y = inner.y + u16::try_from(row).unwrap_or(u16::MAX);
        frame.set_cursor_position(Position::new(x.min(inner.right()), y));
    }
}

/// The keys of a pick from a list: the arrows where they are bound, else the first key.
fn pick_hint(app: &App) -> String {
    let key = |action, preferred: &str| {
        let keys = app.keymap.keys_for(Context::Form, action);
        let key = keys
            .iter()
            .find(|k| *k == preferred)
            .or(keys.first())
            .cloned()
            .unwrap_or_default();
        super::super::keymap::key_label(&key)
    };
    s::pick_hint(
        &format!(
            "{} {}",
            key(Action::PreviousField, "Up"),
            key(Action::NextField, "Down")
        ),
        &key(Action::Confirm, "Enter"),
        &key(Action::Cancel, "Esc"),
    )
}

/// A pick's filter line, then as many of the entries it leaves as `room` holds around the
/// cursor; where the text cursor goes in the filter (line in the window, column).
fn picker_lines(
    lines: &mut Vec<Line<'static>>,
    field: &crate::tui::form::Field,
    picker: &crate::tui::form::Picker,
    room: usize,
    width: usize,
    app: &App,
) -> (usize, usize) {
    let theme = app.theme;
    let shown = picker.shown();
    let label = format!(" {}: ", field.label);
    let (note, style) = match &field.error {
        Some(error) => (format!("✗ {error}"), theme.error()),
        None if shown.iter().any(|e| e.fits) => (s::PICK_FITS.to_string(), theme.dim()),
        None => (String::new(), theme.dim()),
    };
    let label_width = label.chars().count();
    let note_width = note
        .chars()
        .count()
        .min(width.saturating_sub(label_width + 10));
    let query_width = width.saturating_sub(label_width + note_width + 1);
    let scroll = picker.query.visual_scroll(query_width);
    let query: String = picker.query.value().chars().skip(scroll).collect();
    let at = (
        lines.len(),
        label_width + picker.query.visual_cursor() - scroll,
    );
    lines.push(Line::from(vec![
        Span::styled(label, theme.bold()),
        Span::styled(pad(&query, query_width), theme.focused_field()),
        Span::raw(" "),
        Span::styled(fit(&note, note_width), style),
    ]));
    if shown.is_empty() {
        lines.push(Line::from(Span::styled(
            format!("    {}", s::NO_MATCH),
            theme.dim(),
        )));
        return at;
    }
    let room = room.max(1);
    let start = (picker.cursor + 1).saturating_sub(room);
    for (i, entry) in shown.iter().enumerate().skip(start).take(room) {
        let is_cursor = i == picker.cursor;
        let lead = if is_cursor { "▶" } else { " " };
        let mark = if entry.fits { "★" } else { " " };
        let text = format!("  {lead} {mark} {}", super::clean(&entry.text));
        let style = if is_cursor {
            theme.focused_field()
        } else {
            Style::default()
        };
        lines.push(Line::from(Span::styled(pad(&text, width), style)));
    }
    at
}

/// A checklist's label line, then as many of its rows (and notes) as `room` holds around the
/// cursor; where the text cursor goes when it is on a note (line in the window, column).
fn checklist_lines(
    lines: &mut Vec<Line<'static>>,
    field: &crate::tui::form::Field,
    checklist: &crate::tui::form::Checklist,
    focused: bool,
    room: usize,
    width: usize,
    app: &App,
) -> Option<(usize, usize)> {
    let theme = app.theme;
    let label = format!(" {}{}", field.label, if field.required { "*" } else { "" });
    let (hint, style) = match &field.error {
        Some(error) => (format!("✗ {error}"), theme.error()),
        None if focused => (s::CHECKLIST_HINT.to_string(), theme.dim()),
        None => (String::new(), theme.dim()),
    };
    let label_width = label.chars().count() + 2;
    lines.push(Line::from(vec![
        Span::styled(pad(&label, label_width), theme.bold()),
        Span::styled(fit(&hint, width.saturating_sub(label_width)), style),
    ]));
    let positions = checklist.positions();
    let here = positions
        .iter()
        .position(|p| *p == (checklist.cursor, checklist.on_note))
        .unwrap_or(0);
    let room = room.max(1);
    let start = (here + 1).saturating_sub(room);
    let mut cursor = None;
    for (at, (row_index, on_note)) in positions.iter().enumerate().skip(start).take(room) {
        let Some(row) = checklist.rows.get(*row_index) else {
            continue;
        };
        let is_cursor = focused && at == here;
        let lead = if is_cursor { "▶" } else { " " };
        let style = if is_cursor {
            theme.focused_field()
        } else {
            Style::default()
        };
        if *on_note {
            let prefix = format!("  {lead}     {}: ", s::FIELD_NOTE_SHORT);
            let room = width.saturating_sub(prefix.chars().count());
            // Only the note being typed scrolls to its cursor; the others show their start.
            let scroll = if is_cursor {
                row.note.visual_scroll(room)
            } else {
                0
            };
            let text: String = row.note.value().chars().skip(scroll).collect();
            let text = if is_cursor { text } else { fit(&text, room) };
            if is_cursor {
                cursor = Some((
                    lines.len(),
                    prefix.chars().count() + row.note.visual_cursor() - scroll,
                ));
            }
            lines.push(Line::from(vec![
                Span::raw(prefix),
                Span::styled(pad(&text, room), style),
            ]));
        } else {
            let mark = match (checklist.notes, row.ticked) {
                (false, Some(true)) => "[x]",
                (false, _) => "[ ]",
                (true, Some(true)) => " ✓ ",
                (true, Some(false)) => " ✗ ",
                (true, None) => " ? ",
            };
            let text = format!("  {lead} {mark} {}", super::clean(&row.text));
            lines.push(Line::from(Span::styled(fit(&text, width), style)));
        }
    }
    cursor
}

fn confirm(frame: &mut Frame, area: Rect, app: &App, question: &str) {
    let width = (question.chars().count() + 4).clamp(50, 78) as u16;
    let rect = centered(area, width, 4);
    let inner = window(frame, rect, s::BOX_CONFIRM, app);
    let keys = |action| {
        super::super::keymap::key_label(
            &app.keymap
                .first_key(Context::Confirm, action)
                .unwrap_or_default(),
        )
    };
    let lines = vec![
        Line::from(format!(" {question}")),
        Line::from(Span::styled(
            format!(
                " {} {} · {} {}",
                keys(Action::Yes),
                Action::Yes.description(),
                keys(Action::No),
                Action::No.description()
            ),
            app.theme.key(),
        )),
    ];
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The message as IO will receive it: recipient, subject, body, buttons, payment box, length.
fn draw_preview(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    preview: &super::super::messaging::PreviewState,
) {
    let theme = app.theme;
    let rect = centered(area, 80, area.height.saturating_sub(2));
    let inner = window(frame, rect, &preview.title, app);
    let width = usize::from(inner.width);
    let mut lines = vec![
        Line::from(format!(
            " A: {}",
            fit(&super::clean(&preview.addressee), width.saturating_sub(5))
        )),
        Line::from(vec![
            Span::raw(" Oggetto: "),
            Span::styled(
                fit(&super::clean(&preview.subject), width.saturating_sub(11)),
                theme.bold(),
            ),
        ]),
        Line::default(),
    ];
    let mut body = Vec::new();
    for line in &preview.body {
        body.extend(super::wrap(&super::clean(line), width.saturating_sub(2)));
    }
    let mut tail = Vec::new();
    for (text, _) in &preview.buttons {
        tail.push(Line::from(Span::styled(
            format!(" [ {} ]", super::clean(text)),
            theme.key(),
        )));
    }
    if let Some(payment) = &preview.payment {
        tail.push(Line::from(Span::styled(
            format!(" {}", fit(&super::clean(payment), width.saturating_sub(2))),
            theme.warning(),
        )));
    }
    let mut info = s::preview_length(preview.length);
    if let Some((_, url)) = preview.buttons.first() {
        info.push_str(&format!(" · pulsante → {url}"));
    }
    tail.push(Line::from(Span::styled(
        format!(" {}", fit(&super::clean(&info), width.saturating_sub(2))),
        theme.dim(),
    )));
    if let Some(note) = &preview.note {
        tail.push(Line::from(Span::styled(
            format!(" {}", fit(&super::clean(note), width.saturating_sub(2))),
            theme.warning(),
        )));
    }
    if preview.queued.is_some()
        && let Some(key) = app
            .keymap
            .first_key(Context::Preview, Action::WithdrawQueued)
    {
        let hint = s::withdraw_queued_hint(&super::super::keymap::key_label(&key));
        tail.push(Line::from(Span::styled(
            format!(" {}", fit(&hint, width.saturating_sub(2))),
            theme.warning(),
        )));
    }
    for warning in &preview.warnings {
        let wrapped = super::wrap(&super::clean(warning), width.saturating_sub(4));
        for (i, line) in wrapped.into_iter().enumerate() {
            let lead = if i == 0 { " ⚠ " } else { "   " };
            tail.push(Line::from(Span::styled(
                format!("{lead}{line}"),
                theme.warning(),
            )));
        }
    }
    let room = usize::from(inner.height)
        .saturating_sub(lines.len() + tail.len() + 1)
        .max(1);
    let scroll = preview.scroll.min(body.len().saturating_sub(room));
    let shown = body.len().saturating_sub(scroll).min(room);
    lines.extend(
        body.into_iter()
            .skip(scroll)
            .take(room)
            .map(|l| Line::from(format!(" {l}"))),
    );
    for _ in shown..room {
        lines.push(Line::default());
    }
    lines.push(Line::default());
    lines.extend(tail);
    frame.render_widget(Paragraph::new(lines), inner);
}

/// A step with what it will change, before it is committed: the keys say both ways out.
fn draw_check(frame: &mut Frame, area: Rect, app: &App, check: &super::super::app::CheckState) {
    let theme = app.theme;
    // The window is 78 wide: 76 columns inside, a space either side of the text.
    let width = usize::from(area.width.min(78)).saturating_sub(2);
    // What is to be confirmed is wrapped, never cut.
    let mut lines: Vec<Line> = check
        .lines
        .iter()
        .flat_map(|(text, weigh)| {
            let style = if *weigh {
                theme.warning()
            } else {
                Style::default()
            };
            super::wrap(text, width.saturating_sub(2))
                .into_iter()
                .map(move |part| Line::from(Span::styled(format!(" {part}"), style)))
        })
        .collect();
    let keys = |action| {
        app.keymap
            .keys_for(Context::Confirm, action)
            .iter()
            .filter(|k| k.chars().count() > 1 || k.chars().all(|c| c.is_lowercase()))
            .map(|k| super::super::keymap::key_label(k))
            .collect::<Vec<_>>()
            .join("/")
    };
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        format!(
            " {} {} · {} {}",
            keys(Action::Yes),
            check.commit,
            keys(Action::No),
            if check.form.is_some() {
                s::CHECK_BACK
            } else {
                s::CHECK_CLOSE
            }
        ),
        theme.key(),
    )));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let rect = centered(area, 78, height);
    let inner = window(frame, rect, check.title, app);
    frame.render_widget(Paragraph::new(lines), inner);
}
