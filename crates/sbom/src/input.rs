//! Bounded input: a reader that refuses to go past a byte limit and remembers where recent lines
//! started, so that parsers which only report byte offsets (quick-xml) can still name a line and a
//! column without the whole document being kept in memory.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, Read};
use std::rc::Rc;

/// Options shared by all readers.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Largest document accepted, in bytes. Reading stops with [`crate::SbomError::TooLarge`] as
    /// soon as one byte more arrives; files whose size is known are rejected before reading.
    pub max_bytes: u64,
}

impl Default for ReadOptions {
    /// 1 GiB: a 300,000-component CycloneDX JSON SBOM is about 150 MB, so real documents fit
    /// with a wide margin, while a runaway upload is still stopped long before it hurts a server.
    fn default() -> Self {
        ReadOptions { max_bytes: 1 << 30 }
    }
}

/// How far back line starts are remembered. Parsers report positions close to what they have
/// just read (their buffers are a few KiB), so one MiB of history is ample.
const LINE_HISTORY_BYTES: u64 = 1 << 20;

/// Where line breaks were seen, for converting byte offsets to line/column.
#[derive(Debug, Default)]
pub(crate) struct LineIndex {
    /// Offsets of `\n` bytes inside the remembered window, ascending.
    recent_newlines: VecDeque<u64>,
    /// Number of `\n` bytes that fell out of the window.
    forgotten_newlines: usize,
    bytes_seen: u64,
}

impl LineIndex {
    fn record(&mut self, chunk: &[u8]) {
        for (index, byte) in chunk.iter().enumerate() {
            if *byte == b'\n' {
                self.recent_newlines
                    .push_back(self.bytes_seen + index as u64);
            }
        }
        self.bytes_seen += chunk.len() as u64;
        let window_start = self.bytes_seen.saturating_sub(LINE_HISTORY_BYTES);
        while self
            .recent_newlines
            .front()
            .is_some_and(|offset| *offset < window_start)
        {
            self.recent_newlines.pop_front();
            self.forgotten_newlines += 1;
        }
    }

    /// Records a whole in-memory document (validation reads documents whole).
    pub(crate) fn record_all(&mut self, bytes: &[u8]) {
        for (index, byte) in bytes.iter().enumerate() {
            if *byte == b'\n' {
                self.recent_newlines
                    .push_back(self.bytes_seen + index as u64);
            }
        }
        self.bytes_seen += bytes.len() as u64;
    }

    /// 1-based line and column of a byte offset; `(0, 0)` when the offset is older than the window.
    pub(crate) fn line_column(&self, offset: u64) -> (usize, usize) {
        let before = self
            .recent_newlines
            .partition_point(|newline| *newline < offset);
        let line_start = match before.checked_sub(1) {
            Some(index) => self.recent_newlines[index] + 1,
            None if self.forgotten_newlines == 0 => 0,
            None => return (0, 0),
        };
        (
            self.forgotten_newlines + before + 1,
            (offset - line_start) as usize + 1,
        )
    }
}

/// Wraps the caller's reader: counts bytes, enforces the limit, feeds the line index.
pub(crate) struct BoundedReader<R> {
    inner: R,
    limit: u64,
    pub(crate) exceeded: bool,
    pub(crate) lines: Rc<RefCell<LineIndex>>,
}

impl<R: Read> BoundedReader<R> {
    pub(crate) fn new(inner: R, limit: u64) -> Self {
        BoundedReader {
            inner,
            limit,
            exceeded: false,
            lines: Rc::new(RefCell::new(LineIndex::default())),
        }
    }
}

impl<R: Read> Read for BoundedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.exceeded {
            // Callers may retry after an error; the answer stays the same and nothing more is read.
            return Err(io::Error::other("input exceeds the size limit"));
        }
        let seen = self.lines.borrow().bytes_seen;
        // Ask for at most one byte beyond the limit: receiving it proves the input is too large
        // without reading (or buffering) the rest.
        let allowed = (self.limit + 1).saturating_sub(seen);
        if allowed == 0 {
            self.exceeded = true;
            return Err(io::Error::other("input exceeds the size limit"));
        }
        let wanted = buf
            .len()
            .min(usize::try_from(allowed).unwrap_or(usize::MAX));
        let count = self.inner.read(&mut buf[..wanted])?;
        if seen + count as u64 > self.limit {
            self.exceeded = true;
            return Err(io::Error::other("input exceeds the size limit"));
        }
        self.lines.borrow_mut().record(&buf[..count]);
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_from_one() {
        let mut index = LineIndex::default();
        index.record(b"ab\ncd\nef");
        assert_eq!(index.line_column(0), (1, 1));
        assert_eq!(index.line_column(4), (2, 2));
        assert_eq!(index.line_column(6), (3, 1));
    }

    #[test]
    fn bounded_reader_stops_one_byte_past_the_limit() {
        let data = [b'x'; 100];
        let mut reader = BoundedReader::new(&data[..], 10);
        let mut sink = Vec::new();
        assert!(reader.read_to_end(&mut sink).is_err());
        assert!(reader.exceeded);
        assert!(sink.len() <= 10);
    }
}
