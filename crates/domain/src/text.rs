//! Text hygiene for Chinese personal data (domain.md §23.2).
//!
//! Two principles. Names are stored byte-exact: no Unicode normalisation, because NFC/NFKC
//! rewrite CJK compatibility ideographs (also those outside the BMP, U+2F800…) into their
//! unified forms, and a person's registered name (户籍登记) must not change under us.
//! Hostile-looking input (quotes, SQL, NUL, bidi overrides) is kept verbatim: storage is
//! parameterised and escaping for display is the UI's job; dropping characters would corrupt
//! the record and hide what was entered.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Longest name accepted, in code points. Chinese names are 2–4 characters; transliterated
/// minority and foreign names (阿卜杜·热合曼·…) run longer. [PROPOSAL] 50.
pub const NAME_MAX_CHARS: usize = 50;

/// Length of an extension accepted after a landline number. [PROPOSAL]
const EXTENSION_MAX_DIGITS: usize = 6;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TextError {
    /// A name is empty after trimming whitespace.
    #[error("the name is empty")]
    NameEmpty,
    /// A name is longer than `max` code points.
    #[error("the name has {count} characters, at most {max} are allowed")]
    NameTooLong { count: usize, max: usize },
    /// A name contains a line break or tab (`position` is the 1-based code-point index in the
    /// trimmed name). Such names come from pasting several cells at once.
    #[error("the name contains a line break or tab ({found:?}) at character {position}")]
    NameLineBreak { position: usize, found: char },
    /// A free-text field is longer than `max` code points.
    #[error("the text has {count} characters, at most {max} are allowed")]
    TextTooLong { count: usize, max: usize },
    /// Nothing but separators was entered as a phone number.
    #[error("the phone number is empty")]
    PhoneEmpty,
    /// A character that is neither a digit nor an accepted separator.
    #[error("the phone number contains {found:?}")]
    PhoneInvalidCharacter { found: char },
    /// Starts with 1 (a mobile) but does not have 11 digits.
    #[error("a mobile number has 11 digits, found {found}")]
    MobileWrongLength { found: usize },
    /// 11 digits starting with 10, 11 or 12: not a mobile prefix (`^1[3-9]`).
    #[error("{prefix} is not a mobile number prefix")]
    MobileBadPrefix { prefix: String },
    /// An extension was given for a mobile number.
    #[error("a mobile number has no extension")]
    MobileWithExtension,
    /// Starts with 0 (a landline) but the local number after the area code is not 7–8
    /// digits. `area_code` is the code as read (010, 02x: 3 digits; others: 4).
    #[error("after area code {area_code} the local number has {local_digits} digits, expected 7 or 8")]
    LandlineBadLength { area_code: String, local_digits: usize },
    /// The extension after `-` or `转` is empty, not digits, or longer than 6 digits.
    #[error("extension {extension:?} is not 1–6 digits")]
    LandlineBadExtension { extension: String },
    /// Starts with neither 1 (mobile) nor 0 (landline area code).
    #[error("{digits} is neither a mobile nor a landline number")]
    PhoneUnrecognized { digits: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneKind {
    Mobile,
    Landline,
}

/// A normalised phone number. `number` is canonical: a mobile as 11 digits (`13812345678`);
/// a landline as `area-local` (`0755-12345678`), with `-extension` appended if one was given
/// (`010-12345678-123`). No country code: all numbers are domestic.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Phone {
    pub number: String,
    pub kind: PhoneKind,
}

/// Number of Unicode code points (what a person counts as characters for CJK text; a
/// supplementary-plane ideograph such as 𠀀 is one, not two as in UTF-16).
pub fn code_points(s: &str) -> usize {
    s.chars().count()
}

/// Middle-dot look-alikes typed into minority and foreign names instead of U+00B7 MIDDLE DOT,
/// the separator 公安 uses in registered names (阿卜杜·热合曼).
const DOT_LOOKALIKES: [char; 5] = [
    '\u{2022}', // • BULLET
    '\u{2027}', // ‧ HYPHENATION POINT
    '\u{2219}', // ∙ BULLET OPERATOR
    '\u{30FB}', // ・ KATAKANA MIDDLE DOT (Japanese IMEs)
    '\u{FF65}', // ･ HALFWIDTH KATAKANA MIDDLE DOT
];

/// Characters that split a line; in a name they mean a paste went wrong.
fn is_line_break_or_tab(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\t' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Cleans a person's name: trims surrounding whitespace (including U+3000 IDEOGRAPHIC
/// SPACE) and maps middle-dot look-alikes to U+00B7. Nothing else changes — in particular no
/// NFC/NFKC (see the module note). Refuses empty names, names longer than
/// [`NAME_MAX_CHARS`] code points, and line breaks or tabs inside.
pub fn normalize_name(input: &str) -> Result<String, TextError> {
    // `str::trim` uses the Unicode White_Space property, which includes U+3000.
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(TextError::NameEmpty);
    }
    if let Some((i, found)) = trimmed.chars().enumerate().find(|(_, c)| is_line_break_or_tab(*c)) {
        return Err(TextError::NameLineBreak { position: i + 1, found });
    }
    let count = code_points(trimmed);
    if count > NAME_MAX_CHARS {
        return Err(TextError::NameTooLong { count, max: NAME_MAX_CHARS });
    }
    Ok(trimmed.chars().map(|c| if DOT_LOOKALIKES.contains(&c) { '\u{B7}' } else { c }).collect())
}

/// Free text (notes, addresses, summaries): returned verbatim, not even trimmed; only refused
/// when longer than `max_chars` code points.
pub fn free_text(input: &str, max_chars: usize) -> Result<String, TextError> {
    let count = code_points(input);
    if count > max_chars {
        return Err(TextError::TextTooLong { count, max: max_chars });
    }
    Ok(input.to_string())
}

/// Normalises a mobile or landline number (domain.md §23.2).
///
/// Accepted noise: spaces (ASCII, U+3000), hyphens and dashes, parentheses around the area
/// code, full-width digits, and a leading `+86`/`0086`. Mobile: `^1[3-9]\d{9}$`. Landline:
/// `0` + area code + 7–8 digit local number, optionally followed by an extension after `-`
/// or `转`. A mobile written with the old long-distance `0` (`013812345678`) is a mobile.
/// The area code's length is read from its prefix (010 and 02x are 3 digits with the
/// 0; all others 4), so `0755-1234567-8` is local 1234567 with extension 8, while
/// `0755-1234-5678` is local 12345678: groups after the area code are joined until the local
/// number has at least 7 digits, and any further group is the extension.
pub fn normalize_phone(input: &str) -> Result<Phone, TextError> {
    // 1. Map to ASCII digits, '+', '-' and '转'; drop spaces and parentheses.
    let mut s = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '0'..='9' | '+' | '转' => s.push(c),
            '０'..='９' => s.push(char::from(b'0' + (c as u32 - '０' as u32) as u8)),
            '＋' => s.push('+'),
            '-' | '－' | '\u{2010}'..='\u{2015}' | '\u{2212}' => s.push('-'),
            ' ' | '\u{3000}' | '\u{A0}' | '(' | ')' | '（' | '）' => {}
            _ => return Err(TextError::PhoneInvalidCharacter { found: c }),
        }
    }
    // 2. Country code. Area codes never start with 00, so 0086 is unambiguous.
    let mut international = false;
    for prefix in ["+86", "0086"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest.trim_start_matches('-').to_string();
            international = true;
            break;
        }
    }
    if s.contains('+') {
        return Err(TextError::PhoneInvalidCharacter { found: '+' });
    }
    // 3. Explicit extension after 转.
    let (main, mut extension) = match s.split_once('转') {
        Some((main, ext)) => {
            let ext = ext.replace('-', "");
            if ext.contains('转') || !is_extension(&ext) {
                return Err(TextError::LandlineBadExtension { extension: ext });
            }
            (main.to_string(), Some(ext))
        }
        None => (s, None),
    };
    let mut groups: Vec<String> = main.split('-').filter(|g| !g.is_empty()).map(str::to_string).collect();
    if groups.is_empty() {
        return Err(TextError::PhoneEmpty);
    }
    // International landlines drop the domestic 0 (+86 10 1234 5678, +86 755 …); mobiles
    // start 1[3-9], so a leading 10 or 2–9 after +86 is a landline area code.
    if international {
        let b = groups[0].as_bytes();
        if matches!(b[0], b'2'..=b'9') || b.starts_with(b"10") {
            groups[0].insert(0, '0');
        }
    }
    let mut digits: String = groups.concat();
    // A mobile dialled with the old long-distance 0 (013812345678): no area code starts 01
    // except 010, so 01[3-9] + 10 digits is a mobile.
    if extension.is_none()
        && digits.len() == 12
        && digits.starts_with("01")
        && matches!(digits.as_bytes()[2], b'3'..=b'9')
    {
        digits.remove(0);
    }

    match digits.as_bytes()[0] {
        b'1' => {
            if extension.is_some() {
                return Err(TextError::MobileWithExtension);
            }
            if digits.len() != 11 {
                return Err(TextError::MobileWrongLength { found: digits.len() });
            }
            if !matches!(digits.as_bytes()[1], b'3'..=b'9') {
                return Err(TextError::MobileBadPrefix { prefix: digits[..2].to_string() });
            }
            Ok(Phone { number: digits, kind: PhoneKind::Mobile })
        }
        b'0' => {
            let area_len = match digits.as_bytes().get(1) {
                Some(b'1' | b'2') => 3,
                _ => 4,
            };
            if digits.len() < area_len {
                return Err(TextError::LandlineBadLength { area_code: digits.clone(), local_digits: 0 });
            }
            let area = digits[..area_len].to_string();
            // Re-walk the groups to find where the local number ends.
            let mut local = String::new();
            let mut consumed_area = 0;
            let mut rest_groups: &[String] = &[];
            for (gi, g) in groups.iter().enumerate() {
                let mut g: &str = g;
                if consumed_area < area_len {
                    let take = (area_len - consumed_area).min(g.len());
                    consumed_area += take;
                    g = &g[take..];
                }
                if !g.is_empty() {
                    local.push_str(g);
                }
                if local.len() >= 7 {
                    rest_groups = &groups[gi + 1..];
                    break;
                }
            }
            if !rest_groups.is_empty() {
                let ext = rest_groups.concat();
                if extension.is_some() || !is_extension(&ext) {
                    return Err(TextError::LandlineBadExtension { extension: ext });
                }
                extension = Some(ext);
            }
            if !(7..=8).contains(&local.len()) {
                return Err(TextError::LandlineBadLength { area_code: area, local_digits: local.len() });
            }
            let mut number = format!("{area}-{local}");
            if let Some(ext) = extension {
                number.push('-');
                number.push_str(&ext);
            }
            Ok(Phone { number, kind: PhoneKind::Landline })
        }
        _ => Err(TextError::PhoneUnrecognized { digits }),
    }
}

fn is_extension(s: &str) -> bool {
    (1..=EXTENSION_MAX_DIGITS).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    // domain.md §23.2 / reliability: names outside the BMP survive byte-exact.
    #[test]
    fn supplementary_plane_names_byte_exact() {
        // U+20000 𠀀 and U+2A6A5 𪚥 (CJK Ext-B).
        let ext_b = "𠀀𪚥";
        assert_eq!(normalize_name(ext_b).unwrap().as_bytes(), ext_b.as_bytes());
        assert_eq!(code_points(ext_b), 2);
        // U+2F800 CJK COMPATIBILITY IDEOGRAPH; NFC would rewrite it to U+4E3D.
        let compat = "王\u{2F800}";
        assert_ne!(compat.nfc().collect::<String>(), compat, "test premise: NFC changes it");
        assert_eq!(normalize_name(compat).unwrap().as_bytes(), compat.as_bytes());
        // A BMP compatibility ideograph (U+F900) likewise.
        let bmp_compat = "李\u{F900}";
        assert_ne!(bmp_compat.nfc().collect::<String>(), bmp_compat);
        assert_eq!(normalize_name(bmp_compat).unwrap(), bmp_compat);
        // Decomposed sequences are not composed either (no NFC).
        let decomposed = "Jose\u{301}";
        assert_eq!(normalize_name(decomposed).unwrap(), decomposed);
    }

    // Minority names: middle-dot look-alikes become U+00B7.
    #[test]
    fn middle_dot_lookalikes() {
        assert_eq!(normalize_name("阿卜杜•热合曼").unwrap(), "阿卜杜·热合曼");
        for dot in ['\u{2022}', '\u{2027}', '\u{2219}', '\u{30FB}', '\u{FF65}', '\u{B7}'] {
            assert_eq!(normalize_name(&format!("买买提{dot}艾力")).unwrap(), "买买提\u{B7}艾力", "{dot:?}");
        }
        // Not a look-alike in the list: full-width full stop stays.
        assert_eq!(normalize_name("买买提．艾力").unwrap(), "买买提．艾力");
    }

    #[test]
    fn name_trimmed_including_ideographic_space() {
        assert_eq!(normalize_name("\u{3000} 张三\u{3000}\n").unwrap(), "张三");
        // Inner spaces (foreign names) stay.
        assert_eq!(normalize_name("John Smith").unwrap(), "John Smith");
    }

    #[test]
    fn name_empty_refused() {
        assert_eq!(normalize_name(""), Err(TextError::NameEmpty));
        assert_eq!(normalize_name(" \u{3000}\t"), Err(TextError::NameEmpty));
    }

    // [PROPOSAL] 50 code points: 50 accepted, 51 refused; counted in code points, not bytes.
    #[test]
    fn name_length_bound() {
        let fifty: String = "𠀀".repeat(50);
        assert_eq!(normalize_name(&fifty).unwrap(), fifty);
        let fifty_one: String = "𠀀".repeat(51);
        assert_eq!(normalize_name(&fifty_one), Err(TextError::NameTooLong { count: 51, max: 50 }));
    }

    #[test]
    fn name_line_breaks_and_tabs_refused() {
        assert_eq!(normalize_name("张\n三"), Err(TextError::NameLineBreak { position: 2, found: '\n' }));
        assert_eq!(normalize_name(" 张三\t李四"), Err(TextError::NameLineBreak { position: 3, found: '\t' }));
        assert!(normalize_name("张\r三").is_err());
        assert!(normalize_name("张\u{2028}三").is_err());
    }

    // Hostile strings are data: kept verbatim (storage is parameterised).
    #[test]
    fn hostile_strings_kept_verbatim() {
        for s in [
            "'; DROP TABLE subjects;--",
            "a\u{0}b",
            "\u{202E}evil",
            "<script>alert(1)</script>",
            "  leading and trailing  ",
            "line1\nline2",
        ] {
            assert_eq!(free_text(s, 1000).unwrap(), s);
        }
        // Names keep them too (no line breaks involved).
        assert_eq!(normalize_name("O'Brien\u{202E}").unwrap(), "O'Brien\u{202E}");
        assert_eq!(normalize_name("a\u{0}b").unwrap(), "a\u{0}b");
    }

    #[test]
    fn free_text_length_bound_in_code_points() {
        assert_eq!(free_text("𠀀𪚥", 2).unwrap(), "𠀀𪚥");
        assert_eq!(free_text("𠀀𪚥x", 2), Err(TextError::TextTooLong { count: 3, max: 2 }));
        assert_eq!(free_text("", 0).unwrap(), "");
    }

    fn mobile(n: &str) -> Phone {
        Phone { number: n.into(), kind: PhoneKind::Mobile }
    }
    fn landline(n: &str) -> Phone {
        Phone { number: n.into(), kind: PhoneKind::Landline }
    }

    // domain.md §23.2: mobile ^1[3-9]\d{9}$.
    #[test]
    fn mobile_numbers() {
        for input in [
            "13812345678",
            "138 1234 5678",
            "138-1234-5678",
            "+86 138 1234 5678",
            "+8613812345678",
            "008613812345678",
            "＋８６ １３８１２３４５６７８",
        ] {
            assert_eq!(normalize_phone(input), Ok(mobile("13812345678")), "{input:?}");
        }
        assert_eq!(normalize_phone("19912345678"), Ok(mobile("19912345678")));
        // Old long-distance 0 before a mobile: 01[3-9] is no area code.
        assert_eq!(normalize_phone("0138-1234-5678"), Ok(mobile("13812345678")));
        assert_eq!(normalize_phone("12812345678"), Err(TextError::MobileBadPrefix { prefix: "12".into() }));
        assert_eq!(normalize_phone("1381234567"), Err(TextError::MobileWrongLength { found: 10 }));
        assert_eq!(normalize_phone("138123456789"), Err(TextError::MobileWrongLength { found: 12 }));
        assert_eq!(normalize_phone("13812345678转1"), Err(TextError::MobileWithExtension));
    }

    // domain.md §23.2: landline = area code + 7–8 digits, optional extension.
    #[test]
    fn landline_numbers() {
        assert_eq!(normalize_phone("010-12345678"), Ok(landline("010-12345678")));
        assert_eq!(normalize_phone("01012345678"), Ok(landline("010-12345678")));
        assert_eq!(normalize_phone("(010) 1234 5678"), Ok(landline("010-12345678")));
        assert_eq!(normalize_phone("（０２０）８７６５４３２１"), Ok(landline("020-87654321")));
        assert_eq!(normalize_phone("0755-1234567"), Ok(landline("0755-1234567")));
        assert_eq!(normalize_phone("0755-1234-5678"), Ok(landline("0755-12345678")));
        assert_eq!(normalize_phone("+86 10 1234 5678"), Ok(landline("010-12345678")));
        assert_eq!(normalize_phone("+86 755 1234 5678"), Ok(landline("0755-12345678")));
        assert_eq!(normalize_phone("0086-0755-12345678"), Ok(landline("0755-12345678")));
        // Extensions.
        assert_eq!(normalize_phone("010-12345678-123"), Ok(landline("010-12345678-123")));
        assert_eq!(normalize_phone("010-12345678转123"), Ok(landline("010-12345678-123")));
        assert_eq!(normalize_phone("0755-1234567-8"), Ok(landline("0755-1234567-8")));
        assert_eq!(normalize_phone("075512345678-8"), Ok(landline("0755-12345678-8")));
        assert_eq!(
            normalize_phone("010-12345678-1234567"),
            Err(TextError::LandlineBadExtension { extension: "1234567".into() })
        );
        assert_eq!(normalize_phone("010-12345678转"), Err(TextError::LandlineBadExtension { extension: "".into() }));
        // Local number length 7–8 inclusive (以上/以下, 刑法 Art 99 convention).
        assert_eq!(
            normalize_phone("0755-123456"),
            Err(TextError::LandlineBadLength { area_code: "0755".into(), local_digits: 6 })
        );
        assert_eq!(
            normalize_phone("010123456789"),
            Err(TextError::LandlineBadLength { area_code: "010".into(), local_digits: 9 })
        );
    }

    #[test]
    fn phone_refusals() {
        assert_eq!(normalize_phone(""), Err(TextError::PhoneEmpty));
        assert_eq!(normalize_phone(" - "), Err(TextError::PhoneEmpty));
        assert_eq!(normalize_phone("138abc45678"), Err(TextError::PhoneInvalidCharacter { found: 'a' }));
        assert_eq!(normalize_phone("138+12345678"), Err(TextError::PhoneInvalidCharacter { found: '+' }));
        assert_eq!(normalize_phone("95588"), Err(TextError::PhoneUnrecognized { digits: "95588".into() }));
    }
}
