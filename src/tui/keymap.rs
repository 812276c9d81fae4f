//! Key bindings as data. A keymap file is refused whole, with `file:line: motivo`, when a key
//! cannot be parsed, an action or context is unknown, or a key is bound twice in one context:
//! the console never starts on a guess.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use toml::Spanned;

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Global,
}

impl Context {
    const ALL: [Context; 1] = [Context::Global];

    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "globale",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
}

impl Action {
    const ALL: [Action; 1] = [Action::Quit];

    pub fn name(self) -> &'static str {
        match self {
            Action::Quit => "esci",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Action::Quit => "esci dalla console",
        }
    }
}

/// A key with its modifiers, normalised so that a typed `Shift+a` and `A` compare equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl Key {
    pub fn from_event(event: &KeyEvent) -> Key {
        normalise(event.code, event.modifiers)
    }
}

fn normalise(code: KeyCode, modifiers: KeyModifiers) -> Key {
    let mut modifiers =
        modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
    let code = match code {
        // Terminals report upper-case letters with or without Shift: keep the letter, drop Shift.
        KeyCode::Char(c) if c.is_alphabetic() && modifiers.contains(KeyModifiers::SHIFT) => {
            modifiers.remove(KeyModifiers::SHIFT);
            KeyCode::Char(c.to_uppercase().next().unwrap_or(c))
        }
        KeyCode::Char(c) if !c.is_alphabetic() => {
            modifiers.remove(KeyModifiers::SHIFT);
            KeyCode::Char(c)
        }
        other => other,
    };
    Key { code, modifiers }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            f.write_str("Ctrl+")?;
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            f.write_str("Alt+")?;
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            f.write_str("Shift+")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => {
                let name = NAMED
                    .iter()
                    .find(|(_, code)| *code == other)
                    .map(|(n, _)| *n);
                f.write_str(name.unwrap_or("?"))
            }
        }
    }
}

const NAMED: [(&str, KeyCode); 18] = [
    ("Esc", KeyCode::Esc),
    ("Enter", KeyCode::Enter),
    ("Tab", KeyCode::Tab),
    ("BackTab", KeyCode::BackTab),
    ("Space", KeyCode::Char(' ')),
    ("Backspace", KeyCode::Backspace),
    ("Delete", KeyCode::Delete),
    ("Insert", KeyCode::Insert),
    ("Up", KeyCode::Up),
    ("Down", KeyCode::Down),
    ("Left", KeyCode::Left),
    ("Right", KeyCode::Right),
    ("PageUp", KeyCode::PageUp),
    ("PageDown", KeyCode::PageDown),
    ("Home", KeyCode::Home),
    ("End", KeyCode::End),
    ("Invio", KeyCode::Enter),
    ("Spazio", KeyCode::Char(' ')),
];

/// Parses `q`, `Esc`, `Ctrl+c`, `Alt+Shift+F5`, `+`.
pub fn parse_key(text: &str) -> Result<Key, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("tasto vuoto".into());
    }
    let mut modifiers = KeyModifiers::NONE;
    let mut rest = text;
    // A lone '+' is the plus key, not a separator.
    while let Some((head, tail)) = rest.split_once('+').filter(|(_, tail)| !tail.is_empty()) {
        let modifier = match head.to_ascii_lowercase().as_str() {
            "ctrl" => KeyModifiers::CONTROL,
            "alt" => KeyModifiers::ALT,
            "shift" => KeyModifiers::SHIFT,
            _ => {
                return Err(format!(
                    "modificatore '{head}' sconosciuto in '{text}': usa Ctrl, Alt o Shift"
                ));
            }
        };
        if modifiers.contains(modifier) {
            return Err(format!("modificatore '{head}' ripetuto in '{text}'"));
        }
        modifiers |= modifier;
        rest = tail;
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) => KeyCode::Char(c),
        _ => {
            if let Some(n) = rest
                .strip_prefix(['F', 'f'])
                .and_then(|n| n.parse::<u8>().ok())
            {
                if (1..=12).contains(&n) {
                    KeyCode::F(n)
                } else {
                    return Err(format!("tasto funzione '{rest}' inesistente: F1…F12"));
                }
            } else {
                NAMED
                    .iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case(rest))
                    .map(|(_, code)| *code)
                    .ok_or_else(|| format!("tasto '{rest}' sconosciuto"))?
            }
        }
    };
    Ok(normalise(code, modifiers))
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {reason}")]
pub struct KeymapError {
    pub file: String,
    pub line: usize,
    pub reason: String,
}

type RawKeymap = BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Vec<Spanned<String>>>>;

#[derive(Debug, Clone, Default)]
pub struct Keymap {
    bindings: HashMap<(Context, Key), Action>,
}

/// The keymap shipped with the program.
pub const DEFAULT: &str = include_str!("../../keymaps/default.toml");

impl Keymap {
    pub fn default_keymap() -> Result<Keymap, KeymapError> {
        Keymap::parse(DEFAULT, "keymaps/default.toml")
    }

    pub fn parse(text: &str, file: &str) -> Result<Keymap, KeymapError> {
        let error = |offset: usize, reason: String| KeymapError {
            file: file.to_string(),
            line: text
                .get(..offset.min(text.len()))
                .map(|before| before.matches('\n').count() + 1)
                .unwrap_or(1),
            reason,
        };
        let raw: RawKeymap = toml::from_str(text).map_err(|e| {
            error(
                e.span().map(|s| s.start).unwrap_or(0),
                e.message().to_string(),
            )
        })?;
        let mut keymap = Keymap::default();
        for (context_name, actions) in raw {
            let context = Context::ALL
                .into_iter()
                .find(|c| c.name() == context_name.get_ref())
                .ok_or_else(|| {
                    error(
                        context_name.span().start,
                        format!("contesto '{}' sconosciuto", context_name.get_ref()),
                    )
                })?;
            for (action_name, keys) in actions {
                let action = Action::ALL
                    .into_iter()
                    .find(|a| a.name() == action_name.get_ref())
                    .ok_or_else(|| {
                        error(
                            action_name.span().start,
                            format!("azione '{}' sconosciuta", action_name.get_ref()),
                        )
                    })?;
                for key_text in keys {
                    let key = parse_key(key_text.get_ref())
                        .map_err(|e| error(key_text.span().start, e))?;
                    if let Some(other) = keymap.bindings.insert((context, key), action)
                        && other != action
                    {
                        return Err(error(
                            key_text.span().start,
                            format!(
                                "il tasto {key} è già assegnato a '{}' nel contesto '{}'",
                                other.name(),
                                context.name()
                            ),
                        ));
                    }
                }
            }
        }
        Ok(keymap)
    }

    pub fn action(&self, context: Context, event: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(event);
        self.bindings
            .get(&(context, key))
            .or_else(|| self.bindings.get(&(Context::Global, key)))
            .copied()
    }

    /// The keys bound to `action`, for help lines; sorted so that they read the same each time.
    pub fn keys_for(&self, context: Context, action: Action) -> Vec<String> {
        let mut keys: Vec<String> = self
            .bindings
            .iter()
            .filter(|((c, _), a)| (*c == context || *c == Context::Global) && **a == action)
            .map(|((_, key), _)| key.to_string())
            .collect();
        keys.sort();
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventKind;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent {
            code,
            modifiers,
            kind: KeyEventKind::Press,
            state: crossterm::event::KeyEventState::NONE,
        }
    }

    #[test]
    fn the_shipped_keymap_loads_and_quits_on_q_esc_and_ctrl_c() {
        let keymap = Keymap::default_keymap().unwrap();
        for (code, mods) in [
            (KeyCode::Char('q'), KeyModifiers::NONE),
            (KeyCode::Esc, KeyModifiers::NONE),
            (KeyCode::Char('c'), KeyModifiers::CONTROL),
        ] {
            assert_eq!(
                keymap.action(Context::Global, &press(code, mods)),
                Some(Action::Quit)
            );
        }
        assert_eq!(
            keymap.action(
                Context::Global,
                &press(KeyCode::Char('c'), KeyModifiers::NONE)
            ),
            None
        );
        assert_eq!(
            keymap.keys_for(Context::Global, Action::Quit),
            ["Ctrl+c", "Esc", "q"]
        );
    }

    #[test]
    fn keys_parse_with_modifiers_and_names() {
        assert_eq!(
            parse_key("Ctrl+c").unwrap(),
            normalise(KeyCode::Char('c'), KeyModifiers::CONTROL)
        );
        assert_eq!(parse_key("Shift+a").unwrap(), parse_key("A").unwrap());
        assert_eq!(parse_key("+").unwrap().code, KeyCode::Char('+'));
        assert_eq!(
            parse_key("Ctrl++").unwrap(),
            normalise(KeyCode::Char('+'), KeyModifiers::CONTROL)
        );
        assert_eq!(parse_key("pagedown").unwrap().code, KeyCode::PageDown);
        assert_eq!(parse_key("F12").unwrap().code, KeyCode::F(12));
        assert_eq!(
            parse_key("Alt+Shift+F5").unwrap().to_string(),
            "Alt+Shift+F5"
        );
    }

    #[test]
    fn bad_keys_are_refused_with_a_reason() {
        assert!(parse_key("").unwrap_err().contains("vuoto"));
        assert!(
            parse_key("Hyper+x")
                .unwrap_err()
                .contains("modificatore 'Hyper'")
        );
        assert!(parse_key("Ctrl+Ctrl+x").unwrap_err().contains("ripetuto"));
        assert!(parse_key("F13").unwrap_err().contains("F1…F12"));
        assert!(parse_key("Invia").unwrap_err().contains("sconosciuto"));
    }

    #[test]
    fn a_file_is_refused_with_file_and_line() {
        let unknown_action = "[globale]\nesci = [\"q\"]\nvola = [\"v\"]\n";
        let e = Keymap::parse(unknown_action, "mio.toml").unwrap_err();
        assert_eq!(e.to_string(), "mio.toml:3: azione 'vola' sconosciuta");

        let unknown_context = "\n[cucina]\nesci = [\"q\"]\n";
        let e = Keymap::parse(unknown_context, "mio.toml").unwrap_err();
        assert_eq!(
            (e.line, e.reason.as_str()),
            (2, "contesto 'cucina' sconosciuto")
        );

        let bad_key = "[globale]\nesci = [\"q\",\n  \"Ctrl+Hyper\"]\n";
        let e = Keymap::parse(bad_key, "mio.toml").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.reason.contains("'Hyper'"), "{e}");

        let not_toml = "[globale\nesci = 1";
        let e = Keymap::parse(not_toml, "mio.toml").unwrap_err();
        assert!(e.to_string().starts_with("mio.toml:1: "), "{e}");
    }
}
