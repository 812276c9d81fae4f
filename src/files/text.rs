//! What every reader of a text file needs: the file's text, or why it is not UTF-8 text; the
//! line of an offset, for `file:line` errors; and the byte-order mark that spreadsheets put
//! before «CSV UTF-8».

use std::path::Path;

/// Why a spreadsheet's «Testo Unicode» export cannot be read.
pub const UTF16: &str =
    "il file è in UTF-16 («Testo Unicode»): salvarlo in UTF-8 (dal foglio di calcolo: «CSV UTF-8»)";
pub const NOT_UTF8: &str = "il file non è testo UTF-8: salvarlo in UTF-8";

/// The whole text of the file at `path`, or why it cannot be read, in Italian.
pub fn read_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| {
        format!(
            "impossibile leggere il file: {}",
            super::reasons::io_reason(&e)
        )
    })?;
    decode(bytes)
}

/// The bytes as text, or why they are not UTF-8 text.
pub fn decode(bytes: Vec<u8>) -> Result<String, String> {
    if is_utf16(&bytes) {
        return Err(UTF16.to_string());
    }
    String::from_utf8(bytes).map_err(|_| NOT_UTF8.to_string())
}

/// A UTF-16 byte-order mark, or the zero bytes that UTF-16 puts beside every ASCII letter.
pub fn is_utf16(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    let head = &bytes[..bytes.len().min(64)];
    let pairs = head.len() / 2;
    if pairs < 2 {
        return false;
    }
    let zeros_at = |parity: usize| {
        head.chunks_exact(2)
            .filter(|pair| pair[parity] == 0 && pair[1 - parity] != 0)
            .count()
    };
    zeros_at(0) * 2 > pairs || zeros_at(1) * 2 > pairs
}

/// The byte-order mark as a character.
pub const BOM: char = '\u{FEFF}';

/// The text without one leading byte-order mark.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix(BOM).unwrap_or(text)
}

/// 1-based line of a byte offset, for `file:line` errors.
pub fn line_of(text: &str, offset: usize) -> usize {
    // Counted on bytes, so that an offset inside a character is safe too.
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_offsets() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 4), 3);
        assert_eq!(line_of("a\nb", 99), 2);
        assert_eq!(line_of("è\nb", 1), 1);
    }

    fn utf16le(text: &str, bom: bool) -> Vec<u8> {
        let mut bytes = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        bytes
    }

    #[test]
    fn utf16_is_told_apart_with_or_without_its_mark() {
        let text = "codice_fiscale\nRSSMRA80A01H501U\n";
        assert_eq!(decode(utf16le(text, true)), Err(UTF16.to_string()));
        assert_eq!(decode(utf16le(text, false)), Err(UTF16.to_string()));
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode(be), Err(UTF16.to_string()));
        assert_eq!(decode(text.as_bytes().to_vec()), Ok(text.to_string()));
        assert_eq!(decode(vec![0xE8, b'a']), Err(NOT_UTF8.to_string()));
        assert_eq!(decode(Vec::new()), Ok(String::new()));
    }

    #[test]
    fn a_missing_file_is_told_in_italian() {
        let err = read_text(Path::new("/nonexistent/x.toml")).unwrap_err();
        assert_eq!(
            err,
            "impossibile leggere il file: il file o la cartella non esiste"
        );
    }

    #[test]
    fn one_bom_is_stripped() {
        assert_eq!(strip_bom("\u{feff}a;b"), "a;b");
        assert_eq!(strip_bom("a;b"), "a;b");
        assert_eq!(strip_bom("\u{feff}\u{feff}a"), "\u{feff}a");
    }
}
