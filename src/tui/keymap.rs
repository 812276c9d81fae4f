//! Key bindings as data. A keymap file is refused whole, with `file:line: motivo`, when a key
//! cannot be parsed, an action or context is unknown, or a key is bound twice in one context:
//! the console never starts on a guess.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use toml::Spanned;

pub use super::actions::Action;
use super::screens::ScreenId;

/// Where a binding applies: the `globale` section, one section per screen (named by the
/// screen), and the sections of the overlays. Screen contexts also see the `globale` bindings;
/// the contexts that take typed text (search, palette, help filter, forms, confirmations) see
/// only their own, so that typing a letter never fires a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Global,
    Screen(ScreenId),
    Search,
    Palette,
    Help,
    Form,
    Confirm,
    Preview,
}

/// The overlays' contexts, after the screens'.
const OVERLAYS: [Context; 6] = [
    Context::Search,
    Context::Palette,
    Context::Help,
    Context::Form,
    Context::Confirm,
    Context::Preview,
];

impl Context {
    /// Every context: `globale`, the screens in the registry's order, the overlays.
    pub fn all() -> Vec<Context> {
        std::iter::once(Context::Global)
            .chain(ScreenId::ALL.iter().map(|id| Context::Screen(*id)))
            .chain(OVERLAYS)
            .collect()
    }

    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "globale",
            Context::Screen(screen) => screen.info().context,
            Context::Search => "ricerca",
            Context::Palette => "comandi",
            Context::Help => "aiuto",
            Context::Form => "modulo",
            Context::Confirm => "conferma",
            Context::Preview => "anteprima",
        }
    }

    /// Screens inherit the global bindings; text-taking overlays do not.
    pub fn inherits_global(self) -> bool {
        matches!(self, Context::Screen(_))
    }

    /// The actions a keymap may bind in this context: a screen's are the ones it declares.
    pub fn actions(self) -> Vec<Action> {
        use Action::*;
        match self {
            Context::Global => Action::global(),
            Context::Screen(screen) => screen.info().actions.to_vec(),
            Context::Search => vec![Cancel, Confirm, Up, Down, PageUp, PageDown],
            Context::Palette => vec![Cancel, Confirm, Up, Down],
            Context::Help => vec![Cancel, Up, Down, PageUp, PageDown],
            Context::Form => vec![Cancel, Save, Confirm, NextField, PreviousField],
            Context::Confirm => vec![Yes, No],
            Context::Preview => vec![Cancel, Confirm, Up, Down, PageUp, PageDown, WithdrawQueued],
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
        // Terminals report Shift+Tab as BackTab with Shift held: BackTab already says it.
        KeyCode::BackTab => {
            modifiers.remove(KeyModifiers::SHIFT);
            KeyCode::BackTab
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

/// A refused keymap file: `file:line: motivo` (no line when the file cannot be read at all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeymapError {
    pub file: String,
    pub line: usize,
    pub reason: String,
}

impl fmt::Display for KeymapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.reason)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.reason)
        }
    }
}

impl std::error::Error for KeymapError {}

/// One or more keys pressed in order, such as `g g`.
pub type Sequence = Vec<Key>;

/// Parses `g g` (keys separated by spaces) into a sequence.
pub fn parse_sequence(text: &str) -> Result<Sequence, String> {
    let keys = text
        .split_whitespace()
        .map(parse_key)
        .collect::<Result<Vec<_>, _>>()?;
    if keys.is_empty() {
        return Err("tasto vuoto".into());
    }
    Ok(keys)
}

pub fn sequence_label(sequence: &[Key]) -> String {
    sequence
        .iter()
        .map(Key::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

type RawKeymap = BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Vec<Spanned<String>>>>;

/// Where a binding was written, so that a conflict names the line that caused it.
#[derive(Debug, Clone)]
struct Origin {
    file: String,
    line: usize,
}

/// What a key press means, given the keys pressed before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    Action(Action),
    /// The keys so far start a longer sequence: wait for the next one.
    Pending,
    Unbound,
}

#[derive(Debug, Clone, Default)]
pub struct Keymap {
    bindings: HashMap<(Context, Sequence), Action>,
    /// Position of each binding in the files, so keys are listed in the order written.
    rank: HashMap<(Context, Sequence), usize>,
}

/// The keymaps shipped with the program. Every other file is laid over the default one.
pub const DEFAULT: &str = include_str!("../../keymaps/default.toml");
pub const VIM: &str = include_str!("../../keymaps/vim.toml");

/// One keymap file's text and the name its errors carry.
#[derive(Debug, Clone)]
pub struct Layer {
    pub file: String,
    pub text: String,
}

impl Layer {
    pub fn new(file: impl Into<String>, text: impl Into<String>) -> Layer {
        Layer {
            file: file.into(),
            text: text.into(),
        }
    }
}

/// Parsed entries of one file, in file order: (context, action, keys with their origins).
type LayerEntries = Vec<(Context, Action, Vec<(Sequence, Origin)>)>;

fn parse_layer(layer: &Layer) -> Result<LayerEntries, KeymapError> {
    let text = &layer.text;
    let error = |offset: usize, reason: String| KeymapError {
        file: layer.file.clone(),
        line: line_of(text, offset),
        reason,
    };
    let raw: RawKeymap = toml::from_str(text).map_err(|e| {
        error(
            e.span().map(|s| s.start).unwrap_or(0),
            crate::files::reasons::toml(e.message()),
        )
    })?;
    let mut entries = Vec::new();
    for (context_name, actions) in raw {
        let context = Context::all()
            .into_iter()
            .find(|c| c.name() == context_name.get_ref())
            .ok_or_else(|| {
                error(
                    context_name.span().start,
                    format!("contesto '{}' sconosciuto", context_name.get_ref()),
                )
            })?;
        let offered = context.actions();
        for (action_name, keys) in actions {
            let name = action_name.get_ref();
            // A screen's section takes only what that screen declares; a name known elsewhere
            // is refused as out of place, any other as unknown.
            let action = match offered.iter().find(|a| a.name() == name) {
                Some(action) => *action,
                None if Action::all().iter().any(|a| a.name() == name) => {
                    return Err(error(
                        action_name.span().start,
                        format!(
                            "azione '{name}' non disponibile nel contesto '{}'",
                            context.name()
                        ),
                    ));
                }
                None => {
                    return Err(error(
                        action_name.span().start,
                        format!("azione '{name}' sconosciuta"),
                    ));
                }
            };
            let mut sequences = Vec::new();
            for key_text in keys {
                let sequence = parse_sequence(key_text.get_ref())
                    .map_err(|e| error(key_text.span().start, e))?;
                let origin = Origin {
                    file: layer.file.clone(),
                    line: line_of(text, key_text.span().start),
                };
                sequences.push((sequence, origin));
            }
            entries.push((context, action, sequences));
        }
    }
    Ok(entries)
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len()))
        .map(|before| before.matches('\n').count() + 1)
        .unwrap_or(1)
}

impl Keymap {
    pub fn default_keymap() -> Result<Keymap, KeymapError> {
        Keymap::layered(&[Layer::new("keymaps/default.toml", DEFAULT)])
    }

    /// A single file on its own (tests and tools); the console uses `layered`.
    pub fn parse(text: &str, file: &str) -> Result<Keymap, KeymapError> {
        Keymap::layered(&[Layer::new(file, text)])
    }

    /// Lays each file over the ones before it: a file replaces the keys of the actions it
    /// names and leaves every other action as it was. The result is then checked whole.
    pub fn layered(layers: &[Layer]) -> Result<Keymap, KeymapError> {
        let mut merged: LayerEntries = Vec::new();
        for layer in layers {
            for (context, action, keys) in parse_layer(layer)? {
                match merged
                    .iter_mut()
                    .find(|(c, a, _)| *c == context && *a == action)
                {
                    Some(entry) => entry.2 = keys,
                    None => merged.push((context, action, keys)),
                }
            }
        }
        let mut all: Vec<(Context, Action, Sequence, Origin)> = merged
            .into_iter()
            .flat_map(|(c, a, keys)| keys.into_iter().map(move |(k, o)| (c, a, k, o)))
            .collect();
        // Later layers and later lines last, so a conflict names the line that introduced it.
        let layer_rank = |file: &str| layers.iter().position(|l| l.file == file).unwrap_or(0);
        all.sort_by_key(|(_, _, _, o)| (layer_rank(&o.file), o.line));
        let mut keymap = Keymap::default();
        let mut seen: Vec<(Context, Action, Sequence)> = Vec::new();
        for (context, action, sequence, origin) in all {
            let clash = seen.iter().find(|(c, a, k)| {
                let shares_scope = *c == context
                    || (*c == Context::Global && context.inherits_global())
                    || (context == Context::Global && c.inherits_global());
                let overlaps = k.starts_with(&sequence) || sequence.starts_with(k);
                shares_scope && overlaps && !(*a == action && *k == sequence)
            });
            if let Some((other_context, other_action, other_keys)) = clash {
                let reason = if *other_keys == sequence {
                    format!(
                        "il tasto {} è già assegnato a '{}' nel contesto '{}'",
                        sequence_label(&sequence),
                        other_action.name(),
                        other_context.name()
                    )
                } else {
                    format!(
                        "i tasti {} e {} ('{}') si sovrappongono nel contesto '{}': uno è l'inizio dell'altro",
                        sequence_label(&sequence),
                        sequence_label(other_keys),
                        other_action.name(),
                        other_context.name()
                    )
                };
                return Err(KeymapError {
                    file: origin.file,
                    line: origin.line,
                    reason,
                });
            }
            keymap.bindings.insert((context, sequence.clone()), action);
            keymap.rank.insert((context, sequence.clone()), seen.len());
            seen.push((context, action, sequence));
        }
        Ok(keymap)
    }

    /// The action for `key` after `pending` keys in `context`, looking in `globale` too for screens.
    pub fn resolve(&self, context: Context, pending: &[Key], key: Key) -> Resolution {
        let mut sequence = pending.to_vec();
        sequence.push(key);
        let scopes: &[Context] = if context.inherits_global() {
            &[context, Context::Global]
        } else {
            &[context]
        };
        for scope in scopes {
            if let Some(action) = self.bindings.get(&(*scope, sequence.clone())) {
                return Resolution::Action(*action);
            }
        }
        let longer = self.bindings.keys().any(|(c, keys)| {
            scopes.contains(c) && keys.len() > sequence.len() && keys.starts_with(&sequence)
        });
        if longer {
            Resolution::Pending
        } else {
            Resolution::Unbound
        }
    }

    /// Single-key lookup.
    pub fn action(&self, context: Context, event: &KeyEvent) -> Option<Action> {
        match self.resolve(context, &[], Key::from_event(event)) {
            Resolution::Action(action) => Some(action),
            _ => None,
        }
    }

    /// The keys bound to `action` in `context` (and `globale` for screens), in the order the
    /// keymap files list them: the first is the one the key bar shows.
    pub fn keys_for(&self, context: Context, action: Action) -> Vec<String> {
        let mut keys: Vec<(bool, usize, String)> = self
            .bindings
            .iter()
            .filter(|((c, _), a)| {
                (*c == context || (*c == Context::Global && context.inherits_global()))
                    && **a == action
            })
            .map(|((c, keys), _)| {
                let rank = self.rank.get(&(*c, keys.clone())).copied().unwrap_or(0);
                (*c == Context::Global, rank, sequence_label(keys))
            })
            .collect();
        keys.sort();
        let mut labels: Vec<String> = keys.into_iter().map(|(_, _, k)| k).collect();
        labels.dedup();
        labels
    }

    /// The first key of `action`, for the key bar; `None` when the keymap leaves it unbound.
    pub fn first_key(&self, context: Context, action: Action) -> Option<String> {
        self.keys_for(context, action).into_iter().next()
    }

    /// The first key of `action` as the screen shows it (arrows, Italian names).
    pub fn shown_key(&self, context: Context, action: Action) -> Option<String> {
        self.first_key(context, action).map(|k| key_label(&k))
    }
}

/// How a key written in a keymap file is shown on screen: arrows as arrows, names in Italian.
pub fn key_label(key: &str) -> String {
    key.split(' ')
        .map(|part| {
            let (modifiers, name) = match part.rfind('+').filter(|i| *i + 1 < part.len()) {
                Some(i) => part.split_at(i + 1),
                None => ("", part),
            };
            let name = match name {
                "Up" => "↑",
                "Down" => "↓",
                "Left" => "←",
                "Right" => "→",
                "Enter" => "Invio",
                "Space" => "Spazio",
                "PageUp" => "PagSu",
                "PageDown" => "PagGiù",
                "Home" => "Inizio",
                "End" => "Fine",
                "BackTab" => "Maiusc+Tab",
                "Backspace" => "Canc←",
                "Delete" => "Canc",
                other => other,
            };
            format!("{}{name}", modifiers.replace("Shift+", "Maiusc+"))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Which keymap the console uses: a shipped one by name, or a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    Default,
    Vim,
    File(std::path::PathBuf),
}

impl Choice {
    pub fn parse(text: &str) -> Choice {
        match text {
            "default" | "predefinita" => Choice::Default,
            "vim" => Choice::Vim,
            path => Choice::File(path.into()),
        }
    }
}

/// The user's own overrides: `$XDG_CONFIG_HOME/alloggi/keymap.toml`.
pub fn user_file() -> Option<std::path::PathBuf> {
    directories::BaseDirs::new().map(|dirs| dirs.config_dir().join("alloggi").join("keymap.toml"))
}

/// Loads the default keymap, the chosen one over it, then the user's file when it exists.
pub fn load(choice: &Choice, user: Option<&std::path::Path>) -> Result<Keymap, KeymapError> {
    over_default(chosen_layers(choice, user)?)
}

/// The default keymap with `layers` over it, in order.
pub fn over_default(layers: Vec<Layer>) -> Result<Keymap, KeymapError> {
    let mut all = vec![Layer::new("keymaps/default.toml", DEFAULT)];
    all.extend(layers);
    Keymap::layered(&all)
}

/// The layers that go over the default one: the chosen keymap, then the user's file when it
/// exists, read by the caller (a served console gets them from its client).
pub fn chosen_layers(
    choice: &Choice,
    user: Option<&std::path::Path>,
) -> Result<Vec<Layer>, KeymapError> {
    let read = |path: &std::path::Path| {
        crate::files::text::read_text(path).map_err(|reason| KeymapError {
            file: path.display().to_string(),
            line: 0,
            reason,
        })
    };
    let mut layers = Vec::new();
    match choice {
        Choice::Default => {}
        Choice::Vim => layers.push(Layer::new("keymaps/vim.toml", VIM)),
        Choice::File(path) => layers.push(Layer::new(path.display().to_string(), read(path)?)),
    }
    if let Some(path) = user.filter(|p| p.is_file()) {
        layers.push(Layer::new(path.display().to_string(), read(path)?));
    }
    Ok(layers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::actions::{ADMIT, EXCLUDE, SEARCH};

    const INBOX: Context = Context::Screen(ScreenId::Inbox);
    const CASE: Context = Context::Screen(ScreenId::Case);

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    fn key(text: &str) -> Key {
        parse_key(text).unwrap()
    }

    fn layered(files: &[(&str, &str)]) -> Result<Keymap, KeymapError> {
        let mut layers = vec![Layer::new("keymaps/default.toml", DEFAULT)];
        layers.extend(files.iter().map(|(f, t)| Layer::new(*f, *t)));
        Keymap::layered(&layers)
    }

    #[test]
    fn a_broken_keymap_file_is_told_in_italian_with_its_line() {
        let err = layered(&[("mia.toml", "[inbox\nesci = \"x\"\n")]).unwrap_err();
        assert_eq!(err.line, 1);
        assert_eq!(err.reason, "intestazione non chiusa: manca ']'");
        let err = layered(&[("mia.toml", "[inbox]\nesci = \"x\n")]).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.reason.starts_with("testo non chiuso"), "{}", err.reason);
    }

    #[test]
    fn the_shipped_keymaps_load() {
        let keymap = Keymap::default_keymap().unwrap();
        assert_eq!(
            keymap.action(INBOX, &press(KeyCode::Char('q'), KeyModifiers::NONE)),
            Some(Action::Quit),
            "screens see the global keys"
        );
        assert_eq!(
            keymap.action(
                Context::Global,
                &press(KeyCode::Char('c'), KeyModifiers::CONTROL)
            ),
            Some(Action::Quit)
        );
        assert_eq!(
            keymap.action(
                Context::Search,
                &press(KeyCode::Char('q'), KeyModifiers::NONE)
            ),
            None,
            "typing contexts do not inherit: q is a letter of the query"
        );
        assert_eq!(keymap.keys_for(INBOX, Action::Quit), ["q", "Ctrl+c"]);
        assert_eq!(
            keymap.first_key(CASE, Action::Screen(ADMIT)).as_deref(),
            Some("a")
        );
        load(&Choice::Vim, None).unwrap();
    }

    #[test]
    fn every_action_has_a_key_in_some_context_of_the_default_keymap() {
        let keymap = Keymap::default_keymap().unwrap();
        for action in Action::all() {
            let bound = Context::all()
                .iter()
                .any(|c| c.actions().contains(&action) && !keymap.keys_for(*c, action).is_empty());
            assert!(bound, "'{}' has no key", action.name());
        }
    }

    #[test]
    fn every_action_a_context_offers_has_a_name_and_a_description() {
        for context in Context::all() {
            for action in context.actions() {
                assert!(Action::all().contains(&action), "{action:?}");
                assert_ne!(action.name(), "?");
                assert_ne!(action.description(), "?");
            }
        }
        let names: std::collections::BTreeSet<&str> =
            Action::all().into_iter().map(Action::name).collect();
        assert_eq!(names.len(), Action::all().len(), "names are unique");
    }

    #[test]
    fn esc_always_has_a_ctrl_alternative() {
        let keymap = Keymap::default_keymap().unwrap();
        for context in Context::all() {
            for action in context.actions() {
                let keys = keymap.keys_for(context, action);
                if keys.iter().any(|k| k == "Esc") {
                    assert!(
                        keys.iter().any(|k| k.starts_with("Ctrl+")),
                        "{}/{}: Esc without a Ctrl alternative",
                        context.name(),
                        action.name()
                    );
                }
            }
        }
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
        assert_eq!(parse_sequence("g g").unwrap(), vec![key("g"), key("g")]);
    }

    #[test]
    fn bad_keys_are_refused_with_a_reason() {
        assert!(parse_key("").unwrap_err().contains("vuoto"));
        assert!(parse_sequence("  ").unwrap_err().contains("vuoto"));
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
    fn an_unknown_action_context_or_key_is_refused_with_file_and_line() {
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

        let misplaced = "[ricerca]\nesci = [\"q\"]\n";
        let e = Keymap::parse(misplaced, "mio.toml").unwrap_err();
        assert_eq!(
            e.to_string(),
            "mio.toml:2: azione 'esci' non disponibile nel contesto 'ricerca'"
        );
    }

    #[test]
    fn a_screen_section_takes_only_the_actions_that_screen_declares() {
        // The inbox registers; the audit log does not, so its section may not bind it.
        let foreign = "[registro]\nfiltra = [\"f\"]\n\nprotocolla = [\"p\"]\n";
        let e = Keymap::parse(foreign, "mio.toml").unwrap_err();
        assert_eq!(
            e.to_string(),
            "mio.toml:4: azione 'protocolla' non disponibile nel contesto 'registro'"
        );
        // A shared action belongs to `globale`, not to a screen's section.
        let shared = "[agenda]\nesci = [\"q\"]\n";
        let e = Keymap::parse(shared, "mio.toml").unwrap_err();
        assert_eq!(
            e.to_string(),
            "mio.toml:2: azione 'esci' non disponibile nel contesto 'agenda'"
        );
        // Each screen's own actions load in its own section.
        for screen in ScreenId::ALL {
            let context = Context::Screen(*screen);
            for action in context.actions() {
                let text = format!("[{}]\n{} = [\"F12\"]\n", context.name(), action.name());
                let keymap = Keymap::parse(&text, "mio.toml").unwrap();
                assert_eq!(keymap.keys_for(context, action), ["F12"], "{text}");
            }
        }
    }

    #[test]
    fn a_key_bound_twice_in_one_context_is_refused() {
        let twice = "[domande]\ncerca = [\"/\"]\nordina = [\"o\", \"/\"]\n";
        let e = Keymap::parse(twice, "mio.toml").unwrap_err();
        assert_eq!(
            e.to_string(),
            "mio.toml:3: il tasto / è già assegnato a 'cerca' nel contesto 'domande'"
        );
        // A screen key that shadows a global one is the same conflict.
        let shadow = "[globale]\nesci = [\"q\"]\n[domande]\nprotocolla = [\"q\"]\n";
        let e = Keymap::parse(shadow, "mio.toml").unwrap_err();
        assert_eq!(e.line, 4);
        assert!(e.reason.contains("'esci'"), "{e}");
        // The same key in two contexts that never meet is fine.
        let apart = "[scheda]\nprotocolla = [\"p\"]\n[registro]\nfiltra = [\"p\"]\n";
        Keymap::parse(apart, "mio.toml").unwrap();
    }

    #[test]
    fn a_sequence_that_starts_another_is_refused() {
        let prefix = "[globale]\ninizio = [\"g g\"]\nfine = [\"g\"]\n";
        let e = Keymap::parse(prefix, "mio.toml").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.reason.contains("si sovrappongono"), "{e}");
    }

    #[test]
    fn a_user_file_overrides_only_the_actions_it_names() {
        let user = "[scheda]\nammetti = [\"A\"]\n";
        let keymap = layered(&[("utente.toml", user)]).unwrap();
        assert_eq!(keymap.keys_for(CASE, Action::Screen(ADMIT)), ["A"]);
        assert_eq!(keymap.keys_for(CASE, Action::Screen(EXCLUDE)), ["x"]);
        assert_eq!(
            keymap.keys_for(INBOX, Action::Screen(SEARCH)),
            ["/", "Ctrl+f"]
        );
    }

    #[test]
    fn a_user_key_that_clashes_with_the_default_names_the_user_file() {
        let user = "\n[scheda]\nammetti = [\"x\"]\n";
        let e = layered(&[("utente.toml", user)]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "utente.toml:3: il tasto x è già assegnato a 'escludi' nel contesto 'scheda'"
        );
    }

    #[test]
    fn sequences_wait_for_their_next_key() {
        let keymap = load(&Choice::Vim, None).unwrap();
        assert_eq!(keymap.resolve(INBOX, &[], key("g")), Resolution::Pending);
        assert_eq!(
            keymap.resolve(INBOX, &[key("g")], key("g")),
            Resolution::Action(Action::Top)
        );
        assert_eq!(
            keymap.resolve(INBOX, &[key("g")], key("x")),
            Resolution::Unbound
        );
        assert_eq!(
            keymap.resolve(INBOX, &[], key("G")),
            Resolution::Action(Action::Bottom)
        );
        assert_eq!(
            keymap.resolve(INBOX, &[], key("Ctrl+d")),
            Resolution::Action(Action::PageDown)
        );
    }

    #[test]
    fn a_missing_keymap_file_is_refused_by_name() {
        let e = load(&Choice::File("/nessuna/mappa.toml".into()), None).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("/nessuna/mappa.toml: impossibile leggere"),
            "{e}"
        );
    }

    #[test]
    fn on_screen_labels_use_arrows_and_italian_names() {
        assert_eq!(key_label("Down"), "↓");
        assert_eq!(key_label("Ctrl+Right"), "Ctrl+→");
        assert_eq!(key_label("Enter"), "Invio");
        assert_eq!(key_label("g g"), "g g");
        assert_eq!(key_label("+"), "+");
    }
}
