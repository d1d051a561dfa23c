//! vCard: every TEL value is converted; every other byte is copied as it
//! was, folded lines and line endings included.
//!
//! A vCard line may be folded: a physical line starting with a space or a tab
//! continues the previous one (RFC 6350 §3.2, RFC 2426 §2.6). Lines are read
//! raw and grouped into logical lines; a logical line that is not a TEL, or
//! whose value does not change, is written back exactly as read. A TEL whose
//! value changes is written unfolded, with the line ending it had.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use motcua_domain::phone::Recorded;
use motcua_i18n::Lang;

use super::{
    Dates, Outcome, Rejects, Spelling, Staged, Summary, Targets, convert_value_to, finish, progress,
};
use crate::error::CliError;

pub(super) fn convert(
    input: &Path,
    dates: Dates<'_>,
    targets: Targets<'_>,
    lang: Lang,
) -> Result<Summary, CliError> {
    let recorded = match dates {
        Dates::Fixed(r) => r,
        Dates::Column(_) => Recorded::Unknown,
    };
    let read_err = |e: std::io::Error| CliError::file(input, e);
    let file = File::open(input).map_err(read_err)?;
    let total = file.metadata().map_err(read_err)?.len();
    let mut reader = BufReader::with_capacity(64 * 1024, file);

    let out_staged = Staged::new(targets.out)?;
    let rejects_staged = Staged::new(targets.rejects)?;
    let out_file = out_staged
        .file
        .reopen()
        .map_err(|e| CliError::file(targets.out, e))?;
    let mut out = BufWriter::with_capacity(64 * 1024, out_file);
    let mut rejects = Rejects::new(&rejects_staged)?;

    let bar = progress(total, true);
    let mut summary = Summary::default();
    let mut logical = Logical::default();
    let mut line = Vec::new();
    let mut line_no: u64 = 0;
    let mut read: u64 = 0;
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line).map_err(read_err)?;
        if n == 0 {
            break;
        }
        line_no += 1;
        read += n as u64;
        let continues = matches!(line.first(), Some(b' ' | b'\t')) && !logical.raw.is_empty();
        if !continues {
            logical.flush(
                &mut out,
                &mut rejects,
                &mut summary,
                recorded,
                targets,
                lang,
            )?;
            logical.first_line = line_no;
        }
        logical.raw.extend_from_slice(&line);
        if line_no.is_multiple_of(1024) {
            bar.set_position(read);
        }
    }
    logical.flush(
        &mut out,
        &mut rejects,
        &mut summary,
        recorded,
        targets,
        lang,
    )?;
    bar.finish_and_clear();

    finish(out, rejects, targets, out_staged, rejects_staged)?;
    Ok(summary)
}

/// One logical line: its raw physical lines as read.
#[derive(Default)]
struct Logical {
    raw: Vec<u8>,
    /// Line number of its first physical line.
    first_line: u64,
}

impl Logical {
    /// Writes the line (converted if it is a TEL) and starts afresh.
    fn flush(
        &mut self,
        out: &mut impl Write,
        rejects: &mut Rejects,
        summary: &mut Summary,
        recorded: Recorded,
        targets: Targets<'_>,
        lang: Lang,
    ) -> Result<(), CliError> {
        if self.raw.is_empty() {
            return Ok(());
        }
        let write_err = |e: std::io::Error| CliError::file(targets.out, e);
        match rewrite_tel(&self.raw, recorded, lang) {
            None => out.write_all(&self.raw).map_err(write_err)?,
            Some((outcome, value, rewritten)) => {
                summary.count(&outcome);
                match rewritten {
                    Some(bytes) => out.write_all(&bytes).map_err(write_err)?,
                    None => out.write_all(&self.raw).map_err(write_err)?,
                }
                if let Outcome::Rejected(r) = &outcome {
                    rejects.add(self.first_line, &value, r, targets.rejects)?;
                }
            }
        }
        self.raw.clear();
        Ok(())
    }
}

/// For a TEL line: what became of its value, the value as read, and the new
/// line if it changes. `None` for any other line.
fn rewrite_tel(
    raw: &[u8],
    recorded: Recorded,
    lang: Lang,
) -> Option<(Outcome, String, Option<Vec<u8>>)> {
    let ending = line_ending(raw);
    let content = unfold(raw);
    let colon = value_start(&content)?;
    let head = content.get(..colon)?;
    let name_end = head.iter().position(|&b| b == b';').unwrap_or(head.len());
    let name = head.get(..name_end)?;
    // A group may come first: `item1.TEL`.
    let name = name.rsplit(|&b| b == b'.').next().unwrap_or(name);
    if !name.eq_ignore_ascii_case(b"TEL") {
        return None;
    }
    let value_bytes = content.get(colon + 1..)?;
    let value = String::from_utf8_lossy(value_bytes).into_owned();
    let (uri, number) = match value.get(..4) {
        Some(p) if p.eq_ignore_ascii_case("tel:") => (true, value.get(4..).unwrap_or("")),
        _ => (false, value.as_str()),
    };
    let spelling = if uri {
        Spelling::E164
    } else {
        Spelling::National
    };
    let outcome = convert_value_to(number, recorded, spelling, lang);
    let new_value = match &outcome {
        Outcome::Converted(n) if uri => Some(format!("tel:{}", n.e164())),
        Outcome::Converted(n) => Some(n.national().to_owned()),
        _ => None,
    };
    let rewritten = new_value.map(|v| {
        let mut line = head.to_vec();
        line.push(b':');
        line.extend_from_slice(v.as_bytes());
        line.extend_from_slice(ending);
        line
    });
    Some((outcome, value, rewritten))
}

/// The line ending of the last physical line (`\r\n`, `\n` or none).
fn line_ending(raw: &[u8]) -> &[u8] {
    if raw.ends_with(b"\r\n") {
        b"\r\n"
    } else if raw.ends_with(b"\n") {
        b"\n"
    } else {
        b""
    }
}

/// The logical line without line endings and folds.
fn unfold(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    for (i, physical) in raw.split_inclusive(|&b| b == b'\n').enumerate() {
        let body = physical
            .strip_suffix(b"\n")
            .map(|p| p.strip_suffix(b"\r").unwrap_or(p))
            .unwrap_or(physical);
        let body = if i > 0 {
            body.get(1..).unwrap_or(&[])
        } else {
            body
        };
        out.extend_from_slice(body);
    }
    out
}

/// The index of the `:` between a property's name and parameters and its
/// value (a `:` inside a quoted parameter value does not count).
fn value_start(content: &[u8]) -> Option<usize> {
    let mut quoted = false;
    for (i, &b) in content.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b':' if !quoted => return Some(i),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_lines_unfold() {
        assert_eq!(unfold(b"NOTE:abc\r\n def\r\n\tg\r\n"), b"NOTE:abcdefg");
        assert_eq!(value_start(b"TEL;TYPE=\"a:b\":0912"), Some(14));
    }

    #[test]
    fn tel_lines_are_rewritten_and_others_left() {
        let l = Lang::Vi;
        let u = Recorded::Unknown;
        assert!(rewrite_tel(b"NOTE:01689123456\r\n", u, l).is_none());
        let (_, value, line) = rewrite_tel(b"TEL;TYPE=CELL:0168 912 3456\r\n", u, l).unwrap();
        assert_eq!(value, "0168 912 3456");
        assert_eq!(line.unwrap(), b"TEL;TYPE=CELL:0389123456\r\n");
        let (_, _, line) = rewrite_tel(b"item1.tel:+84 168 912 3456\n", u, l).unwrap();
        assert_eq!(line.unwrap(), b"item1.tel:0389123456\n");
        let (_, _, line) = rewrite_tel(b"TEL;VALUE=uri:tel:0168-912-3456\n", u, l).unwrap();
        assert_eq!(line.unwrap(), b"TEL;VALUE=uri:tel:+84389123456\n");
        let (o, _, line) = rewrite_tel(b"TEL;VALUE=uri:tel:+84912345678\n", u, l).unwrap();
        assert!(matches!(o, Outcome::Unchanged) && line.is_none());
        let (o, _, line) = rewrite_tel(b"TEL:0912345678\n", u, l).unwrap();
        assert!(matches!(o, Outcome::Unchanged) && line.is_none());
        let (o, _, line) = rewrite_tel(b"TEL:0333851234\n", u, l).unwrap();
        assert!(matches!(o, Outcome::Rejected(_)) && line.is_none());
    }
}
