//! The command line's own words in Italian: clap writes its help headings, usage lines and usage
//! errors in English, so the headings come from templates and the errors are told here from
//! their kind and context.

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// Every command with Italian headings (only the sections it has), Italian placeholders in the
/// usage line, and defaults and variables told in Italian after the description.
pub fn localized(command: clap::Command) -> clap::Command {
    let mut command = headings(command);
    command.build();
    italian_usage(command)
}

fn headings(command: clap::Command) -> clap::Command {
    let mut template = String::from("{about-with-newline}\nUso: {usage}\n");
    if command.get_positionals().next().is_some() {
        template.push_str("\nArgomenti:\n{positionals}\n");
    }
    template.push_str("\nOpzioni:\n{options}\n");
    if command.has_subcommands() {
        template.push_str("\nComandi:\n{subcommands}\n");
    }
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_string())
        .collect();
    let mut command = italian_notes(command)
        .help_template(template)
        .subcommand_value_name("COMANDO");
    for name in names {
        command = command.mut_subcommand(name, headings);
    }
    command
}

/// clap appends `[default: 5m]` and `[env: ALLOGGI_DB]`: the same facts, in Italian.
fn italian_notes(command: clap::Command) -> clap::Command {
    let notes: Vec<(String, String)> = command
        .get_arguments()
        .filter_map(|arg| {
            let mut notes = Vec::new();
            let defaults: Vec<String> = arg
                .get_default_values()
                .iter()
                .map(|v| v.to_string_lossy().into_owned())
                .collect();
            let shown = arg.get_action().takes_values() && !arg.is_hide_default_value_set();
            if !defaults.is_empty() && shown {
                notes.push(format!("predefinito: {}", defaults.join(", ")));
            }
            if let Some(env) = arg.get_env() {
                notes.push(format!("variabile {}", env.to_string_lossy()));
            }
            (!notes.is_empty()).then(|| (arg.get_id().to_string(), notes.join("; ")))
        })
        .collect();
    let mut command = command;
    for (id, note) in notes {
        command = command.mut_arg(id, |arg| {
            let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            let help = help.trim_end_matches('.').to_string();
            // A flag has no default to hide (clap refuses the setting on it).
            let arg = if arg.get_action().takes_values() {
                arg.hide_default_value(true)
            } else {
                arg
            };
            arg.hide_env(true).help(format!("{help} [{note}]"))
        });
    }
    command
}

/// Set on a built command, whose usage knows the parents' names: `alloggi ranking show [OPZIONI]`.
fn italian_usage(mut command: clap::Command) -> clap::Command {
    let usage = italian(&command.render_usage().to_string());
    let usage = usage.strip_prefix("Uso: ").unwrap_or(&usage).to_string();
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_string())
        .collect();
    command = command.override_usage(usage);
    for name in names {
        command = command.mut_subcommand(name, italian_usage);
    }
    command
}

/// clap's fixed words in a usage line.
fn italian(text: &str) -> String {
    text.replace("Usage:", "Uso:")
        .replace("[OPTIONS]", "[OPZIONI]")
        .replace("[COMMAND]", "[COMANDO]")
        .replace("<COMMAND>", "<COMANDO>")
}

/// A usage error told in Italian: what is wrong, the usage line, where the help is.
pub fn message(error: &clap::Error) -> String {
    let mut text = format!("errore: {}", reason(error));
    if let Some(hint) = suggestion(error) {
        text.push_str(&format!("\n\n  suggerimento: {hint}"));
    }
    if let Some(ContextValue::StyledStr(usage)) = error.get(ContextKind::Usage) {
        text.push_str(&format!("\n\n{}", italian(&usage.to_string())));
    }
    text.push_str("\n\nPer l'aiuto: --help");
    text
}

fn reason(error: &clap::Error) -> String {
    let arg = list(error, ContextKind::InvalidArg);
    let value = string(error, ContextKind::InvalidValue);
    match error.kind() {
        ErrorKind::InvalidSubcommand => format!(
            "il comando «{}» non esiste",
            string(error, ContextKind::InvalidSubcommand)
        ),
        ErrorKind::UnknownArgument if arg.starts_with("«-") => {
            format!("l'opzione {arg} non esiste per questo comando")
        }
        ErrorKind::UnknownArgument => format!("{arg} in più: questo comando non lo prevede"),
        ErrorKind::MissingRequiredArgument => {
            format!("manca {}", list(error, ContextKind::InvalidArg))
        }
        ErrorKind::MissingSubcommand => format!(
            "manca il comando; uno tra: {}",
            list(error, ContextKind::ValidSubcommand)
        ),
        ErrorKind::InvalidValue if value.is_empty() => format!("manca il valore di {arg}"),
        ErrorKind::InvalidValue => {
            let allowed = list(error, ContextKind::ValidValue);
            if allowed.is_empty() {
                format!("valore «{value}» non ammesso per {arg}")
            } else {
                format!("valore «{value}» non ammesso per {arg} (ammessi: {allowed})")
            }
        }
        ErrorKind::ValueValidation => format!(
            "valore «{value}» non valido per {arg}: {}",
            validation_reason(error)
        ),
        ErrorKind::ArgumentConflict => {
            let prior = list(error, ContextKind::PriorArg);
            if prior.is_empty() || prior == arg {
                format!("{arg} si può dare una volta sola")
            } else {
                format!("{arg} non si usa insieme a {prior}")
            }
        }
        ErrorKind::NoEquals => format!("{arg} vuole il valore dopo '=' (es. {arg}=VALORE)"),
        ErrorKind::TooManyValues => format!("valore «{value}» di troppo per {arg}"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("numero di valori sbagliato per {arg}")
        }
        ErrorKind::InvalidUtf8 => "un argomento non è testo UTF-8".to_string(),
        _ => "riga di comando non valida".to_string(),
    }
}

/// The parser's own reason: our parsers speak Italian; the standard number parsers do not.
fn validation_reason(error: &clap::Error) -> String {
    use std::error::Error as _;
    let Some(source) = error.source() else {
        return "valore non ammesso".to_string();
    };
    if source.downcast_ref::<std::num::ParseIntError>().is_some() {
        return "serve un numero intero non negativo".to_string();
    }
    source.to_string()
}

fn suggestion(error: &clap::Error) -> Option<String> {
    let command = list(error, ContextKind::SuggestedSubcommand);
    if !command.is_empty() {
        return Some(format!("forse si intendeva il comando {command}"));
    }
    let arg = list(error, ContextKind::SuggestedArg);
    if !arg.is_empty() {
        return Some(format!("forse si intendeva {arg}"));
    }
    let value = list(error, ContextKind::SuggestedValue);
    if !value.is_empty() {
        return Some(format!("forse si intendeva {value}"));
    }
    if let Some(ContextValue::Bool(true)) = error.get(ContextKind::TrailingArg) {
        return Some("per un valore che comincia con '-' scrivere prima «--»".to_string());
    }
    None
}

fn string(error: &clap::Error, kind: ContextKind) -> String {
    match error.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(list)) => list.join(", "),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::StyledStrs(list)) => list
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    }
}

/// A list of names, each in «»: «--motivo <TESTO>», «--punti <PUNTI>».
fn list(error: &clap::Error, kind: ContextKind) -> String {
    let items: Vec<String> = match error.get(kind) {
        Some(ContextValue::String(s)) => vec![s.clone()],
        Some(ContextValue::Strings(list)) => list.clone(),
        Some(ContextValue::StyledStr(s)) => vec![s.to_string()],
        Some(ContextValue::StyledStrs(list)) => list.iter().map(|s| s.to_string()).collect(),
        _ => Vec::new(),
    };
    items
        .iter()
        .map(|item| format!("«{item}»"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_usage_line_is_italian() {
        assert_eq!(
            italian("Usage: alloggi [OPTIONS] <COMMAND>"),
            "Uso: alloggi [OPZIONI] <COMANDO>"
        );
    }
}
