//! How wide a text surely is, to tell the rows that hold one line from those that may wrap
//! without asking typst to measure them (see toc.rs and grid.rs).

/// Points per millimetre.
pub(crate) const PT_PER_MM: f64 = 72.0 / 25.4;
/// lib.typ's page-setup: A4's 210 mm less its 28 mm binding and 20 mm outer margins.
pub(crate) const TEXT_WIDTH_MM: f64 = 162.0;

/// An upper bound on the width of `text` in ems, in any of the faces the forms use (宋体 or
/// Noto Serif CJK): full-width characters 1 em; digits and the punctuation of dates and numbers
/// 0.6 em (both faces draw them at 0.5–0.55); other ASCII 1 em (Noto's Latin is proportional,
/// W ≈ 0.96 em); a quarter em where CJK meets Latin when `spaced` (typst's cjk-latin-spacing). `None` for
/// characters that may come from another face, with other widths and heights (rare name
/// characters, ideographs GBK has not: 宋体 covers U+4E00–U+9FA5).
pub(crate) fn width_em(text: &str, spaced: bool) -> Option<f64> {
    let mut em = 0.0;
    let mut last_ascii = None;
    for c in text.chars() {
        let ascii = c.is_ascii();
        em += match c as u32 {
            // A line break or tab: more than one line, or a width nobody can tell.
            _ if c.is_ascii_control() => return None,
            _ if c.is_ascii_digit() || matches!(c, '-' | '.' | ':' | '/' | ' ' | '(' | ')') => 0.6,
            _ if ascii => 1.0,
            // CJK punctuation, unified ideographs of GBK, full-width forms, general punctuation
            // (—“”), number forms (Ⅲ): full width in CJK faces.
            0x3000..=0x303F | 0x4E00..=0x9FA5 | 0xFF00..=0xFFEF | 0x2010..=0x2027 | 0x2160..=0x217F => 1.0,
            _ => return None,
        };
        if spaced && last_ascii.is_some_and(|was| was != ascii) {
            em += 0.25;
        }
        last_ascii = Some(ascii);
    }
    Some(em)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_are_upper_bounds_and_unknown_text_has_none() {
        assert!(width_em("第1版", true).is_some_and(|em| (em - 3.1).abs() < 1e-9));
        assert!(width_em("第1版", false).is_some_and(|em| (em - 2.6).abs() < 1e-9));
        // Capitals count full width (Noto's W is 0.96 em), digits of a date do not.
        assert_eq!(width_em("WWW", true), Some(3.0));
        assert!(width_em("2025-03-15", true).is_some_and(|em| (em - 6.0).abs() < 1e-9));
        // A rare character may come from another face; a line break makes two lines.
        assert_eq!(width_em("王𪚥", true), None);
        assert_eq!(width_em("第一行\n第二行", false), None);
    }
}
