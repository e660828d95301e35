//! A form's label/value grid, worked out in Rust: which columns it needs and how many each cell
//! spans. typst would do the same arithmetic in its script language once per form, and a
//! three-year dossier holds hundreds of forms (this was a third of the typesetting time).

use serde::Serialize;

use crate::form::{Item, ListTable, Opinion};
use crate::width::{width_em, PT_PER_MM, TEXT_WIDTH_MM};

/// The width is 24 units; a row of k label/value pairs shares it like the paper forms do.
const UNITS: u32 = 24;
/// The label column of a one-pair row, a text box or an opinion.
const LABEL: u32 = 4;

/// The photo column (贴照片处): 4 units, 27 mm, a one-inch photo's width.
const PHOTO: u32 = 4;

/// A row's pairs beside the photo: the 20 units left of it.
fn narrow_pair_units(k: usize) -> (u32, u32) {
    match k {
        1 => (LABEL, UNITS - PHOTO - LABEL),
        _ => (LABEL, 6),
    }
}

fn pair_units(k: usize) -> (u32, u32) {
    match k {
        1 => (LABEL, UNITS - LABEL),
        2 => (LABEL, 8),
        // Labels of up to four characters, and room for a date (2026年10月15日) or a time range
        // on one line.
        3 => (3, 5),
        _ => (3, 3),
    }
}

/// lib.typ's cell-pad on either side of a cell, and the sizes of a label and of a value.
const INSET_X_PT: f64 = 4.0;
// (Forms set no cjk-latin-spacing, so widths are counted without it.)
const LABEL_PT: f64 = 10.0;
const VALUE_PT: f64 = 10.5;

/// A run of grid items, laid out as one table.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Grid<'a> {
    /// Column widths in units (the template makes them fractions of the line).
    widths: Vec<u32>,
    cells: Vec<Cell<'a>>,
    /// Per table row, its height when this crate knows it: an auto row costs typst a measuring
    /// pass over its cells before the real one, and a dossier has thousands (a tenth of its
    /// typesetting time). `0`: measured; `1`: one line (a row of labels and values each surely
    /// on one line; an empty value too: typst gives it a line); `n` ≥ 2: a text box of `n`
    /// lines whose text surely fits (the box is exactly that high, so the row is too).
    rows: Vec<u32>,
}

/// Whether a row surely holds one line (see `Grid::rows`).
fn one_line(item: &Item) -> bool {
    let Item::Row(pairs) = item else { return false };
    let (l, v) = pair_units(pairs.len());
    let fits = |text: &str, units: u32, size: f64| {
        let room = f64::from(units) * TEXT_WIDTH_MM / f64::from(UNITS) * PT_PER_MM - 2.0 * INSET_X_PT;
        width_em(text, false).is_some_and(|em| em * size <= room - 0.5)
    };
    pairs.iter().all(|(label, value)| fits(label, l, LABEL_PT) && fits(value, v, VALUE_PT))
}

/// One cell; `s` is its column span. Short keys: the template reads thousands of these.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
enum Cell<'a> {
    Label {
        l: &'a str,
        s: usize,
    },
    Value {
        v: &'a str,
        s: usize,
    },
    /// A text box at least `n` lines high; `short` when the text surely fits in fewer lines, so
    /// the box can simply be `n` lines high (no measuring; see `surely_short`).
    Block {
        b: &'a str,
        s: usize,
        n: u32,
        short: bool,
    },
    Opinion {
        o: &'a Opinion,
        s: usize,
    },
    Note {
        note: &'a str,
        s: usize,
    },
    /// The photo box, over `p` rows.
    Photo {
        p: u32,
        s: usize,
    },
}

/// How each item is laid out: rows beside a photo box are narrower (see `Item::Photo`).
#[derive(Clone, Copy, PartialEq)]
enum Place {
    Full,
    /// Beside the photo; the first such row carries the photo cell over `rows` rows.
    BesidePhoto {
        first: Option<u32>,
    },
    /// The photo marker itself: no table row.
    Marker,
}

fn places(items: &[Item]) -> Vec<Place> {
    let mut out = vec![Place::Full; items.len()];
    let mut i = 0;
    while i < items.len() {
        if let Item::Photo(n) = items[i] {
            out[i] = Place::Marker;
            // Rows of one or two pairs fit beside the photo; the first other item ends the span.
            let beside = items[i + 1..]
                .iter()
                .take(n as usize)
                .take_while(|it| matches!(it, Item::Row(p) if p.len() <= 2))
                .count();
            for (k, place) in out[i + 1..i + 1 + beside].iter_mut().enumerate() {
                *place = Place::BesidePhoto { first: (k == 0).then_some(beside as u32) };
            }
            i += 1 + beside;
        } else {
            i += 1;
        }
    }
    out
}

/// Where an item's cells start and end, in units.
fn edges(item: &Item, place: Place) -> Vec<u32> {
    match (item, place) {
        (_, Place::Marker) => vec![],
        (Item::Row(pairs), Place::BesidePhoto { .. }) => {
            let (l, v) = narrow_pair_units(pairs.len());
            (0..pairs.len() as u32).flat_map(|i| [i * (l + v), i * (l + v) + l]).chain([UNITS - PHOTO, UNITS]).collect()
        }
        (Item::Row(pairs), _) => {
            let (l, v) = pair_units(pairs.len());
            (0..pairs.len() as u32).flat_map(|i| [i * (l + v), i * (l + v) + l]).chain([UNITS]).collect()
        }
        (Item::Note(_), _) => vec![0, UNITS],
        _ => vec![0, LABEL, UNITS],
    }
}

/// The grid of consecutive grid items (rows, blocks, opinions, notes, a photo box). The table
/// gets only the columns its rows need (the union of their edges), not all 24 units: typst's
/// cost grows with the column count.
pub(crate) fn grid(items: &[Item]) -> Grid<'_> {
    let places = places(items);
    let mut all: Vec<u32> = items.iter().zip(&places).flat_map(|(it, p)| edges(it, *p)).collect();
    all.sort_unstable();
    all.dedup();
    // Columns between unit a and unit b.
    let span = |a: u32, b: u32| all.iter().filter(|&&e| e > a && e <= b).count();
    let mut cells = Vec::new();
    for (item, place) in items.iter().zip(&places) {
        match item {
            Item::Row(pairs) => {
                let (l, v) = match place {
                    Place::BesidePhoto { .. } => narrow_pair_units(pairs.len()),
                    _ => pair_units(pairs.len()),
                };
                for (i, (label, value)) in pairs.iter().enumerate() {
                    let x = i as u32 * (l + v);
                    cells.push(Cell::Label { l: label, s: span(x, x + l) });
                    cells.push(Cell::Value { v: value, s: span(x + l, x + l + v) });
                }
                if let Place::BesidePhoto { first: Some(rows) } = place {
                    cells.push(Cell::Photo { p: *rows, s: span(UNITS - PHOTO, UNITS) });
                }
            }
            Item::Block((label, text, lines)) => {
                cells.push(Cell::Label { l: label, s: span(0, LABEL) });
                cells.push(Cell::Block {
                    b: text,
                    s: span(LABEL, UNITS),
                    n: *lines,
                    short: surely_short(text, *lines),
                });
            }
            Item::Opinion(o) => {
                cells.push(Cell::Label { l: &o.label, s: span(0, LABEL) });
                cells.push(Cell::Opinion { o, s: span(LABEL, UNITS) });
            }
            Item::Note(text) => cells.push(Cell::Note { note: text, s: span(0, UNITS) }),
            Item::Photo(_) | Item::Table(_) | Item::Qr(_) | Item::Text(_) | Item::Sign(_) => {}
        }
    }
    let widths = all.windows(2).map(|w| w[1] - w[0]).collect();
    // One entry per table row: the photo marker makes none, and rows beside the photo are
    // measured (the photo's height goes into the last of them).
    let rows = items
        .iter()
        .zip(&places)
        .filter(|(_, p)| **p != Place::Marker)
        .map(|(it, p)| match it {
            _ if *p != Place::Full => 0,
            Item::Row(_) => u32::from(one_line(it)),
            Item::Block((_, text, lines)) if surely_short(text, *lines) => *lines,
            _ => 0,
        })
        .collect();
    Grid { widths, cells, rows }
}

/// Whether `text` surely takes fewer than `lines` lines in a text box (20 of the 24 units:
/// 374 pt of text at 11 pt, 34 full-width characters a line). Counted as if every character
/// were full width and a line held only 30 of them, each paragraph starting a new line, and one
/// line to spare: a box that is only almost full is measured as usual.
fn surely_short(text: &str, lines: u32) -> bool {
    const PER_LINE: usize = 30;
    let needed: usize = text.split('\n').map(|p| p.chars().count().div_ceil(PER_LINE).max(1)).sum();
    needed < lines as usize
}

/// A list table (sign-in sheet, participants) as the template reads it: its rows, and per row
/// whether every cell surely holds one line (its columns share the line equally), so typst
/// need not measure it. A three-year dossier has hundreds of such rows.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct List<'a> {
    columns: &'a [String],
    rows: &'a [Vec<String>],
    one_line: Vec<bool>,
    /// Shares of the line per column, and which columns are set flush left.
    widths: Vec<u32>,
    left: Vec<bool>,
}

pub(crate) fn list(t: &ListTable) -> List<'_> {
    let n = t.columns.len().max(1);
    let widths = if t.weights.len() == t.columns.len() && t.weights.iter().all(|w| *w > 0) {
        t.weights.clone()
    } else {
        vec![1; n]
    };
    let total: u32 = widths.iter().sum();
    let room = |w: u32| TEXT_WIDTH_MM * f64::from(w) / f64::from(total) * PT_PER_MM - 2.0 * INSET_X_PT;
    let fits = |(text, w): (&String, &u32)| width_em(text, false).is_some_and(|em| em * VALUE_PT <= room(*w) - 0.5);
    let one_line = t.rows.iter().map(|row| row.len() == t.columns.len() && row.iter().zip(&widths).all(fits)).collect();
    // A column wider than every other holds the prose (a search's 情况): flush left.
    let widest = widths.iter().copied().max().unwrap_or(1);
    let prose = |w: u32| w == widest && widths.iter().filter(|x| **x == widest).count() == 1;
    let left = widths.iter().map(|w| prose(*w)).collect();
    List { columns: &t.columns, rows: &t.rows, one_line, widths, left }
}

/// True for the items a grid holds.
pub(crate) fn in_grid(item: &Item) -> bool {
    matches!(item, Item::Row(_) | Item::Block(_) | Item::Opinion(_) | Item::Note(_) | Item::Photo(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(k: usize) -> Item {
        Item::Row((0..k).map(|i| (format!("l{i}"), format!("v{i}"))).collect())
    }

    #[test]
    fn a_grid_has_only_the_columns_its_rows_need() {
        // One pair per row: label 4 units, value 20.
        let items = [row(1), row(1)];
        let g = grid(&items);
        assert_eq!(g.widths, vec![4, 20]);
        // With a row of three pairs (3+5 each), the single-pair row's label spans two columns
        // and its value five.
        let items = [row(3), row(1)];
        let g = grid(&items);
        assert_eq!(g.widths, vec![3, 1, 4, 3, 5, 3, 5]);
        let spans: Vec<usize> = g
            .cells
            .iter()
            .map(|c| match c {
                Cell::Label { s, .. } | Cell::Value { s, .. } => *s,
                _ => 0,
            })
            .collect();
        assert_eq!(spans, vec![1, 2, 1, 1, 1, 1, 2, 5]);
        // Two pairs (4+8) and four pairs (3+3) share no edge but 0, 12 and 24.
        let items = [row(2), row(4)];
        let g = grid(&items);
        assert_eq!(g.widths.iter().sum::<u32>(), UNITS);
        assert_eq!(g.widths, vec![3, 1, 2, 3, 3, 3, 1, 2, 3, 3]);
    }

    #[test]
    fn a_photo_box_stands_beside_the_rows_of_one_or_two_pairs_after_it() {
        let items = [Item::Photo(4), row(2), row(1), row(3), row(1)];
        let g = grid(&items);
        // The photo spans the two rows before the row of three pairs, in the last 4 units.
        let photo: Vec<(u32, usize)> =
            g.cells.iter().filter_map(|c| if let Cell::Photo { p, s } = c { Some((*p, *s)) } else { None }).collect();
        assert_eq!(photo, vec![(2, 1)]);
        assert_eq!(*g.widths.last().unwrap(), PHOTO);
        assert_eq!(g.widths.iter().sum::<u32>(), UNITS);
        // Four table rows; those beside the photo are measured.
        assert_eq!(g.rows.len(), 4);
        assert!(g.rows[0] == 0 && g.rows[1] == 0);
        // Each table row's cells fill every column once: the photo's column counts for the
        // second row too.
        let cols = g.widths.len();
        let spans: Vec<usize> = g
            .cells
            .iter()
            .map(|c| match c {
                Cell::Label { s, .. } | Cell::Value { s, .. } | Cell::Photo { s, .. } => *s,
                _ => 0,
            })
            .collect();
        assert_eq!(spans[..5].iter().sum::<usize>(), cols, "first row and the photo");
        assert_eq!(spans[5..7].iter().sum::<usize>() + 1, cols, "second row beside the photo");
    }

    #[test]
    fn only_text_that_surely_fits_skips_measuring() {
        // Three lines of room: two lines' worth (60 characters) is short, 61 is not.
        assert!(surely_short(&"字".repeat(60), 3));
        assert!(!surely_short(&"字".repeat(61), 3));
        // Every paragraph starts a line, however short.
        assert!(!surely_short("一\n二\n三", 3));
        assert!(surely_short("", 2));
    }
}
