//! Line numbers of the file, as a spreadsheet shows them.

/// Line numbers of the file. The csv crate's own count runs one short after every CRLF line
/// end (the '\n' is counted with the following record), so lines are counted here from the
/// byte offset where each record starts.
pub(crate) struct Lines<'a> {
    bytes: &'a [u8],
    /// Byte offsets where the second, third, ... line begin.
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Lines<'a> {
        let starts = bytes
            .iter()
            .enumerate()
            .filter(|&(i, b)| match b {
                b'\n' => true,
                // A lone CR (old Mac files) also ends a line; in CRLF the LF does.
                b'\r' => bytes.get(i + 1) != Some(&b'\n'),
                _ => false,
            })
            .map(|(i, _)| i + 1)
            .collect();
        Lines { bytes, starts }
    }

    /// 1-based line of the first character at or after `offset` that is not a line end.
    pub(crate) fn at(&self, offset: u64) -> usize {
        let mut offset = usize::try_from(offset).unwrap_or(usize::MAX);
        while matches!(self.bytes.get(offset), Some(b'\n' | b'\r')) {
            offset += 1;
        }
        self.starts.partition_point(|&start| start <= offset) + 1
    }

    pub(crate) fn of(&self, record: &csv::ByteRecord) -> usize {
        record.position().map_or(1, |p| self.at(p.byte()))
    }
}
