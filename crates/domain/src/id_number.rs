//! Resident ID numbers (公民身份号码, GB 11643-1999; domain.md §23.1).
//!
//! An 18-character number is 6 address digits (GB/T 2260) + 8 birth-date digits (YYYYMMDD) +
//! 3 sequence digits (odd = male) + 1 check character (ISO 7064 MOD 11-2).
//!
//! Checks run in reading order — characters, province, birth date — and the check character
//! last, so that a typo in the province or date is reported where it is, not as a bare
//! "check character wrong".

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::Sex;

/// GB 11643-1999 §8.2: weights of positions 1–17 (2^(18-i) mod 11).
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// GB 11643-1999 §8.2: check character indexed by the weighted sum mod 11.
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// GB/T 2260 province-level codes used in mainland resident IDs (first two digits).
const MAINLAND_PROVINCES: [(u8, u8); 6] = [(11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65)];

/// Codes that are not mainland provinces: 71 Taiwan (GB/T 2260); 81 Hong Kong, 82 Macao and
/// 83 Taiwan are the prefixes of 港澳台居民居住证 numbers (domain.md §23.1). A number starting with
/// one of these is a residence permit (or a mistake), never a 居民身份证.
const NON_MAINLAND_CODES: [u8; 4] = [71, 81, 82, 83];

/// Earliest birth date accepted. GB 11643 itself allows any date, but a living subject born
/// before 1900 is impossible, so such a date is a typo (reliability note, domain.md §23.1).
pub const EARLIEST_BIRTH_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => panic!("1900-01-01 is a valid date"),
};

/// A checked 18-character resident ID number and what it encodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentId {
    /// Normalised number: 17 ASCII digits + digit or upper-case `X`.
    pub number: String,
    /// First 6 digits (行政区划代码 at the time of issue; may be an old code — do not block on it).
    pub address_code: String,
    pub birth_date: NaiveDate,
    /// From the 17th digit: odd = male, even = female (GB 11643-1999 §6.3).
    pub sex: Sex,
}

/// Why a resident ID number was refused. Positions are 1-based, as a person counts them.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdNumberError {
    /// Nothing was entered (after trimming spaces).
    #[error("the ID number is empty")]
    Empty,
    /// Neither 18 nor 15 characters. `found` counts characters after normalisation.
    #[error("an ID number has 18 characters, found {found}")]
    WrongLength { found: usize },
    /// A first-generation 15-digit number. It is valid history but must be converted on
    /// purpose (domain.md §23.1: "convert … Keep the original"); `converted` is the 18-character
    /// form to offer. The converted form is not yet validated: parse it after the user agrees.
    #[error("15-digit legacy ID number {original}; convert it explicitly (suggested: {converted})")]
    LegacyFifteenDigits { original: String, converted: String },
    /// A character that must be a digit is not (positions 1–17, or any position of a 15-digit
    /// number).
    #[error("character {position} must be a digit, found {found:?}")]
    NotADigit { position: usize, found: char },
    /// First two digits are not a GB/T 2260 province code.
    #[error("{code} is not a province code")]
    UnknownProvince { code: String },
    /// First two digits are 71/81/82/83: a Hong Kong/Macao/Taiwan residence permit, which needs
    /// its own ID type (domain.md §23.1), not 居民身份证.
    #[error("{code} is a Hong Kong/Macao/Taiwan code: record this number as a residence permit")]
    ResidencePermitCode { code: u8 },
    /// Digits 7–14 are not a calendar date (e.g. month 13, February 30).
    #[error("birth date digits {digits} are not a real date")]
    ImpossibleBirthDate { digits: String },
    /// Birth date before [`EARLIEST_BIRTH_DATE`].
    #[error("birth date {birth_date} is before {earliest}")]
    BirthDateTooEarly { birth_date: NaiveDate, earliest: NaiveDate },
    /// Birth date after the day of entry.
    #[error("birth date {birth_date} is after today ({today})")]
    BirthDateInFuture { birth_date: NaiveDate, today: NaiveDate },
    /// The 18th character does not match the MOD 11-2 check of the first 17 — some digit
    /// is mistyped.
    #[error("check character should be {expected}, found {found}")]
    CheckCharacterMismatch { expected: char, found: char },
}

/// A difference between the ID number and what the form says (domain.md §23.1: "consistent
/// with the recorded birth date"; "check against the recorded sex").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum IdMismatch {
    BirthDate { from_id: NaiveDate, recorded: NaiveDate },
    Sex { from_id: Sex, recorded: Sex },
}

/// Cleans typed or pasted input: trims; full-width digits and `Ｘ`/`ｘ` become ASCII; `x`
/// becomes `X` (domain.md §23.1: accept lower case, store upper case); spaces inside (ASCII
/// and U+3000) are removed. Anything else is left for the parser to refuse.
pub fn normalize(input: &str) -> String {
    input
        .trim()
        .chars()
        .filter(|c| *c != ' ' && *c != '\u{3000}')
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            'x' | 'Ｘ' | 'ｘ' => 'X',
            _ => c,
        })
        .collect()
}

/// The check character for 17 ASCII digits (GB 11643-1999 §8.2, ISO 7064 MOD 11-2), or
/// `None` if `first17` is not exactly 17 ASCII digits.
pub fn check_digit(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = b.iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    Some(CHECK_CHARS[(sum % 11) as usize])
}

/// Converts a first-generation 15-digit number (6 address + YYMMDD + 3 sequence) to 18
/// characters: "19" goes before YY and the check character is appended (domain.md §23.1).
/// Only the shape is checked here; parse the result to validate it.
pub fn convert_legacy_15(input: &str) -> Result<String, IdNumberError> {
    let n = normalize(input);
    if n.is_empty() {
        return Err(IdNumberError::Empty);
    }
    let len = n.chars().count();
    if len != 15 {
        return Err(IdNumberError::WrongLength { found: len });
    }
    first_non_digit(&n, 15)?;
    let first17 = format!("{}19{}", &n[..6], &n[6..]);
    // Infallible: 17 ASCII digits by construction.
    let check = check_digit(&first17).ok_or(IdNumberError::WrongLength { found: len })?;
    Ok(format!("{first17}{check}"))
}

/// Parses and validates an 18-character resident ID number (GB 11643-1999). `today` bounds
/// the birth date.
pub fn parse_resident_id(input: &str, today: NaiveDate) -> Result<ResidentId, IdNumberError> {
    let n = normalize(input);
    if n.is_empty() {
        return Err(IdNumberError::Empty);
    }
    let len = n.chars().count();
    if len == 15 {
        // A legacy number is never silently upgraded (domain.md §23.1: keep the original).
        let converted = convert_legacy_15(&n)?;
        return Err(IdNumberError::LegacyFifteenDigits { original: n, converted });
    }
    if len != 18 {
        return Err(IdNumberError::WrongLength { found: len });
    }
    // GB 11643-1999 §5: positions 1–17 are digits.
    first_non_digit(&n, 17)?;
    // From here the first 17 characters are ASCII, so byte slicing is safe.

    // GB/T 2260: first two digits are the province.
    let province: u8 = n[..2].parse().expect("two ASCII digits");
    if NON_MAINLAND_CODES.contains(&province) {
        return Err(IdNumberError::ResidencePermitCode { code: province });
    }
    if !MAINLAND_PROVINCES.iter().any(|(lo, hi)| (*lo..=*hi).contains(&province)) {
        return Err(IdNumberError::UnknownProvince { code: n[..2].to_string() });
    }

    // GB 11643-1999 §6.2: digits 7–14 are the birth date YYYYMMDD.
    let digits = &n[6..14];
    let (y, m, d) = (
        digits[..4].parse::<i32>().expect("digits"),
        digits[4..6].parse::<u32>().expect("digits"),
        digits[6..].parse::<u32>().expect("digits"),
    );
    let birth_date = NaiveDate::from_ymd_opt(y, m, d)
        .ok_or_else(|| IdNumberError::ImpossibleBirthDate { digits: digits.to_string() })?;
    if birth_date < EARLIEST_BIRTH_DATE {
        return Err(IdNumberError::BirthDateTooEarly { birth_date, earliest: EARLIEST_BIRTH_DATE });
    }
    if birth_date > today {
        return Err(IdNumberError::BirthDateInFuture { birth_date, today });
    }

    // GB 11643-1999 §8.2: check character.
    let expected = check_digit(&n[..17]).expect("17 ASCII digits");
    let found = n[17..].chars().next().expect("18th character");
    if found != expected {
        return Err(IdNumberError::CheckCharacterMismatch { expected, found });
    }

    // GB 11643-1999 §6.3: the sequence's last digit (17th character) is odd for men.
    let sex = if (n.as_bytes()[16] - b'0') % 2 == 1 { Sex::Male } else { Sex::Female };
    Ok(ResidentId { address_code: n[..6].to_string(), number: n, birth_date, sex })
}

/// Compares what the number encodes with the birth date and sex entered on the form.
/// `None` fields were not entered and are not compared.
pub fn check_against_record(id: &ResidentId, birth_date: Option<NaiveDate>, sex: Option<Sex>) -> Vec<IdMismatch> {
    let mut out = Vec::new();
    if let Some(recorded) = birth_date.filter(|d| *d != id.birth_date) {
        out.push(IdMismatch::BirthDate { from_id: id.birth_date, recorded });
    }
    if let Some(recorded) = sex.filter(|s| *s != id.sex) {
        out.push(IdMismatch::Sex { from_id: id.sex, recorded });
    }
    out
}

/// Masks a number for lists: first 6 + `********` + last 4 (domain.md §21.3). Numbers shorter
/// than 15 characters (other ID types, fragments) would show too much of themselves, so they
/// are masked entirely as `********`.
pub fn mask(number: &str) -> String {
    let n = number.trim();
    // Char offsets without collecting: every list row calls this.
    let count = n.chars().count();
    if count < 15 {
        return "********".to_string();
    }
    let head_end = n.char_indices().nth(6).map_or(n.len(), |(i, _)| i);
    let tail_start = n.char_indices().nth(count - 4).map_or(n.len(), |(i, _)| i);
    let mut out = String::with_capacity(head_end + 8 + n.len() - tail_start);
    out.push_str(&n[..head_end]);
    out.push_str("********");
    out.push_str(&n[tail_start..]);
    out
}

/// First non-digit among the first `upto` characters of `n`.
fn first_non_digit(n: &str, upto: usize) -> Result<(), IdNumberError> {
    match n.chars().take(upto).enumerate().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, found)) => Err(IdNumberError::NotADigit { position: i + 1, found }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn today() -> NaiveDate {
        d(2025, 6, 1)
    }

    // GB 11643-1999 §8.2: public test vector with check character X.
    #[test]
    fn vector_with_x_is_valid() {
        let id = parse_resident_id("11010519491231002X", today()).unwrap();
        assert_eq!(id.number, "11010519491231002X");
        assert_eq!(id.address_code, "110105");
        assert_eq!(id.birth_date, d(1949, 12, 31));
        assert_eq!(id.sex, Sex::Female); // 17th digit 2
        assert_eq!(check_digit("11010519491231002"), Some('X'));
    }

    // GB 11643-1999 §8.2 holds for 440524188001010014, but the 1900 lower bound refuses it.
    #[test]
    fn born_1880_refused_only_for_birth_bound() {
        assert_eq!(check_digit("44052418800101001"), Some('4'));
        assert_eq!(
            parse_resident_id("440524188001010014", today()),
            Err(IdNumberError::BirthDateTooEarly { birth_date: d(1880, 1, 1), earliest: EARLIEST_BIRTH_DATE })
        );
    }

    // GB 11643-1999 §8.2: wrong check character carries expected and found.
    #[test]
    fn wrong_check_character() {
        assert_eq!(
            parse_resident_id("110105194912310021", today()),
            Err(IdNumberError::CheckCharacterMismatch { expected: 'X', found: '1' })
        );
    }

    // domain.md §23.1: accept lower-case x and full-width input, store ASCII upper case.
    #[test]
    fn full_width_and_lower_case_normalised() {
        let want = "11010519491231002X";
        for input in [
            "11010519491231002x",
            "１１０１０５１９４９１２３１００２Ｘ",
            "１１０１０５１９４９１２３１００２ｘ",
            "  110105 1949 1231 002x\u{3000}",
            "\u{3000}110105\u{3000}19491231002X ",
        ] {
            assert_eq!(normalize(input), want, "{input:?}");
            assert_eq!(parse_resident_id(input, today()).unwrap().number, want, "{input:?}");
        }
    }

    #[test]
    fn empty_refused() {
        assert_eq!(parse_resident_id("", today()), Err(IdNumberError::Empty));
        assert_eq!(parse_resident_id(" \u{3000} ", today()), Err(IdNumberError::Empty));
    }

    #[test]
    fn wrong_length_reports_length() {
        assert_eq!(parse_resident_id("1101051949123100", today()), Err(IdNumberError::WrongLength { found: 16 }));
        assert_eq!(parse_resident_id("11010519491231002X1", today()), Err(IdNumberError::WrongLength { found: 19 }));
    }

    // domain.md §23.1: 15-digit numbers are converted explicitly, never silently.
    #[test]
    fn legacy_15_refused_with_suggestion() {
        // 110105491231002 → 11010519491231002 + X
        assert_eq!(convert_legacy_15("110105491231002").unwrap(), "11010519491231002X");
        assert_eq!(
            parse_resident_id("110105491231002", today()),
            Err(IdNumberError::LegacyFifteenDigits {
                original: "110105491231002".into(),
                converted: "11010519491231002X".into()
            })
        );
        assert_eq!(convert_legacy_15("11010549123100X"), Err(IdNumberError::NotADigit { position: 15, found: 'X' }));
        assert_eq!(convert_legacy_15("11010519491231002X"), Err(IdNumberError::WrongLength { found: 18 }));
    }

    // GB 11643-1999 §5: positions 1–17 are digits; X only as check character.
    #[test]
    fn non_digit_in_body_refused() {
        assert_eq!(
            parse_resident_id("1101051949123100X2", today()),
            Err(IdNumberError::NotADigit { position: 17, found: 'X' })
        );
        assert_eq!(
            parse_resident_id("11010519491231-02X", today()),
            Err(IdNumberError::NotADigit { position: 15, found: '-' })
        );
    }

    fn with_check(first17: &str) -> String {
        format!("{first17}{}", check_digit(first17).unwrap())
    }

    // GB/T 2260 province codes; 71/81/82/83 are residence-permit prefixes.
    #[test]
    fn province_codes() {
        for ok in ["11", "15", "21", "23", "31", "37", "41", "46", "50", "54", "61", "65"] {
            let n = with_check(&format!("{ok}010519800101001"));
            assert!(parse_resident_id(&n, today()).is_ok(), "{ok}");
        }
        for bad in ["00", "10", "16", "20", "24", "30", "38", "40", "47", "49", "55", "60", "66", "99"] {
            let n = with_check(&format!("{bad}010519800101001"));
            assert_eq!(parse_resident_id(&n, today()), Err(IdNumberError::UnknownProvince { code: bad.into() }));
        }
        for permit in [71u8, 81, 82, 83] {
            let n = with_check(&format!("{permit}000019800101001"));
            assert_eq!(parse_resident_id(&n, today()), Err(IdNumberError::ResidencePermitCode { code: permit }));
        }
    }

    // GB 11643-1999 §6.2: birth date must be a real date, ≥ 1900-01-01, ≤ today.
    #[test]
    fn birth_date_rules() {
        for digits in ["19800230", "19801301", "19800000", "19000229"] {
            let n = with_check(&format!("110105{digits}001"));
            assert_eq!(
                parse_resident_id(&n, today()),
                Err(IdNumberError::ImpossibleBirthDate { digits: digits.into() })
            );
        }
        // 2000-02-29 exists (leap year divisible by 400).
        assert!(parse_resident_id(&with_check("11010520000229001"), today()).is_ok());
        // Boundary: 1900-01-01 accepted, 1899-12-31 refused.
        assert!(parse_resident_id(&with_check("11010519000101001"), today()).is_ok());
        assert_eq!(
            parse_resident_id(&with_check("11010518991231001"), today()),
            Err(IdNumberError::BirthDateTooEarly { birth_date: d(1899, 12, 31), earliest: EARLIEST_BIRTH_DATE })
        );
        // Boundary: born today accepted, tomorrow refused.
        assert!(parse_resident_id(&with_check("11010520250601001"), today()).is_ok());
        assert_eq!(
            parse_resident_id(&with_check("11010520250602001"), today()),
            Err(IdNumberError::BirthDateInFuture { birth_date: d(2025, 6, 2), today: today() })
        );
    }

    // GB 11643-1999 §6.3: odd 17th digit = male, even = female.
    #[test]
    fn sex_from_17th_digit() {
        assert_eq!(parse_resident_id(&with_check("11010519800101001"), today()).unwrap().sex, Sex::Male);
        assert_eq!(parse_resident_id(&with_check("11010519800101009"), today()).unwrap().sex, Sex::Male);
        assert_eq!(parse_resident_id(&with_check("11010519800101000"), today()).unwrap().sex, Sex::Female);
        assert_eq!(parse_resident_id(&with_check("11010519800101018"), today()).unwrap().sex, Sex::Female);
    }

    #[test]
    fn check_digit_rejects_bad_input() {
        assert_eq!(check_digit("1101051949123100"), None);
        assert_eq!(check_digit("110105194912310021"), None);
        assert_eq!(check_digit("1101051949123100a"), None);
        assert_eq!(check_digit("１１０１０５１９４９１２３１００２"), None);
    }

    // domain.md §23.1: birth date and sex must agree with the form.
    #[test]
    fn record_mismatches() {
        let id = parse_resident_id("11010519491231002X", today()).unwrap();
        assert!(check_against_record(&id, Some(d(1949, 12, 31)), Some(Sex::Female)).is_empty());
        assert!(check_against_record(&id, None, None).is_empty());
        assert_eq!(
            check_against_record(&id, Some(d(1949, 12, 30)), Some(Sex::Male)),
            vec![
                IdMismatch::BirthDate { from_id: d(1949, 12, 31), recorded: d(1949, 12, 30) },
                IdMismatch::Sex { from_id: Sex::Female, recorded: Sex::Male },
            ]
        );
    }

    // domain.md §21.3: lists show first 6 + last 4 only.
    #[test]
    fn masking() {
        assert_eq!(mask("11010519491231002X"), "110105********002X");
        assert_eq!(mask("110105491231002"), "110105********1002");
        assert_eq!(mask("E12345678"), "********");
        assert_eq!(mask(""), "********");
        // Non-ASCII input must not panic on a char boundary.
        assert_eq!(mask("一二三四五六七八九十一二三四五"), "一二三四五六********二三四五");
    }

    fn valid_id() -> impl Strategy<Value = String> {
        let provinces: Vec<u8> = MAINLAND_PROVINCES.iter().flat_map(|(lo, hi)| *lo..=*hi).collect();
        let start = d(1930, 1, 1);
        let days = (d(2010, 12, 31) - start).num_days();
        (proptest::sample::select(provinces), 0u32..10_000, 0..=days, 0u32..1000).prop_map(
            move |(p, county, offset, seq)| {
                let birth = start + chrono::Duration::days(offset);
                with_check(&format!("{p:02}{county:04}{}{seq:03}", birth.format("%Y%m%d")))
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        // GB 11643-1999: every well-formed number is accepted and round-trips.
        #[test]
        fn generated_ids_accepted(n in valid_id()) {
            let id = parse_resident_id(&n, today()).unwrap();
            prop_assert_eq!(id.number, n.clone());
            prop_assert_eq!(id.birth_date.format("%Y%m%d").to_string(), &n[6..14]);
        }

        // ISO 7064 MOD 11-2 (GB 11643-1999 §8.2) detects every single substitution.
        #[test]
        fn every_substitution_rejected(n in valid_id()) {
            let chars: Vec<char> = n.chars().collect();
            for pos in 0..18 {
                for c in "0123456789X".chars().filter(|c| *c != chars[pos]) {
                    let mut m = chars.clone();
                    m[pos] = c;
                    let m: String = m.into_iter().collect();
                    prop_assert!(parse_resident_id(&m, today()).is_err(), "{} accepted", m);
                    // The check itself catches it, whatever the structural checks say.
                    if m[..17].bytes().all(|b| b.is_ascii_digit()) {
                        prop_assert_ne!(check_digit(&m[..17]), m[17..].chars().next());
                    }
                }
            }
        }

        // ISO 7064 MOD 11-2 detects every adjacent transposition of different characters.
        #[test]
        fn every_adjacent_transposition_rejected(n in valid_id()) {
            let chars: Vec<char> = n.chars().collect();
            for pos in 0..17 {
                if chars[pos] == chars[pos + 1] {
                    continue;
                }
                let mut m = chars.clone();
                m.swap(pos, pos + 1);
                let m: String = m.into_iter().collect();
                prop_assert!(parse_resident_id(&m, today()).is_err(), "{} accepted", m);
                if m[..17].bytes().all(|b| b.is_ascii_digit()) {
                    prop_assert_ne!(check_digit(&m[..17]), m[17..].chars().next());
                }
            }
        }
    }
}
