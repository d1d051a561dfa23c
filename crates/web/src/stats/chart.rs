//! Charts drawn on the server as SVG: horizontal stacked bars, one per row
//! of the table printed beside them, so the picture needs no script and a
//! screen reader reads the same numbers in the table.

use std::fmt::Write;

/// One part of a bar: its legend text and colour.
pub(crate) struct Series {
    pub label: String,
    pub colour: &'static str,
}

/// One bar: its label and a value per series.
pub(crate) struct Bar {
    pub label: String,
    pub values: Vec<u64>,
}

/// Escapes text for SVG (XML).
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Shortens a long label for the axis (the table has it whole).
fn short(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        return label.to_owned();
    }
    let cut: String = label.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

const WIDTH: u32 = 720;
const LABEL_WIDTH: u32 = 250;
const BAR_HEIGHT: u32 = 22;
const GAP: u32 = 8;
const LEGEND_LINE: u32 = 22;

/// A stacked bar chart. `id` names its title for assistive technology and
/// `description` says where the same numbers are (the table beside it).
pub(crate) fn stacked_bars(
    id: &str,
    title: &str,
    description: &str,
    series: &[Series],
    bars: &[Bar],
) -> String {
    let plot = WIDTH - LABEL_WIDTH - 60;
    let max = bars
        .iter()
        .map(|b| b.values.iter().sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1);
    // The legend: items side by side, onto a new line when the width is
    // used up (a text's width is estimated from its length).
    let mut legend = String::new();
    let (mut x, mut line) = (10u32, 0u32);
    for s in series {
        let width = 20 + 7 * u32::try_from(s.label.chars().count()).unwrap_or(40) + 20;
        if x > 10 && x + width > WIDTH {
            (x, line) = (10, line + 1);
        }
        let y = 6 + line * LEGEND_LINE;
        let _ = write!(
            legend,
            "<rect x=\"{x}\" y=\"{y}\" width=\"14\" height=\"14\" fill=\"{c}\"/>\
             <text x=\"{tx}\" y=\"{ty}\" font-size=\"13\">{l}</text>",
            c = s.colour,
            tx = x + 20,
            ty = y + 12,
            l = esc(&s.label),
        );
        x += width;
    }
    let top = (line + 1) * LEGEND_LINE + 8;
    let rows = u32::try_from(bars.len()).unwrap_or(u32::MAX / 64);
    let height = top + rows * (BAR_HEIGHT + GAP) + GAP;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" \
         role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\
         <title id=\"{id}-title\">{title}</title><desc id=\"{id}-desc\">{description}</desc>",
        id = esc(id),
        title = esc(title),
        description = esc(description),
    );
    svg.push_str(&legend);
    for (i, bar) in bars.iter().enumerate() {
        let y = top + u32::try_from(i).unwrap_or(0) * (BAR_HEIGHT + GAP);
        let total: u64 = bar.values.iter().sum();
        let _ = write!(
            svg,
            "<text x=\"{lx}\" y=\"{ty}\" font-size=\"13\" text-anchor=\"end\"><title>{full}</title>{l}</text>",
            lx = LABEL_WIDTH - 8,
            ty = y + 16,
            full = esc(&bar.label),
            l = esc(&short(&bar.label, 34)),
        );
        let mut offset = 0u64;
        for (value, s) in bar.values.iter().zip(series) {
            if *value == 0 {
                continue;
            }
            let x0 = LABEL_WIDTH + scale(offset, max, plot);
            let w = (LABEL_WIDTH + scale(offset + value, max, plot))
                .saturating_sub(x0)
                .max(1);
            let _ = write!(
                svg,
                "<rect x=\"{x0}\" y=\"{y}\" width=\"{w}\" height=\"{BAR_HEIGHT}\" fill=\"{c}\">\
                 <title>{l}: {value}</title></rect>",
                c = s.colour,
                l = esc(&s.label),
            );
            offset += value;
        }
        let _ = write!(
            svg,
            "<text x=\"{tx}\" y=\"{ty}\" font-size=\"13\">{total}</text>",
            tx = LABEL_WIDTH + scale(total, max, plot) + 6,
            ty = y + 16,
        );
    }
    svg.push_str("</svg>");
    svg
}

fn scale(value: u64, max: u64, width: u32) -> u32 {
    u32::try_from(value.saturating_mul(u64::from(width)) / max).unwrap_or(width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_scaled_escaped_and_described_by_their_table() {
        let series = [
            Series {
                label: "Trước hạn".into(),
                colour: "#2e7d32",
            },
            Series {
                label: "Quá hạn".into(),
                colour: "#c62828",
            },
        ];
        let bars = [
            Bar {
                label: "Sở <Tư pháp> & \"Hộ tịch\"".into(),
                values: vec![3, 1],
            },
            Bar {
                label: "UBND xã".into(),
                values: vec![0, 0],
            },
        ];
        let svg = stacked_bars(
            "bieu-1",
            "Hồ sơ đã giải quyết",
            "Số liệu ở bảng bên dưới",
            &series,
            &bars,
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("aria-labelledby=\"bieu-1-title bieu-1-desc\""));
        assert!(svg.contains("<desc id=\"bieu-1-desc\">Số liệu ở bảng bên dưới</desc>"));
        assert!(svg.contains("Sở &lt;Tư pháp&gt; &amp; &quot;Hộ tịch&quot;"));
        assert!(!svg.contains("<Tư pháp>"));
        // The full bar spans the plot; the empty one draws no rectangle.
        assert!(svg.contains("<title>Trước hạn: 3</title>"));
        assert_eq!(svg.matches("<rect").count(), 2 + 2);
    }
}
