//! The demo's names, places, streets and notes. They are data files in `fixtures/demo/` (one
//! entry per line; the communities, which carry several lists each, in TOML), compiled in the
//! way `catalogue/` is and read once. The entries and their order decide the generated data
//! byte for byte, so the files are part of the demo's promise of reproducibility.

use std::sync::OnceLock;

use serde::Deserialize;
use toml::Spanned;

use crate::files::text::line_of;

/// A compiled-in data file: its name in `fixtures/demo/` and its text.
type Source = (&'static str, &'static str);

macro_rules! demo_file {
    ($name:literal) => {
        ($name, include_str!(concat!("../../fixtures/demo/", $name)))
    };
}

const SURNAMES: Source = demo_file!("cognomi.txt");
const MALE_CLASSIC: Source = demo_file!("nomi-maschili-classici.txt");
const MALE_MODERN: Source = demo_file!("nomi-maschili-moderni.txt");
const FEMALE_CLASSIC: Source = demo_file!("nomi-femminili-classici.txt");
const FEMALE_MODERN: Source = demo_file!("nomi-femminili-moderni.txt");
const MARCHE: Source = demo_file!("luoghi-marche.txt");
const ITALY: Source = demo_file!("luoghi-italia.txt");
const ITALIANS_ABROAD: Source = demo_file!("luoghi-estero-italiani.txt");
const COMMUNITIES: Source = demo_file!("comunita.toml");
const STREETS: Source = demo_file!("vie.txt");
const EXEMPTION_GROUNDS: Source = demo_file!("motivi-esenzione-bollo.txt");
const LATE_OVERRIDES: Source = demo_file!("motivi-domanda-tardiva.txt");
const REINSTATE_REASONS: Source = demo_file!("motivi-riammissione.txt");
const ADMISSION_NOTES: Source = demo_file!("note-ammissione.txt");
const ACCESS_REQUIREMENT_NOTES: Source = demo_file!("note-requisito-mancante.txt");
const FALSE_DECLARATION_NOTES: Source = demo_file!("note-falsa-dichiarazione.txt");
const OTHER_EXCLUSION_NOTES: Source = demo_file!("note-altre-esclusioni.txt");
const OBJECTION_TEXTS: Source = demo_file!("testi-opposizione.txt");

/// A data file that cannot be used, with the place to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("fixtures/demo/{file}:{line}: {reason}")]
pub struct TableError {
    pub file: &'static str,
    pub line: usize,
    pub reason: String,
}

/// A community of people born abroad, with the names its members typically carry.
#[derive(Debug)]
pub(super) struct Community {
    /// Belfiore codes of the countries its members are born in.
    pub(super) places: Vec<String>,
    pub(super) surnames: Vec<String>,
    pub(super) male: Vec<String>,
    pub(super) female: Vec<String>,
    pub(super) eu: bool,
    /// Share, in percent of all applicants.
    pub(super) weight: u32,
}

/// Every table, none empty. Places are Belfiore codes.
#[derive(Debug)]
pub(super) struct Tables {
    pub(super) surnames: Vec<String>,
    /// First names are chosen by generation: people born before 1975 mostly carry the older
    /// ones.
    pub(super) male_classic: Vec<String>,
    pub(super) male_modern: Vec<String>,
    pub(super) female_classic: Vec<String>,
    pub(super) female_modern: Vec<String>,
    pub(super) marche: Vec<String>,
    pub(super) italy: Vec<String>,
    /// Italians born to emigrant families who came back.
    pub(super) italians_abroad: Vec<String>,
    /// Together 20 % of applicants; the rest are Italian.
    pub(super) communities: Vec<Community>,
    pub(super) streets: Vec<String>,
    pub(super) exemption_grounds: Vec<String>,
    pub(super) late_overrides: Vec<String>,
    pub(super) reinstate_reasons: Vec<String>,
    pub(super) admission_notes: Vec<String>,
    pub(super) access_requirement_notes: Vec<String>,
    pub(super) false_declaration_notes: Vec<String>,
    pub(super) other_exclusion_notes: Vec<String>,
    pub(super) objection_texts: Vec<String>,
}

impl Tables {
    /// The compiled-in tables, read on first use.
    pub(super) fn get() -> Result<&'static Tables, TableError> {
        static TABLES: OnceLock<Result<Tables, TableError>> = OnceLock::new();
        TABLES
            .get_or_init(Tables::load)
            .as_ref()
            .map_err(Clone::clone)
    }

    fn load() -> Result<Tables, TableError> {
        Ok(Tables {
            surnames: list(SURNAMES)?,
            male_classic: list(MALE_CLASSIC)?,
            male_modern: list(MALE_MODERN)?,
            female_classic: list(FEMALE_CLASSIC)?,
            female_modern: list(FEMALE_MODERN)?,
            marche: places(MARCHE)?,
            italy: places(ITALY)?,
            italians_abroad: places(ITALIANS_ABROAD)?,
            communities: communities(COMMUNITIES)?,
            streets: list(STREETS)?,
            exemption_grounds: list(EXEMPTION_GROUNDS)?,
            late_overrides: list(LATE_OVERRIDES)?,
            reinstate_reasons: list(REINSTATE_REASONS)?,
            admission_notes: list(ADMISSION_NOTES)?,
            access_requirement_notes: list(ACCESS_REQUIREMENT_NOTES)?,
            false_declaration_notes: list(FALSE_DECLARATION_NOTES)?,
            other_exclusion_notes: list(OTHER_EXCLUSION_NOTES)?,
            objection_texts: list(OBJECTION_TEXTS)?,
        })
    }
}

/// The entries of a one-per-line file with their line numbers: trimmed, without blank lines
/// and `#` comments.
fn entries((file, text): Source) -> Result<Vec<(usize, &'static str)>, TableError> {
    let found: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(index, line)| (index + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
        .collect();
    if found.is_empty() {
        return Err(TableError {
            file,
            line: 1,
            reason: "nessuna voce".to_string(),
        });
    }
    Ok(found)
}

fn list(source: Source) -> Result<Vec<String>, TableError> {
    Ok(entries(source)?
        .into_iter()
        .map(|(_, entry)| entry.to_string())
        .collect())
}

/// Lines `CODE Name`; the name is there for the reader, the code is what a fiscal code needs.
fn places(source: Source) -> Result<Vec<String>, TableError> {
    entries(source)?
        .into_iter()
        .map(|(line, entry)| {
            place_code(entry).map_err(|reason| TableError {
                file: source.0,
                line,
                reason,
            })
        })
        .collect()
}

/// The Belfiore code of `CODE Name`: a capital letter and three digits.
fn place_code(entry: &str) -> Result<String, String> {
    let (code, name) = entry.split_once(' ').unwrap_or((entry, ""));
    let mut chars = code.chars();
    let well_formed = code.len() == 4
        && chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_digit());
    if well_formed && !name.trim().is_empty() {
        Ok(code.to_string())
    } else {
        Err(format!(
            "«{entry}»: serve il codice catastale (una lettera e tre cifre), uno spazio e il nome"
        ))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommunitiesFile {
    comunita: Vec<CommunityFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommunityFile {
    paesi: Spanned<Vec<Spanned<String>>>,
    ue: bool,
    peso: u32,
    cognomi: Spanned<Vec<String>>,
    nomi_maschili: Spanned<Vec<String>>,
    nomi_femminili: Spanned<Vec<String>>,
}

fn communities((file, text): Source) -> Result<Vec<Community>, TableError> {
    let error = |offset: usize, reason: String| TableError {
        file,
        line: line_of(text, offset),
        reason,
    };
    let raw: CommunitiesFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        error(offset, e.message().trim().to_string())
    })?;
    if raw.comunita.is_empty() {
        return Err(error(0, "nessuna comunità".to_string()));
    }
    let names = |names: Spanned<Vec<String>>| {
        let offset = names.span().start;
        let names = names.into_inner();
        if names.is_empty() || names.iter().any(|n| n.trim().is_empty()) {
            Err(error(offset, "elenco vuoto o con voci vuote".to_string()))
        } else {
            Ok(names)
        }
    };
    let mut out = Vec::with_capacity(raw.comunita.len());
    for community in raw.comunita {
        if community.paesi.get_ref().is_empty() {
            return Err(error(community.paesi.span().start, "nessun paese".into()));
        }
        let places = community
            .paesi
            .into_inner()
            .into_iter()
            .map(|place| place_code(place.get_ref()).map_err(|e| error(place.span().start, e)))
            .collect::<Result<Vec<_>, _>>()?;
        out.push(Community {
            places,
            surnames: names(community.cognomi)?,
            male: names(community.nomi_maschili)?,
            female: names(community.nomi_femminili)?,
            eu: community.ue,
            weight: community.peso,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn no_duplicates(what: &str, entries: &[String]) {
        let mut seen = HashSet::new();
        for entry in entries {
            assert!(!entry.trim().is_empty(), "{what}: voce vuota");
            assert!(seen.insert(entry), "{what}: «{entry}» ripetuto");
        }
    }

    #[test]
    fn every_table_loads_non_empty_and_without_duplicates() {
        let t = Tables::load().unwrap_or_else(|e| panic!("{e}"));
        for (what, entries) in [
            ("cognomi", &t.surnames),
            ("nomi maschili classici", &t.male_classic),
            ("nomi maschili moderni", &t.male_modern),
            ("nomi femminili classici", &t.female_classic),
            ("nomi femminili moderni", &t.female_modern),
            ("luoghi delle Marche", &t.marche),
            ("luoghi d'Italia", &t.italy),
            ("luoghi all'estero", &t.italians_abroad),
            ("vie", &t.streets),
            ("motivi di esenzione", &t.exemption_grounds),
            ("motivi di domanda tardiva", &t.late_overrides),
            ("motivi di riammissione", &t.reinstate_reasons),
            ("note di ammissione", &t.admission_notes),
            ("note di requisito mancante", &t.access_requirement_notes),
            ("note di falsa dichiarazione", &t.false_declaration_notes),
            ("note di altre esclusioni", &t.other_exclusion_notes),
            ("testi di opposizione", &t.objection_texts),
        ] {
            assert!(!entries.is_empty(), "{what}");
            no_duplicates(what, entries);
        }
        assert_eq!(t.communities.len(), 8);
        assert_eq!(t.communities.iter().map(|c| c.weight).sum::<u32>(), 20);
        let mut countries = HashSet::new();
        for community in &t.communities {
            for country in &community.places {
                assert!(country.starts_with('Z'), "{country}: non è un paese estero");
                assert!(countries.insert(country), "{country} in due comunità");
            }
            no_duplicates("cognomi di una comunità", &community.surnames);
            no_duplicates("nomi maschili di una comunità", &community.male);
            no_duplicates("nomi femminili di una comunità", &community.female);
        }
        // No birthplace twice across the tables of Italian places.
        let mut places: Vec<&String> = t.marche.iter().chain(&t.italy).collect();
        places.extend(&t.italians_abroad);
        assert_eq!(places.iter().collect::<HashSet<_>>().len(), places.len());
    }

    #[test]
    fn the_tables_keep_the_sizes_the_fixture_was_made_with() {
        let t = Tables::get().unwrap_or_else(|e| panic!("{e}"));
        let sizes = [
            t.surnames.len(),
            t.male_classic.len(),
            t.male_modern.len(),
            t.female_classic.len(),
            t.female_modern.len(),
            t.marche.len(),
            t.italy.len(),
            t.italians_abroad.len(),
            t.streets.len(),
        ];
        assert_eq!(sizes, [100, 30, 30, 25, 32, 4, 26, 5, 32]);
        assert_eq!(t.surnames.first().map(String::as_str), Some("Rossi"));
        assert_eq!(t.marche.first().map(String::as_str), Some("A271"));
        assert_eq!(
            t.streets.last().map(String::as_str),
            Some("Contrada Santa Petronilla")
        );
        assert_eq!(t.communities[3].places, ["Z330", "Z352", "Z336"]);
    }

    #[test]
    fn a_broken_file_is_named_with_its_line() {
        let empty = entries(("vuoto.txt", "# solo un commento\n\n")).unwrap_err();
        assert_eq!(empty.to_string(), "fixtures/demo/vuoto.txt:1: nessuna voce");
        let bad = places(("luoghi.txt", "# luoghi\nA271 Ancona\nAncona\n")).unwrap_err();
        assert_eq!(bad.line, 3);
        assert!(bad.reason.contains("codice catastale"), "{bad}");
        let toml = "[[comunita]]\npaesi = [\"Z129 Romania\"]\nue = true\npeso = 5\n\
                    cognomi = []\nnomi_maschili = [\"Ion\"]\nnomi_femminili = [\"Ioana\"]\n";
        let bad = communities(("comunita.toml", toml)).unwrap_err();
        assert_eq!(bad.line, 5, "{bad}");
    }
}
