//! CSV: streamed in constant memory, byte for byte outside converted cells.
//!
//! The `csv` crate parses each record into one reused `ByteRecord` (the
//! values). To keep the file as it was, the reader is given the file through
//! a [`Tap`] that remembers the bytes read since the last record; after each
//! record, the bytes it spans are copied to OUT with only the phone cell
//! replaced. Memory holds the reader's buffer and one record, whatever the
//! size of the file.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

use motcua_domain::phone::Recorded;
use motcua_i18n::Lang;

use super::{
    Dates, Outcome, Rejected, Rejects, Staged, Summary, Targets, convert_value, find_column,
    finish, missing_column, progress, row_recorded,
};
use crate::error::CliError;

/// Bytes the CSV reader asks for at a time.
const READ_BUFFER: usize = 64 * 1024;

pub(super) fn convert(
    input: &Path,
    column: &str,
    dates: Dates<'_>,
    targets: Targets<'_>,
    lang: Lang,
) -> Result<Summary, CliError> {
    let read_err = |e: std::io::Error| CliError::file(input, e);
    let mut file = File::open(input).map_err(read_err)?;
    let total = file.metadata().map_err(read_err)?.len();
    let delimiter = sniff_delimiter(&mut file).map_err(read_err)?;
    file.seek(SeekFrom::Start(0)).map_err(read_err)?;

    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(READ_BUFFER)
        .from_reader(Tap::new(file));
    let csv_err = |e: csv::Error| {
        CliError::Message(lang.tr_args(
            "phone-convert-csv-error",
            &[
                ("path", input.display().to_string().into()),
                ("reason", e.to_string().into()),
            ],
        ))
    };

    // The header row names the columns; nothing is written before both are found.
    let mut record = csv::ByteRecord::new();
    if !reader.read_byte_record(&mut record).map_err(csv_err)? {
        return Err(CliError::Message(lang.tr_args(
            "phone-convert-no-header",
            &[("path", input.display().to_string().into())],
        )));
    }
    let headers: Vec<String> = record
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim_start_matches('\u{feff}')
                .to_owned()
        })
        .collect();
    let phone_col = find_column(&headers, column)
        .ok_or_else(|| missing_column(lang, input, column, &headers))?;
    let date_col = match dates {
        Dates::Column(name) => Some(
            find_column(&headers, name)
                .ok_or_else(|| missing_column(lang, input, name, &headers))?,
        ),
        Dates::Fixed(_) => None,
    };

    let out_staged = Staged::new(targets.out)?;
    let rejects_staged = Staged::new(targets.rejects)?;
    let out_file = out_staged
        .file
        .reopen()
        .map_err(|e| CliError::file(targets.out, e))?;
    let mut out = BufWriter::with_capacity(READ_BUFFER, out_file);
    let mut rejects = Rejects::new(&rejects_staged)?;
    let write_err = |e: std::io::Error| CliError::file(targets.out, e);

    let end = reader.position().byte();
    out.write_all(reader.get_mut().take_until(end))
        .map_err(write_err)?;

    let bar = progress(total, true);
    let mut summary = Summary::default();
    let mut row: u64 = 1;
    while reader.read_byte_record(&mut record).map_err(csv_err)? {
        row += 1;
        let end = reader.position().byte();
        let value = record.get(phone_col);
        let outcome = match value.map(std::str::from_utf8) {
            None => Outcome::Empty,
            Some(Err(_)) => Outcome::Rejected(Rejected::invalid(lang.tr("phone-convert-not-utf8"))),
            Some(Ok(value)) => {
                let recorded = match (dates, date_col) {
                    (Dates::Fixed(r), _) => Ok(r),
                    (Dates::Column(_), Some(c)) => {
                        let date = record.get(c).unwrap_or_default();
                        row_recorded(&String::from_utf8_lossy(date), lang)
                    }
                    (Dates::Column(_), None) => Ok(Recorded::Unknown),
                };
                match recorded {
                    Ok(r) => convert_value(value, r, lang),
                    Err(rejected) => Outcome::Rejected(rejected),
                }
            }
        };
        summary.count(&outcome);
        let raw = reader.get_mut().take_until(end);
        match &outcome {
            Outcome::Converted(n) => match field_span(raw, delimiter, phone_col) {
                Some(span) => {
                    write_replaced(&mut out, raw, span, n.national()).map_err(write_err)?
                }
                // The raw record could not be split as the parser did: keep it.
                None => out.write_all(raw).map_err(write_err)?,
            },
            _ => out.write_all(raw).map_err(write_err)?,
        }
        if let Outcome::Rejected(rejected) = &outcome {
            let shown = String::from_utf8_lossy(value.unwrap_or_default());
            rejects.add(row, &shown, rejected, targets.rejects)?;
        }
        if row.is_multiple_of(1024) {
            bar.set_position(end);
        }
    }
    // Whatever follows the last record (blank lines).
    out.write_all(reader.get_mut().take_until(u64::MAX))
        .map_err(write_err)?;
    bar.finish_and_clear();

    finish(out, rejects, targets, out_staged, rejects_staged)?;
    Ok(summary)
}

/// The delimiter: `,` unless the first line (outside quotes) has more `;`
/// or tabs, as spreadsheets set to Vietnamese or other locales write.
fn sniff_delimiter(file: &mut File) -> std::io::Result<u8> {
    let mut head = vec![0u8; READ_BUFFER];
    let mut n = 0;
    while n < head.len() {
        let k = file.read(head.get_mut(n..).unwrap_or(&mut []))?;
        if k == 0 {
            break;
        }
        n += k;
        if head.get(..n).unwrap_or(&[]).contains(&b'\n') {
            break;
        }
    }
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in head.get(..n).unwrap_or(&[]) {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    Ok(if counts[1] > counts[0] && counts[1] >= counts[2] {
        b';'
    } else if counts[2] > counts[0] && counts[2] > counts[1] {
        b'\t'
    } else {
        b','
    })
}

/// Where a field lies in the raw bytes of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
    quoted: bool,
}

/// Finds field `index` in the raw bytes of one record, as the `csv` crate
/// splits it (RFC 4180: `"` quotes, `""` inside quotes). Line breaks before
/// the record (blank lines, the end of the previous terminator) are skipped.
fn field_span(raw: &[u8], delimiter: u8, index: usize) -> Option<Span> {
    let at = |i: usize| raw.get(i).copied();
    let mut i = 0;
    while matches!(at(i), Some(b'\r' | b'\n')) {
        i += 1;
    }
    let mut field = 0;
    loop {
        let start = i;
        let quoted = at(i) == Some(b'"');
        if quoted {
            i += 1;
            loop {
                match at(i) {
                    None => break,
                    Some(b'"') if at(i + 1) == Some(b'"') => i += 2,
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(_) => i += 1,
                }
            }
        }
        while let Some(b) = at(i) {
            if b == delimiter || b == b'\r' || b == b'\n' {
                break;
            }
            i += 1;
        }
        if field == index {
            return Some(Span {
                start,
                end: i,
                quoted,
            });
        }
        if at(i) != Some(delimiter) {
            return None;
        }
        i += 1;
        field += 1;
    }
}

/// Writes `raw` with the field at `span` replaced by `value`, quoted if the
/// original was (or if the value needs it).
fn write_replaced(
    out: &mut impl Write,
    raw: &[u8],
    span: Span,
    value: &str,
) -> std::io::Result<()> {
    out.write_all(raw.get(..span.start).unwrap_or(&[]))?;
    let needs_quotes = span.quoted
        || value
            .bytes()
            .any(|b| matches!(b, b'"' | b',' | b';' | b'\t' | b'\r' | b'\n'));
    if needs_quotes {
        out.write_all(b"\"")?;
        out.write_all(value.replace('"', "\"\"").as_bytes())?;
        out.write_all(b"\"")?;
    } else {
        out.write_all(value.as_bytes())?;
    }
    out.write_all(raw.get(span.end..).unwrap_or(&[]))
}

/// A reader that remembers what was read through it, so the raw bytes of
/// each record can be copied after the parser has read them. Bytes are
/// forgotten once taken; the buffer is compacted as it goes, so it holds the
/// parser's read-ahead and the current record.
struct Tap<R> {
    inner: R,
    buf: Vec<u8>,
    /// File offset of `buf[0]`.
    base: u64,
    /// Bytes of `buf` already taken.
    taken: usize,
}

impl<R: Read> Tap<R> {
    fn new(inner: R) -> Self {
        Tap {
            inner,
            buf: Vec::with_capacity(2 * READ_BUFFER),
            base: 0,
            taken: 0,
        }
    }

    /// The bytes from the end of the last take up to file offset `end`.
    fn take_until(&mut self, end: u64) -> &[u8] {
        if self.taken > 0 && (self.taken >= READ_BUFFER || self.taken * 2 >= self.buf.len()) {
            self.buf.drain(..self.taken);
            self.base += self.taken as u64;
            self.taken = 0;
        }
        let from = self.taken;
        let to = usize::try_from(end.saturating_sub(self.base))
            .unwrap_or(usize::MAX)
            .clamp(from, self.buf.len());
        self.taken = to;
        self.buf.get(from..to).unwrap_or(&[])
    }
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        self.buf.extend_from_slice(out.get(..n).unwrap_or(&[]));
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_found_in_raw_records() {
        let raw = b"\n\"Nguy\xe1\xbb\x85n, An\",\"0912 345 678\",x\r\n";
        let span = field_span(raw, b',', 1).unwrap();
        assert_eq!(&raw[span.start..span.end], b"\"0912 345 678\"");
        assert!(span.quoted);
        let span = field_span(raw, b',', 2).unwrap();
        assert_eq!(&raw[span.start..span.end], b"x");
        assert_eq!(field_span(raw, b',', 3), None);
        let raw = b"a;\"say \"\"hi\"\"\";0912";
        let span = field_span(raw, b';', 2).unwrap();
        assert_eq!(&raw[span.start..span.end], b"0912");
        let span = field_span(raw, b';', 1).unwrap();
        assert_eq!(&raw[span.start..span.end], b"\"say \"\"hi\"\"\"");
    }

    #[test]
    fn a_replaced_field_keeps_its_quotes() {
        let raw = b"1,\"0168 912 3456\",z\n";
        let span = field_span(raw, b',', 1).unwrap();
        let mut out = Vec::new();
        write_replaced(&mut out, raw, span, "0389123456").unwrap();
        assert_eq!(out, b"1,\"0389123456\",z\n");
        let raw = b"1,01689123456,z\n";
        let span = field_span(raw, b',', 1).unwrap();
        let mut out = Vec::new();
        write_replaced(&mut out, raw, span, "0389123456").unwrap();
        assert_eq!(out, b"1,0389123456,z\n");
    }

    #[test]
    fn the_tap_gives_back_each_span_once() {
        let mut tap = Tap::new(&b"abcdef"[..]);
        let mut buf = [0u8; 4];
        assert_eq!(tap.read(&mut buf).unwrap(), 4);
        assert_eq!(tap.take_until(2), b"ab");
        assert_eq!(tap.read(&mut buf).unwrap(), 2);
        assert_eq!(tap.take_until(5), b"cde");
        assert_eq!(tap.take_until(u64::MAX), b"f");
        assert_eq!(tap.take_until(u64::MAX), b"");
    }
}
