//! The buttons of a message (CTAs): a YAML front matter at the start of the markdown, in the
//! layout of the IO documentation. IO shows a decoding error instead of the body when the YAML
//! does not parse, so it is generated in one fixed layout with every string double-quoted, and
//! read back by a strict parser that accepts that layout only.

use super::text::clean_line;
use super::values::parse_url;

/// The only action prefix generated: an https page opened by the app.
pub const ACTION_PREFIX: &str = "iohandledlink://";
/// What every action must start with.
pub const HTTPS_ACTION_PREFIX: &str = "iohandledlink://https://";
/// IO shows at most two buttons besides the payment one.
pub const MAX_CTAS: usize = 2;

const OPEN: &str = "---\n";
const CLOSE: &str = "\n---\n";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cta {
    pub text: String,
    /// `iohandledlink://https://…`.
    pub action: String,
}

/// Buttons in both languages the app knows; a missing language would hide them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FrontMatter {
    pub it: Vec<Cta>,
    pub en: Vec<Cta>,
}

/// The front matter, from `---\n` to the closing `---\n` included.
pub fn build(front: &FrontMatter) -> String {
    let mut out = String::from(OPEN);
    for (lang, ctas) in [("it", &front.it), ("en", &front.en)] {
        out.push_str(lang);
        out.push_str(":\n");
        for (i, cta) in ctas.iter().enumerate() {
            out.push_str(&format!("  cta_{}:\n", i + 1));
            out.push_str(&format!("    text: {}\n", quote(&cta.text)));
            out.push_str(&format!("    action: {}\n", quote(&cta.action)));
        }
    }
    out.push_str("---\n");
    out
}

/// A YAML double-quoted scalar on one line: only `\` and `"` need escaping once control
/// characters and line breaks are gone.
pub fn quote(s: &str) -> String {
    let clean = clean_line(s);
    let mut out = String::with_capacity(clean.len() + 2);
    out.push('"');
    for c in clean.chars() {
        if c == '\\' || c == '"' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Splits a markdown into its front matter and body. `Ok(None)` when it has no front matter,
/// i.e. does not start with `---`.
pub fn split(markdown: &str) -> Result<Option<(&str, &str)>, String> {
    if !markdown.starts_with("---") {
        return Ok(None);
    }
    if !markdown.starts_with(OPEN) {
        return Err("la prima riga deve essere esattamente ---".to_string());
    }
    // Search from the opening line's own newline, so that an empty front matter is found too.
    let from = OPEN.len() - 1;
    let Some(at) = markdown[from..].find(CLOSE) else {
        return Err("manca la riga --- che chiude l'intestazione".to_string());
    };
    let close = from + at;
    let yaml = markdown.get(OPEN.len()..close).unwrap_or("");
    Ok(Some((yaml, &markdown[close + CLOSE.len()..])))
}

/// Reads the front matter of a markdown, if any, and checks the rules IO applies to buttons.
pub fn parse(markdown: &str) -> Result<Option<(FrontMatter, &str)>, String> {
    let Some((yaml, body)) = split(markdown)? else {
        return Ok(None);
    };
    let front = parse_yaml(yaml)?;
    Ok(Some((front, body)))
}

#[derive(Default)]
struct PartialCta {
    text: Option<String>,
    action: Option<String>,
}

fn parse_yaml(yaml: &str) -> Result<FrontMatter, String> {
    // (language, [(cta number, fields)])
    let mut langs: Vec<(String, Vec<(String, PartialCta)>)> = Vec::new();
    for (i, line) in yaml.split('\n').enumerate() {
        let at = |reason: String| format!("riga {}: {reason}", i + 2);
        if let Some(key) = line.strip_suffix(':').filter(|k| !k.starts_with(' ')) {
            if key != "it" && key != "en" {
                return Err(at(format!("lingua «{key}» non ammessa: solo it ed en")));
            }
            if langs.iter().any(|(l, _)| l == key) {
                return Err(at(format!("lingua «{key}» ripetuta")));
            }
            langs.push((key.to_string(), Vec::new()));
        } else if let Some(key) = line
            .strip_prefix("  ")
            .and_then(|l| l.strip_suffix(':'))
            .filter(|k| !k.starts_with(' '))
        {
            let Some((_, ctas)) = langs.last_mut() else {
                return Err(at("pulsante fuori da una lingua".to_string()));
            };
            if key != "cta_1" && key != "cta_2" {
                return Err(at(format!(
                    "pulsante «{key}» non ammesso: al massimo cta_1 e cta_2"
                )));
            }
            if ctas.iter().any(|(k, _)| k == key) {
                return Err(at(format!("pulsante «{key}» ripetuto")));
            }
            ctas.push((key.to_string(), PartialCta::default()));
        } else if let Some((key, raw)) = line
            .strip_prefix("    ")
            .and_then(|l| l.split_once(": "))
            .filter(|(k, _)| !k.starts_with(' '))
        {
            let Some((_, cta)) = langs.last_mut().and_then(|(_, c)| c.last_mut()) else {
                return Err(at("campo fuori da un pulsante".to_string()));
            };
            let value = unquote(raw).map_err(at)?;
            let slot = match key {
                "text" => &mut cta.text,
                "action" => &mut cta.action,
                other => {
                    return Err(at(format!(
                        "campo «{other}» non ammesso: solo text e action"
                    )));
                }
            };
            if slot.replace(value).is_some() {
                return Err(at(format!("campo «{key}» ripetuto")));
            }
        } else {
            return Err(at(format!(
                "«{}» non è nel formato atteso",
                clean_line(line)
            )));
        }
    }

    let mut front = FrontMatter::default();
    for lang in ["it", "en"] {
        let Some(index) = langs.iter().position(|(l, _)| l == lang) else {
            return Err(format!("manca la lingua «{lang}»"));
        };
        let mut ctas = std::mem::take(&mut langs[index].1);
        ctas.sort_by(|a, b| a.0.cmp(&b.0));
        if ctas.first().is_none_or(|(k, _)| k != "cta_1") {
            return Err(format!("lingua «{lang}»: manca cta_1"));
        }
        let target = if lang == "it" {
            &mut front.it
        } else {
            &mut front.en
        };
        for (key, cta) in ctas {
            let (Some(text), Some(action)) = (cta.text, cta.action) else {
                return Err(format!("{lang}.{key}: servono text e action"));
            };
            if text.trim().is_empty() {
                return Err(format!("{lang}.{key}: testo del pulsante vuoto"));
            }
            check_action(&action).map_err(|reason| format!("{lang}.{key}: {reason}"))?;
            target.push(Cta { text, action });
        }
    }
    Ok(front)
}

/// A button opens an https page through the app; a bare https address is not an action IO
/// accepts, and other schemes are not generated.
pub fn check_action(action: &str) -> Result<(), String> {
    match action.strip_prefix(ACTION_PREFIX) {
        Some(url) if url.starts_with("https://") => parse_url(url),
        _ => Err(format!(
            "l'azione «{}» non inizia con {HTTPS_ACTION_PREFIX}",
            clean_line(action)
        )),
    }
}

/// The content of a double-quoted scalar written by `quote`.
fn unquote(raw: &str) -> Result<String, String> {
    let inner = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .ok_or_else(|| "il valore deve essere tra virgolette doppie".to_string())?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e @ ('\\' | '"')) => out.push(e),
                _ => return Err("sequenza di escape non ammessa".to_string()),
            },
            '"' => return Err("virgolette non precedute da \\".to_string()),
            c if c.is_control() => {
                return Err(format!(
                    "carattere di controllo U+{:04X} nel valore",
                    u32::from(c)
                ));
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cta(text: &str, url: &str) -> Cta {
        Cta {
            text: text.to_string(),
            action: format!("{ACTION_PREFIX}{url}"),
        }
    }

    fn sample() -> FrontMatter {
        FrontMatter {
            it: vec![
                cta("Vai al portale", "https://www.comune.example.it/pratiche"),
                cta("Disdici", "https://www.comune.example.it/disdetta"),
            ],
            en: vec![cta(
                "Go to portal",
                "https://www.comune.example.it/pratiche",
            )],
        }
    }

    #[test]
    fn layout_is_the_documented_one() {
        assert_eq!(
            build(&sample()),
            "---\n\
             it:\n  cta_1:\n    text: \"Vai al portale\"\n    action: \"iohandledlink://https://www.comune.example.it/pratiche\"\n\
             \x20 cta_2:\n    text: \"Disdici\"\n    action: \"iohandledlink://https://www.comune.example.it/disdetta\"\n\
             en:\n  cta_1:\n    text: \"Go to portal\"\n    action: \"iohandledlink://https://www.comune.example.it/pratiche\"\n\
             ---\n"
        );
    }

    #[test]
    fn round_trip() {
        let markdown = format!("{}Corpo del messaggio", build(&sample()));
        let (front, body) = parse(&markdown).unwrap().unwrap();
        assert_eq!(front, sample());
        assert_eq!(body, "Corpo del messaggio");
    }

    #[test]
    fn quoting_escapes_and_cleans() {
        assert_eq!(quote(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(quote("a\nb\u{0}c"), "\"a bc\"");
        let front = FrontMatter {
            it: vec![cta("\"\\\n---\n'#: x", "https://e.it")],
            en: vec![cta("ok", "https://e.it")],
        };
        let markdown = format!("{}body", build(&front));
        let (parsed, _) = parse(&markdown).unwrap().unwrap();
        assert_eq!(parsed.it[0].text, "\"\\ --- '#: x");
    }

    #[test]
    fn no_front_matter() {
        assert_eq!(parse("Solo testo").unwrap(), None);
        assert_eq!(split("").unwrap(), None);
    }

    #[test]
    fn refusals_name_the_rule() {
        let err = |m: &str| parse(m).unwrap_err();
        assert_eq!(err("----\n"), "la prima riga deve essere esattamente ---");
        assert_eq!(
            err("---\nit:\n"),
            "manca la riga --- che chiude l'intestazione"
        );
        assert_eq!(err("---\n---\nbody"), "riga 2: «» non è nel formato atteso");
        let ok_it = "it:\n  cta_1:\n    text: \"A\"\n    action: \"iohandledlink://https://e.it\"";
        let ok_en = "en:\n  cta_1:\n    text: \"A\"\n    action: \"iohandledlink://https://e.it\"";
        assert_eq!(
            err(&format!("---\n{ok_it}\n---\nbody")),
            "manca la lingua «en»"
        );
        assert_eq!(
            err(&format!("---\n{ok_it}\nde:\n---\nbody")),
            "riga 6: lingua «de» non ammessa: solo it ed en"
        );
        assert_eq!(
            err(&format!("---\n{ok_it}\n{ok_it}\n---\nbody")),
            "riga 6: lingua «it» ripetuta"
        );
        assert_eq!(
            err(&format!("---\n{ok_it}\n  cta_3:\n{ok_en}\n---\nbody")),
            "riga 6: pulsante «cta_3» non ammesso: al massimo cta_1 e cta_2"
        );
        assert_eq!(
            err(&format!(
                "---\n{ok_en}\nit:\n  cta_2:\n    text: \"A\"\n    action: \"iohandledlink://https://e.it\"\n---\nb"
            )),
            "lingua «it»: manca cta_1"
        );
        assert_eq!(
            err(&format!(
                "---\n{ok_en}\nit:\n  cta_1:\n    text: \"A\"\n---\nb"
            )),
            "it.cta_1: servono text e action"
        );
        assert_eq!(
            err(&format!(
                "---\n{ok_en}\nit:\n  cta_1:\n    text: \"\"\n    action: \"iohandledlink://https://e.it\"\n---\nb"
            )),
            "it.cta_1: testo del pulsante vuoto"
        );
        assert_eq!(
            err(&format!("---\n{ok_en}\nit:\n  cta_1:\n    text: A\n---\nb")),
            "riga 8: il valore deve essere tra virgolette doppie"
        );
        assert_eq!(
            err(&format!(
                "---\n{ok_en}\nit:\n  cta_1:\n    text: \"A\\n\"\n---\nb"
            )),
            "riga 8: sequenza di escape non ammessa"
        );
        assert_eq!(
            err(&format!(
                "---\n{ok_en}\nit:\n  cta_1:\n    label: \"A\"\n---\nb"
            )),
            "riga 8: campo «label» non ammesso: solo text e action"
        );
        assert_eq!(
            err(&format!(
                "---\n{ok_en}\nit:\n  cta_1:\n    text: \"A\"\n    text: \"B\"\n---\nb"
            )),
            "riga 9: campo «text» ripetuto"
        );
        assert_eq!(
            err(&format!(
                "---\n{ok_en}\nit:\n  cta_1:\n    text: \"A\"\n    action: \"https://e.it\"\n---\nb"
            )),
            "it.cta_1: l'azione «https://e.it» non inizia con iohandledlink://https://"
        );
        assert_eq!(
            err(&format!(
                "---\n{ok_en}\nit:\n  cta_1:\n    text: \"A\"\n    action: \"iohandledlink://tel:0612345678\"\n---\nb"
            )),
            "it.cta_1: l'azione «iohandledlink://tel:0612345678» non inizia con iohandledlink://https://"
        );
        assert_eq!(
            err("---\n  cta_1:\n---\nb"),
            "riga 2: pulsante fuori da una lingua"
        );
    }

    #[test]
    fn action_rule() {
        assert!(check_action("iohandledlink://https://www.example.it/a").is_ok());
        assert!(check_action("https://www.example.it").is_err());
        assert!(check_action("iohandledlink://http://www.example.it").is_err());
        assert!(check_action("iohandledlink://https://www.example.it/a b").is_err());
        assert!(check_action("ioit://main/messages").is_err());
    }
}
