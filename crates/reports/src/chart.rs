//! Server-rendered SVG charts: the same markup goes inline into a web page and, as an image,
//! into a PDF.
//!
//! Every chart is a standalone SVG document (`xmlns`, `viewBox`, `role="img"`, a `<title>`), a
//! fixed 640 units wide. Every text and attribute value taken from the caller is XML-escaped
//! (control characters that XML cannot hold are dropped), and rates are integers in permille
//! (‰), formatted without floating point.

use std::fmt::Write as _;

/// The width of every chart, in SVG user units (CSS pixels when shown at natural size).
pub const CHART_WIDTH: u32 = 640;

/// The font families charts ask for: the CJK fonts of the Debian packages the PDF uses, then
/// whatever sans-serif the viewer has.
const FONT_FAMILY: &str = "'Noto Sans CJK SC', 'WenQuanYi Micro Hei', 'Source Han Sans SC', 'Microsoft YaHei', \
                           'PingFang SC', sans-serif";

/// Shown in place of an empty chart.
pub const NO_DATA: &str = "暂无数据";

const GREEN: &str = "#2e7d32";
const AMBER: &str = "#ed8b00";
const RED: &str = "#c62828";
const GREY: &str = "#bdbdbd";
const TRACK: &str = "#eeeeee";
const TEXT: &str = "#212121";
const MUTED: &str = "#616161";

/// One bar of [`rate_bars`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bar {
    /// What the bar measures: an org's or a requirement's name.
    pub label: String,
    /// The rate in permille, 0..=1000 (larger values are drawn as 1000).
    pub rate_permille: u32,
    /// The counts behind the rate, shown after the percentage, e.g. "11/12".
    pub detail: String,
    /// Where the bar links to (a page with the records behind it). Only links starting with
    /// `/`, `?`, `#`, `http://` or `https://` are kept; any other (`javascript:` …) is dropped.
    pub href: Option<String>,
}

/// One month of [`monthly_columns`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MonthCell {
    /// Meetings held that count towards the month's requirement.
    pub met: u32,
    /// Meetings the month requires.
    pub required: u32,
    /// Whether the month's deadline has passed (as of the caller's date): unmet requirements of
    /// a month that is not yet due are "not yet due", not "missed".
    pub due: bool,
}

/// `part / whole` in permille by the one rounding of rates ([`domain::compliance::permille`]).
pub fn permille(part: u32, whole: u32) -> Option<u32> {
    domain::compliance::permille(u64::from(part), u64::from(whole))
}

pub use domain::compliance::format_permille;

/// The bar colour for a rate: ≥ 90 % green, ≥ 60 % amber, else red.
fn rate_colour(permille: u32) -> &'static str {
    match permille {
        900.. => GREEN,
        600.. => AMBER,
        _ => RED,
    }
}

/// Text for XML content and attribute values: `& < > " '` escaped, characters XML 1.0 cannot
/// hold (most C0 controls, U+FFFE, U+FFFF) dropped.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if c < '\u{20}' || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether a link may go into a chart.
fn safe_href(href: &str) -> bool {
    let lower = href.trim_start().to_ascii_lowercase();
    ["/", "?", "#", "http://", "https://"].iter().any(|p| lower.starts_with(p))
        && !lower.starts_with("//")
        && !lower.starts_with("/\\")
}

/// Approximate width of a text in units of an ASCII character: CJK and full-width characters
/// count 2.
fn text_units(text: &str) -> u32 {
    text.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    let u = c as u32;
    (0x1100..=0x115F).contains(&u)
        || (0x2E80..=0xA4CF).contains(&u)
        || (0xAC00..=0xD7A3).contains(&u)
        || (0xF900..=0xFAFF).contains(&u)
        || (0xFE30..=0xFE4F).contains(&u)
        || (0xFF00..=0xFF60).contains(&u)
        || (0xFFE0..=0xFFE6).contains(&u)
        || (0x20000..=0x3FFFD).contains(&u)
}

/// `text` cut to at most `max_units` (see [`text_units`]), with "…" when cut.
fn fit_text(text: &str, max_units: u32) -> String {
    if text_units(text) <= max_units {
        return text.to_string();
    }
    let mut out = String::new();
    let mut units = 0;
    for c in text.chars() {
        let w = if is_wide(c) { 2 } else { 1 };
        if units + w > max_units.saturating_sub(2) {
            break;
        }
        units += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// The opening of a chart: the `<svg>` element, its `<title>` and the visible title.
fn open_svg(out: &mut String, title: &str, height: u32) {
    let title = xml_escape(title);
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{CHART_WIDTH}" height="{height}" viewBox="0 0 {CHART_WIDTH} {height}" role="img" font-family="{FONT_FAMILY}"><title>{title}</title><rect x="0" y="0" width="{CHART_WIDTH}" height="{height}" fill="#ffffff"/><text x="12" y="26" font-size="16" font-weight="bold" fill="{TEXT}">{title}</text>"##
    );
}

/// An empty chart: the title and [`NO_DATA`].
fn no_data(title: &str) -> String {
    let mut out = String::new();
    open_svg(&mut out, title, 100);
    let _ = write!(
        out,
        r#"<text x="{}" y="70" font-size="14" fill="{MUTED}" text-anchor="middle">{NO_DATA}</text></svg>"#,
        CHART_WIDTH / 2
    );
    out
}

const BAR_TOP: u32 = 44;
const BAR_ROW: u32 = 28;
const BAR_HEIGHT: u32 = 18;
const LABEL_X: u32 = 12;
const TRACK_X: u32 = 220;
const TRACK_WIDTH: u32 = 300;
/// Label width in ASCII-character units that fits left of the bars at 13 px.
const LABEL_UNITS: u32 = 28;

/// A horizontal bar chart of rates, one bar per org or requirement: the label on the left (cut
/// with "…" when too long; the full label is the bar's tooltip), the bar coloured by threshold
/// (≥ 90 % green, ≥ 60 % amber, else red), the percentage and the detail on the right. Bars
/// with a (safe) `href` are links. The height grows with the number of bars; no bars render
/// [`NO_DATA`].
pub fn rate_bars(title: &str, bars: &[Bar]) -> String {
    if bars.is_empty() {
        return no_data(title);
    }
    let count = u32::try_from(bars.len()).unwrap_or(u32::MAX / BAR_ROW / 2);
    let height = BAR_TOP + count.saturating_mul(BAR_ROW) + 12;
    let mut out = String::new();
    open_svg(&mut out, title, height);
    for (i, bar) in bars.iter().enumerate() {
        let rate = bar.rate_permille.min(1000);
        let y = BAR_TOP + u32::try_from(i).unwrap_or(0) * BAR_ROW;
        let text_y = y + 14;
        let width = TRACK_WIDTH * rate / 1000;
        let link = bar.href.as_deref().filter(|h| safe_href(h));
        if let Some(href) = link {
            let _ = write!(out, r#"<a href="{}">"#, xml_escape(href));
        }
        let _ = write!(
            out,
            r#"<g><title>{tooltip}</title><text x="{LABEL_X}" y="{text_y}" font-size="13" fill="{TEXT}">{label}</text><rect x="{TRACK_X}" y="{y}" width="{TRACK_WIDTH}" height="{BAR_HEIGHT}" fill="{TRACK}"/><rect x="{TRACK_X}" y="{y}" width="{width}" height="{BAR_HEIGHT}" fill="{colour}"/><text x="{pct_x}" y="{text_y}" font-size="13" fill="{TEXT}">{pct}</text><text x="{detail_x}" y="{text_y}" font-size="12" fill="{MUTED}">{detail}</text></g>"#,
            tooltip = xml_escape(&format!("{}：{} {}", bar.label, format_permille(rate), bar.detail)),
            label = xml_escape(&fit_text(&bar.label, LABEL_UNITS)),
            colour = rate_colour(rate),
            pct_x = TRACK_X + TRACK_WIDTH + 8,
            pct = format_permille(rate),
            detail_x = TRACK_X + TRACK_WIDTH + 62,
            detail = xml_escape(&fit_text(&bar.detail, 8)),
        );
        if link.is_some() {
            out.push_str("</a>");
        }
    }
    out.push_str("</svg>");
    out
}

/// A horizontal bar chart of counts (党员年龄结构, 学历 …): the label on the left, the bar scaled
/// to the largest count, the count on the right. No bars, or only zeros, render [`NO_DATA`].
pub fn count_bars(title: &str, bars: &[(String, u64)]) -> String {
    let max = bars.iter().map(|(_, n)| *n).max().unwrap_or(0);
    if max == 0 {
        return no_data(title);
    }
    let count = u32::try_from(bars.len()).unwrap_or(u32::MAX / BAR_ROW / 2);
    let height = BAR_TOP + count.saturating_mul(BAR_ROW) + 12;
    let mut out = String::new();
    open_svg(&mut out, title, height);
    for (i, (label, n)) in bars.iter().enumerate() {
        let y = BAR_TOP + u32::try_from(i).unwrap_or(0) * BAR_ROW;
        let text_y = y + 14;
        // Integer scaling: the bar's share of the track, rounded down.
        let width = u32::try_from(u128::from(TRACK_WIDTH) * u128::from(*n) / u128::from(max)).unwrap_or(TRACK_WIDTH);
        let _ = write!(
            out,
            r#"<g><title>{tooltip}</title><text x="{LABEL_X}" y="{text_y}" font-size="13" fill="{TEXT}">{label}</text><rect x="{TRACK_X}" y="{y}" width="{width}" height="{BAR_HEIGHT}" fill="{RED}"/><text x="{count_x}" y="{text_y}" font-size="13" fill="{TEXT}">{n}</text></g>"#,
            tooltip = xml_escape(&format!("{label}：{n}")),
            label = xml_escape(&fit_text(label, LABEL_UNITS)),
            count_x = TRACK_X + width + 8,
        );
    }
    out.push_str("</svg>");
    out
}

const PYRAMID_AXIS: u32 = CHART_WIDTH / 2;
const PYRAMID_HALF: u32 = 200;
const BLUE: &str = "#1565c0";

/// An age pyramid: one row per band (`(label, men, women)`, youngest first, drawn at the
/// bottom), men's bars to the left of the middle axis and women's to the right, both scaled to
/// the largest of either, each count at its bar's end. No rows, or only zeros, render
/// [`NO_DATA`].
pub fn pyramid(title: &str, rows: &[(String, u64, u64)]) -> String {
    let max = rows.iter().map(|(_, m, w)| (*m).max(*w)).max().unwrap_or(0);
    if max == 0 {
        return no_data(title);
    }
    let count = u32::try_from(rows.len()).unwrap_or(u32::MAX / BAR_ROW / 2);
    let height = BAR_TOP + 20 + count.saturating_mul(BAR_ROW) + 12;
    let mut out = String::new();
    open_svg(&mut out, title, height);
    let _ = write!(
        out,
        r#"<text x="{}" y="{BAR_TOP}" font-size="13" fill="{BLUE}" text-anchor="end">男</text><text x="{}" y="{BAR_TOP}" font-size="13" fill="{RED}">女</text>"#,
        PYRAMID_AXIS - 8,
        PYRAMID_AXIS + 8,
    );
    let scale = |n: u64| u32::try_from(u128::from(PYRAMID_HALF) * u128::from(n) / u128::from(max)).unwrap_or(0);
    // The oldest band on top, as a pyramid is read.
    for (i, (label, men, women)) in rows.iter().rev().enumerate() {
        let y = BAR_TOP + 12 + u32::try_from(i).unwrap_or(0) * BAR_ROW;
        let text_y = y + 14;
        let (mw, ww) = (scale(*men), scale(*women));
        let _ = write!(
            out,
            r#"<g><title>{tooltip}</title><text x="{LABEL_X}" y="{text_y}" font-size="12" fill="{TEXT}">{label}</text><rect x="{mx}" y="{y}" width="{mw}" height="{BAR_HEIGHT}" fill="{BLUE}"/><rect x="{PYRAMID_AXIS}" y="{y}" width="{ww}" height="{BAR_HEIGHT}" fill="{RED}"/><text x="{mtx}" y="{text_y}" font-size="12" fill="{TEXT}" text-anchor="end">{men}</text><text x="{wtx}" y="{text_y}" font-size="12" fill="{TEXT}">{women}</text></g>"#,
            tooltip = xml_escape(&format!("{label}：男 {men}，女 {women}")),
            label = xml_escape(&fit_text(label, 12)),
            mx = PYRAMID_AXIS - mw,
            mtx = (PYRAMID_AXIS - mw).saturating_sub(4),
            wtx = PYRAMID_AXIS + ww + 4,
        );
    }
    out.push_str("</svg>");
    out
}

const COLUMN_TOP: u32 = 56;
/// The tallest the column area gets.
const COLUMN_AREA: u32 = 160;
const COLUMN_LEFT: u32 = 36;
const COLUMN_SLOT: u32 = 48;
const COLUMN_WIDTH: u32 = 28;
/// The most requirements a month's column shows one cell each.
const MAX_CELLS: u32 = 12;

/// One cell per required meeting (or per meeting held, when more were held), from the
/// baseline up; returns the column's top and the text above it ("held/required").
fn cell_column(out: &mut String, m: &MonthCell, x: u32, baseline: u32, cell: u32, drawn: u32) -> (u32, String) {
    let total = m.met.max(m.required).min(drawn);
    for k in 0..total {
        let colour = if k < m.met {
            GREEN
        } else if m.due {
            RED
        } else {
            GREY
        };
        let y = baseline - (k + 1) * cell;
        let _ = write!(
            out,
            r##"<rect x="{x}" y="{y}" width="{COLUMN_WIDTH}" height="{cell}" fill="{colour}" stroke="#ffffff" stroke-width="1"/>"##
        );
    }
    (baseline - total * cell, format!("{}/{}", m.met, m.required))
}

/// A month as one column of full height: the share met in green below, the rest red when the
/// month is due (grey when not yet); returns the column's top and the share met ("97%").
fn share_column(out: &mut String, m: &MonthCell, x: u32, baseline: u32, area: u32) -> (u32, String) {
    if m.required == 0 {
        return (baseline, String::new());
    }
    let rate = permille(m.met.min(m.required), m.required).unwrap_or(0);
    let met_h = area * rate / 1000;
    let rest = if m.due { RED } else { GREY };
    let top = baseline - area;
    let _ = write!(
        out,
        r##"<rect x="{x}" y="{top}" width="{COLUMN_WIDTH}" height="{}" fill="{rest}"/><rect x="{x}" y="{}" width="{COLUMN_WIDTH}" height="{met_h}" fill="{GREEN}"/>"##,
        area - met_h,
        baseline - met_h
    );
    (top, format_permille(rate))
}

/// A year by month: a column per month (1月 … 12月, at most 12 of `months`), stacked from one
/// cell per required meeting (or per meeting held, when more were held): green for met, red for
/// missed (the month is due), grey for not yet due, with "held/required" above each column and a
/// legend below. When a month requires more than [`MAX_CELLS`] (a subtree), each column is the
/// month's share met and missed instead, with the share above it. No months render [`NO_DATA`].
pub fn monthly_columns(title: &str, months: &[MonthCell]) -> String {
    let months = &months[..months.len().min(12)];
    if months.is_empty() {
        return no_data(title);
    }
    let max_cells = months.iter().map(|m| m.met.max(m.required)).max().unwrap_or(0).max(1);
    // Beyond a dozen requirements a month (a committee's subtree has hundreds), cells would be
    // slivers: each month is then one column of full height, split by share met and missed.
    let shares = max_cells > MAX_CELLS;
    // Whole pixels per cell (at least 2), so columns stay integers.
    let cell = (COLUMN_AREA / max_cells).clamp(2, 28);
    // The column area: as tall as the tallest column needs, at most COLUMN_AREA.
    let area = if shares { COLUMN_AREA } else { cell.saturating_mul(max_cells).min(COLUMN_AREA) };
    let drawn_cells = (area / cell).max(1);
    let baseline = COLUMN_TOP + area;
    let height = baseline + 64;
    let mut out = String::new();
    open_svg(&mut out, title, height);
    let _ = write!(
        out,
        r##"<line x1="{COLUMN_LEFT}" y1="{baseline}" x2="{}" y2="{baseline}" stroke="#9e9e9e" stroke-width="1"/>"##,
        COLUMN_LEFT + 12 * COLUMN_SLOT
    );
    for (i, m) in months.iter().enumerate() {
        let slot_x = COLUMN_LEFT + u32::try_from(i).unwrap_or(0) * COLUMN_SLOT;
        let x = slot_x + (COLUMN_SLOT - COLUMN_WIDTH) / 2;
        let centre = slot_x + COLUMN_SLOT / 2;
        let status = if m.required == 0 {
            "无要求"
        } else if m.met >= m.required {
            "已完成"
        } else if m.due {
            "未完成"
        } else {
            "未到期"
        };
        let _ = write!(out, "<g><title>{}月：已开 {} 次，应开 {} 次，{status}</title>", i + 1, m.met, m.required);
        let (top, above) = if shares {
            share_column(&mut out, m, x, baseline, area)
        } else {
            cell_column(&mut out, m, x, baseline, cell, drawn_cells)
        };
        let _ = write!(
            out,
            r#"<text x="{centre}" y="{}" font-size="12" fill="{MUTED}" text-anchor="middle">{above}</text><text x="{centre}" y="{}" font-size="12" fill="{TEXT}" text-anchor="middle">{}月</text></g>"#,
            top.saturating_sub(4),
            baseline + 16,
            i + 1
        );
    }
    let legend_y = baseline + 36;
    for (k, (colour, label)) in [(GREEN, "已完成"), (RED, "未完成"), (GREY, "未到期")].into_iter().enumerate()
    {
        let x = COLUMN_LEFT + u32::try_from(k).unwrap_or(0) * 96;
        let _ = write!(
            out,
            r#"<rect x="{x}" y="{legend_y}" width="12" height="12" fill="{colour}"/><text x="{}" y="{}" font-size="12" fill="{TEXT}">{label}</text>"#,
            x + 16,
            legend_y + 11
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn count_bars_scale_to_the_largest_and_escape_labels() {
        let svg = super::count_bars("年龄", &[("<30".into(), 10), ("31-35".into(), 5), ("36-40".into(), 0)]);
        assert!(
            svg.contains(r#"width="300""#) && svg.contains(r#"width="150""#) && svg.contains(r#"width="0""#),
            "{svg}"
        );
        assert!(svg.contains("&lt;30") && !svg.contains("<30"), "{svg}");
        assert!(super::count_bars("空", &[("a".into(), 0)]).contains(super::NO_DATA));
        assert!(super::count_bars("空", &[]).contains(super::NO_DATA));
    }

    #[test]
    fn a_pyramid_puts_men_left_and_women_right_oldest_on_top() {
        let rows = [("<30".to_string(), 10, 5), ("61岁及以上".to_string(), 2, 0)];
        let svg = super::pyramid("年龄", &rows);
        // Scaled to the largest of either side (10 → 200 px): the men's bar ends at the axis; the
        // youngest band is the second row.
        assert!(svg.contains(r#"x="120" y="84" width="200""#), "{svg}");
        assert!(svg.contains(r#"x="320" y="84" width="100""#), "{svg}");
        // The oldest band is drawn first (on top).
        let (old, young) = (svg.find("61岁及以上").unwrap_or(usize::MAX), svg.find("&lt;30").unwrap_or(0));
        assert!(old < young, "{svg}");
        let text = parse(&svg);
        assert!(text.contains("男") && text.contains("女"), "{text}");
        assert!(super::pyramid("空", &[("a".into(), 0, 0)]).contains(super::NO_DATA));
    }

    use super::*;
    use quick_xml::Reader;
    use quick_xml::events::Event;

    /// Parses the SVG, checking it is well-formed with one `<svg>` root in the SVG namespace;
    /// returns all text content, joined.
    fn parse(svg: &str) -> String {
        let mut reader = Reader::from_str(svg);
        let mut depth = 0usize;
        let mut roots = 0;
        let mut text = String::new();
        loop {
            match reader.read_event() {
                Ok(Event::Start(e)) => {
                    if depth == 0 {
                        roots += 1;
                        assert_eq!(e.name().as_ref(), "svg");
                        let xmlns = e.try_get_attribute("xmlns").unwrap().expect("xmlns");
                        assert_eq!(xmlns.value.as_ref(), "http://www.w3.org/2000/svg");
                        assert!(e.try_get_attribute("viewBox").unwrap().is_some());
                        assert!(e.try_get_attribute("role").unwrap().is_some());
                    }
                    for a in e.attributes() {
                        a.expect("well-formed attribute");
                    }
                    depth += 1;
                }
                Ok(Event::Empty(e)) => {
                    assert!(depth > 0, "element outside the root");
                    for a in e.attributes() {
                        a.expect("well-formed attribute");
                    }
                }
                Ok(Event::End(_)) => depth -= 1,
                Ok(Event::Text(t)) => {
                    text.push_str(&t.xml10_content());
                }
                Ok(Event::GeneralRef(r)) => {
                    let name = r.xml10_content();
                    text.push_str(match name.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        other => panic!("unknown entity {other}"),
                    });
                }
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("not well-formed: {e}\n{svg}"),
            }
        }
        assert_eq!(depth, 0);
        assert_eq!(roots, 1);
        text
    }

    fn bar(label: &str, rate: u32, detail: &str) -> Bar {
        Bar { label: label.into(), rate_permille: rate, detail: detail.into(), href: None }
    }

    #[test]
    fn rates_are_integer_permille() {
        assert_eq!(permille(11, 12), Some(917));
        assert_eq!(permille(1, 3), Some(333));
        assert_eq!(permille(2, 3), Some(667));
        assert_eq!(permille(0, 5), Some(0));
        assert_eq!(permille(5, 5), Some(1000));
        assert_eq!(permille(7, 5), Some(1000));
        assert_eq!(permille(1, 0), None);
        assert_eq!(permille(u32::MAX, u32::MAX), Some(1000));
        // The dashboard's figure for the same ratio (one rounding everywhere).
        let tally = domain::compliance::Tally { required_periods: 3, met_periods: 2 };
        assert_eq!(tally.rate_label(), format_permille(permille(2, 3).unwrap()));
        assert_eq!(format_permille(917), "91.7%");
        assert_eq!(format_permille(900), "90%");
        assert_eq!(format_permille(1000), "100%");
        assert_eq!(format_permille(5), "0.5%");
        assert_eq!(format_permille(0), "0%");
    }

    #[test]
    fn colours_follow_the_thresholds() {
        assert_eq!(rate_colour(1000), GREEN);
        assert_eq!(rate_colour(900), GREEN);
        assert_eq!(rate_colour(899), AMBER);
        assert_eq!(rate_colour(600), AMBER);
        assert_eq!(rate_colour(599), RED);
        assert_eq!(rate_colour(0), RED);
    }

    #[test]
    fn labels_and_links_are_escaped() {
        let bars = [
            Bar {
                label: "<script>alert(1)</script>".into(),
                rate_permille: 917,
                detail: "11/12".into(),
                href: Some("/orgs/1?a=1&b=\"2\"".into()),
            },
            Bar { label: "\"&'\u{0}支部".into(), rate_permille: 500, detail: "<b>".into(), href: None },
        ];
        let svg = rate_bars("标题 <&> \"'", &bars);
        assert!(!svg.contains("<script>"));
        assert!(!svg.contains("<b>"));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains(r#"<a href="/orgs/1?a=1&amp;b=&quot;2&quot;">"#));
        let text = parse(&svg);
        assert!(text.contains("<script>alert(1)</script>"), "{text}");
        assert!(text.contains("\"&'支部"), "{text}");
        assert!(text.contains("标题 <&> \"'"), "{text}");
        assert!(text.contains("91.7%"));
        assert!(text.contains("11/12"));
    }

    #[test]
    fn unsafe_links_are_dropped() {
        for href in ["javascript:alert(1)", " JavaScript:x", "data:text/html,x", "//evil.example/", "/\\evil.example/"]
        {
            let svg = rate_bars("t", &[Bar { href: Some(href.into()), ..bar("a", 1000, "1/1") }]);
            assert!(!svg.contains("<a "), "{href}");
            parse(&svg);
        }
        let svg = rate_bars("t", &[Bar { href: Some("https://example.org/x".into()), ..bar("a", 1000, "1/1") }]);
        assert!(svg.contains(r#"<a href="https://example.org/x">"#));
    }

    #[test]
    fn empty_charts_say_so() {
        for svg in [rate_bars("各支部完成率", &[]), monthly_columns("支委会", &[])] {
            let text = parse(&svg);
            assert!(text.contains(NO_DATA), "{text}");
            assert!(text.contains("各支部完成率") || text.contains("支委会"));
        }
    }

    #[test]
    fn zero_and_full_bars() {
        let svg = rate_bars("完成率", &[bar("零", 0, "0/12"), bar("满", 1000, "12/12"), bar("超", 1500, "18/12")]);
        let text = parse(&svg);
        assert!(text.contains("0%"));
        assert!(text.contains("100%"));
        assert!(!text.contains("150%"));
        assert!(svg.contains(&format!(r#"width="0" height="{BAR_HEIGHT}" fill="{RED}""#)));
        assert!(svg.contains(&format!(r#"width="{TRACK_WIDTH}" height="{BAR_HEIGHT}" fill="{GREEN}""#)));
        // The height grows with the bars.
        let one = rate_bars("t", &[bar("a", 1, "")]);
        assert!(one.contains(r#"viewBox="0 0 640 84""#), "{one}");
        assert!(svg.contains(r#"viewBox="0 0 640 140""#));
    }

    #[test]
    fn long_labels_are_cut_with_the_full_text_as_tooltip() {
        let long = "教育局党委第一中学党总支高一年级党支部第二党小组";
        let svg = rate_bars("t", &[bar(long, 500, "1/2")]);
        let text = parse(&svg);
        assert!(text.contains('…'));
        assert!(text.contains(long));
    }

    #[test]
    fn months_show_met_missed_and_not_yet_due() {
        let mut months = vec![MonthCell { met: 1, required: 1, due: true }; 12];
        months[1] = MonthCell { met: 0, required: 1, due: true };
        months[11] = MonthCell { met: 0, required: 1, due: false };
        months[2] = MonthCell { met: 3, required: 1, due: true };
        let svg = monthly_columns("支委会（2025年）<x>", &months);
        let text = parse(&svg);
        for m in 1..=12 {
            assert!(text.contains(&format!("{m}月")), "{m}");
        }
        assert!(text.contains("2月：已开 0 次，应开 1 次，未完成"));
        assert!(text.contains("12月：已开 0 次，应开 1 次，未到期"));
        assert!(text.contains("3/1"));
        assert!(text.contains("<x>"));
        assert_eq!(svg.matches(&format!("fill=\"{RED}\" stroke")).count(), 1);
        assert_eq!(svg.matches(&format!("fill=\"{GREY}\" stroke")).count(), 1);
        assert_eq!(svg.matches(&format!("fill=\"{GREEN}\" stroke")).count(), 9 + 3);
        // More than 12 months are cut; huge counts stay inside the chart.
        let many = vec![MonthCell { met: 1_000_000, required: 4_000_000_000, due: true }; 20];
        let svg = monthly_columns("t", &many);
        parse(&svg);
        assert!(!svg.contains("13月"));
    }

    /// A committee's months (hundreds of requirement-periods each) are one column a month, the
    /// share met in green and the rest red when due, with the share above: not hundreds of
    /// slivers.
    #[test]
    fn a_subtree_month_is_one_column_of_shares() {
        let mut months = vec![MonthCell { met: 290, required: 300, due: true }; 12];
        months[11] = MonthCell { met: 100, required: 300, due: false };
        let svg = monthly_columns("各月", &months);
        let text = parse(&svg);
        assert!(text.contains("96.7%"), "{text}");
        assert!(text.contains("12月：已开 100 次，应开 300 次，未到期"));
        // Two rectangles a month (the rest, then the share met), and three in the legend.
        assert_eq!(svg.matches("<rect x=").count(), 1 + 12 * 2 + 3, "{svg}");
        assert_eq!(svg.matches(&format!("fill=\"{GREY}\"/>")).count(), 1 + 1);
        // Twelve requirements a month still show one cell each.
        let svg = monthly_columns("各月", &[MonthCell { met: 12, required: 12, due: true }; 12]);
        assert_eq!(svg.matches(&format!("fill=\"{GREEN}\" stroke")).count(), 144);
    }

    /// Chart text stays at 12 px or more (the page shows charts at their natural size on a
    /// phone, scrolling sideways, so this is the size read).
    #[test]
    fn no_chart_text_is_smaller_than_12px() {
        let months = vec![MonthCell { met: 1, required: 2, due: true }; 12];
        let bars = vec![bar("一支部", 500, "1/2")];
        for svg in [monthly_columns("t", &months), rate_bars("t", &bars), rate_bars("t", &[])] {
            for size in svg.split("font-size=\"").skip(1) {
                let n: u32 = size.split('"').next().unwrap().parse().unwrap();
                assert!(n >= 12, "font-size {n} in {svg}");
            }
        }
    }
}
