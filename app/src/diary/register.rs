//! The plant-protection register ("danh mục thuốc bảo vệ thực vật"): the active ingredients
//! that may not be used in Viet Nam and the permitted-list entries registered for the crops the
//! site's plots grow, shipped as data with their sources (`register/banned.csv`,
//! `register/permitted.csv`; what they cover is written at their top), and the pure rules that
//! read a spraying's active ingredient against them:
//!
//! - the text is normalised as farmers type it or labels print it: case, Vietnamese diacritics,
//!   spacing, hyphens, concentrations (`1.8%`, `1.8EC`, `250g/l`) and mixtures (`A + B`);
//! - a banned ingredient refuses the spraying, naming the ingredient and the document
//!   ([`BannedIngredient`]);
//! - an ingredient not registered for the plot's crop is recorded, with a warning
//!   ([`RegisterStatus::Unregistered`]); a crop the register has no entries for is only noted
//!   ([`RegisterStatus::CropNotListed`]): absence from an empty list proves nothing;
//! - a blank pre-harvest interval is filled from the register: the largest interval among the
//!   entries of the ingredients for the crop, when every ingredient is registered for it and
//!   gives one ([`Assessment::phi_for_blank`]).

use std::sync::LazyLock;

use crate::{domain::fold::fold_char, text_enum};

const BANNED_CSV: &str = include_str!("register/banned.csv");
const PERMITTED_CSV: &str = include_str!("register/permitted.csv");
const BANNED_COLUMNS: [&str; 6] = [
    "ingredient",
    "aliases",
    "group",
    "status",
    "source",
    "evidence",
];
const PERMITTED_COLUMNS: [&str; 6] = [
    "ingredient",
    "crop",
    "target",
    "phi_days",
    "source",
    "evidence",
];

text_enum! {
    /// Why an ingredient may not be used: listed in the banned appendix, or taken off the
    /// permitted list by a decision.
    pub enum BanKind {
        Banned = "banned",
        Removed = "removed",
    }
}

text_enum! {
    /// How a spraying's ingredients stood against the permitted list for the plot's crop.
    pub enum RegisterStatus {
        /// Every ingredient is registered for the crop.
        Registered = "registered",
        /// At least one ingredient is not among the crop's entries.
        Unregistered = "unregistered",
        /// The register has no entries for this crop: nothing could be checked.
        CropNotListed = "crop_not_listed",
    }
}

text_enum! {
    /// Where a spraying's pre-harvest interval came from.
    pub enum PhiSource {
        /// Typed by the farmer, from the product's label.
        Label = "label",
        /// Left blank and filled from the register.
        Register = "register",
    }
}

/// An ingredient that may not be used in Viet Nam.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BannedEntry {
    /// As the list prints it.
    pub name: String,
    /// insecticide, fungicide, rodenticide or herbicide.
    pub group: String,
    pub kind: BanKind,
    /// The document, as a refusal cites it.
    pub source: String,
    keys: Vec<String>,
}

/// One permitted-list entry: an ingredient registered against a target on a crop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PermittedEntry {
    pub ingredient: String,
    pub crop: String,
    pub target: String,
    /// From the product's registered label, when a source gives it.
    pub phi_days: Option<u32>,
    pub source: String,
    key: String,
    crop_key: String,
}

/// The lists a spraying is read against.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Register {
    banned: Vec<BannedEntry>,
    permitted: Vec<PermittedEntry>,
}

/// A register file that does not read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}, line {line}: {what}")]
pub struct RegisterError {
    pub file: &'static str,
    pub line: usize,
    pub what: String,
}

/// A spraying refused: its active ingredient `name` may not be used in Viet Nam (`document`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the active ingredient {name} may not be used in Viet Nam: {document}")]
pub struct BannedIngredient {
    /// As the register's list prints it.
    pub name: String,
    pub kind: BanKind,
    pub document: String,
}

/// What the register says about a spraying that may be recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assessment {
    pub status: RegisterStatus,
    /// The ingredients not registered for the crop, as typed ([`RegisterStatus::Unregistered`]).
    pub unregistered: Vec<String>,
    /// The largest interval among the crop's entries of the ingredients; `None` when one of
    /// them is not registered for the crop or its entries give no interval.
    phi_days: Option<u32>,
}

impl Assessment {
    /// The interval a blank field takes: only when every ingredient is registered for the crop
    /// and the register gives an interval for each (a mixture waits for its longest one).
    pub fn phi_for_blank(&self) -> Option<u32> {
        self.phi_days
            .filter(|_| self.status == RegisterStatus::Registered)
    }
}

static EMBEDDED: LazyLock<Result<Register, RegisterError>> =
    LazyLock::new(|| Register::parse(BANNED_CSV, PERMITTED_CSV));

impl Register {
    /// The register shipped with the site; an error only if its files were edited badly (the
    /// server refuses to start then, and a unit test reads them).
    pub fn embedded() -> Result<&'static Register, RegisterError> {
        EMBEDDED.as_ref().map_err(Clone::clone)
    }

    /// Both lists from their CSV text (comment lines start with `#`; the first other line
    /// names the columns).
    pub fn parse(banned_csv: &str, permitted_csv: &str) -> Result<Register, RegisterError> {
        let mut banned = Vec::new();
        for (line, row) in records("banned.csv", banned_csv, &BANNED_COLUMNS)? {
            let bad = |what: &str| RegisterError {
                file: "banned.csv",
                line,
                what: what.to_owned(),
            };
            let [name, aliases, group, status, source, _evidence] = row;
            let kind = BanKind::parse(&status).ok_or_else(|| bad("status is banned or removed"))?;
            if !["insecticide", "fungicide", "rodenticide", "herbicide"].contains(&group.as_str()) {
                return Err(bad("unknown group"));
            }
            if source.is_empty() {
                return Err(bad("every row cites its source"));
            }
            let mut keys = Vec::new();
            for spelling in std::iter::once(name.as_str()).chain(aliases.split('|')) {
                if let Some(key) = single_key(spelling) {
                    keys.push(key);
                }
            }
            if keys.is_empty() {
                return Err(bad("the ingredient has no name"));
            }
            banned.push(BannedEntry {
                name,
                group,
                kind,
                source,
                keys,
            });
        }
        let mut register = Register {
            banned,
            permitted: Vec::new(),
        };
        register.add_permitted("permitted.csv", permitted_csv)?;
        Ok(register)
    }

    /// This register with the permitted-list entries of `csv` added (same columns as
    /// `permitted.csv`): rows a deployment confirmed itself (`OCOP_PLANT_REGISTER`).
    pub fn with_permitted(&self, file: &'static str, csv: &str) -> Result<Register, RegisterError> {
        let mut register = self.clone();
        register.add_permitted(file, csv)?;
        Ok(register)
    }

    fn add_permitted(&mut self, file: &'static str, csv: &str) -> Result<(), RegisterError> {
        for (line, row) in records(file, csv, &PERMITTED_COLUMNS)? {
            let bad = |what: &str| RegisterError {
                file,
                line,
                what: what.to_owned(),
            };
            let [ingredient, crop, target, phi, source, _evidence] = row;
            let key = single_key(&ingredient).ok_or_else(|| bad("the ingredient has no name"))?;
            let crop_key = crop_key(&crop);
            if crop_key.is_empty() {
                return Err(bad("the crop is missing"));
            }
            if source.is_empty() {
                return Err(bad("every row cites its source"));
            }
            let phi_days = match phi.trim() {
                "" => None,
                d => Some(
                    d.parse::<u32>()
                        .ok()
                        .filter(|d| *d <= crate::diary::rules::MAX_PHI_DAYS)
                        .ok_or_else(|| bad("phi_days is a whole number of days, at most 365"))?,
                ),
            };
            if let Some(banned) = self.banned_match(&ingredients(&ingredient)) {
                return Err(bad(&format!("{} is banned", banned.name)));
            }
            self.permitted.push(PermittedEntry {
                ingredient,
                crop,
                target,
                phi_days,
                source,
                key,
                crop_key,
            });
        }
        Ok(())
    }

    pub fn banned(&self) -> &[BannedEntry] {
        &self.banned
    }

    pub fn permitted(&self) -> &[PermittedEntry] {
        &self.permitted
    }

    /// The banned entry printed as `name` (a refusal names it so).
    pub fn banned_named(&self, name: &str) -> Option<&BannedEntry> {
        self.banned.iter().find(|b| b.name == name)
    }

    fn banned_match(&self, parts: &[Ingredient]) -> Option<&BannedEntry> {
        parts.iter().find_map(|part| {
            self.banned
                .iter()
                .find(|b| b.keys.iter().any(|k| part.is(k)))
        })
    }

    /// Refuses an active ingredient (or mixture) with a banned ingredient in it, whatever the
    /// crop: the first banned one, in the order typed.
    pub fn screen(&self, active_ingredient: &str) -> Result<(), BannedIngredient> {
        match self.banned_match(&ingredients(active_ingredient)) {
            Some(b) => Err(BannedIngredient {
                name: b.name.clone(),
                kind: b.kind,
                document: b.source.clone(),
            }),
            None => Ok(()),
        }
    }

    /// A spraying of `active_ingredient` on a plot growing `crop`: refused when an ingredient
    /// is banned, otherwise how it stands against the crop's permitted-list entries.
    pub fn assess(
        &self,
        active_ingredient: &str,
        crop: &str,
    ) -> Result<Assessment, BannedIngredient> {
        self.screen(active_ingredient)?;
        let crop = crop_key(crop);
        let entries: Vec<&PermittedEntry> = self
            .permitted
            .iter()
            .filter(|e| !crop.is_empty() && e.crop_key == crop)
            .collect();
        if entries.is_empty() {
            return Ok(Assessment {
                status: RegisterStatus::CropNotListed,
                unregistered: Vec::new(),
                phi_days: None,
            });
        }
        let parts = ingredients(active_ingredient);
        let mut unregistered = Vec::new();
        // Every part must give an interval for the blank field to take the longest one.
        let mut phi: Option<Option<u32>> = None;
        for part in &parts {
            let own: Vec<&&PermittedEntry> = entries.iter().filter(|e| part.is(&e.key)).collect();
            if own.is_empty() {
                unregistered.push(part.typed.clone());
                continue;
            }
            let longest = own.iter().filter_map(|e| e.phi_days).max();
            phi = Some(match (phi, longest) {
                (None, l) => l,
                (Some(Some(a)), Some(b)) => Some(a.max(b)),
                (Some(_), _) => None,
            });
        }
        if parts.is_empty() {
            // Nothing that reads as an ingredient (a formulation code alone, say).
            unregistered.push(active_ingredient.trim().to_owned());
        }
        let status = if unregistered.is_empty() {
            RegisterStatus::Registered
        } else {
            RegisterStatus::Unregistered
        };
        Ok(Assessment {
            status,
            unregistered,
            phi_days: phi.flatten(),
        })
    }
}

/// The crops a plot may name, each with the spellings that mean it (folded): the register's
/// rows name crops as the Vietnamese list does (nhãn, vải, ...), the demo plots in English.
pub const CROPS: &[(&str, &[&str])] = &[
    (
        "nhan",
        &["nhan", "nhan long", "cay nhan", "qua nhan", "longan"],
    ),
    (
        "vai",
        &["vai", "vai thieu", "cay vai", "qua vai", "lychee", "litchi"],
    ),
    ("nghe", &["nghe", "nghe vang", "cay nghe", "turmeric"]),
    (
        "quat",
        &["quat", "quat canh", "cay quat", "quat canh tet", "kumquat"],
    ),
    (
        "cuc",
        &["cuc", "hoa cuc", "cuc hoa", "cay cuc", "chrysanthemum"],
    ),
];

/// A crop as the register compares it: the key of [`CROPS`] it is a spelling of, or the folded
/// text itself.
pub fn crop_key(crop: &str) -> String {
    let folded = crate::domain::fold::fold(crop);
    CROPS
        .iter()
        .find(|(_, names)| names.contains(&folded.as_str()))
        .map_or(folded, |(key, _)| (*key).to_owned())
}

/// One ingredient of an active-ingredient text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ingredient {
    /// As typed, without its concentration or formulation (`Metalaxyl-M`).
    pub typed: String,
    /// Folded letters and digits only: what lists are compared on (`metalaxylm`).
    pub key: String,
    /// The folded words `key` is made of.
    words: Vec<String>,
}

impl Ingredient {
    /// Whether this is the ingredient keyed `key`: the same key, or its words followed only by
    /// a salt or ester (`Paraquat dichloride`, `Glyphosate IPA salt`).
    fn is(&self, key: &str) -> bool {
        if self.key == key {
            return true;
        }
        let mut joined = String::new();
        for (i, word) in self.words.iter().enumerate() {
            joined.push_str(&alnum(word));
            if joined.len() >= key.len() {
                return joined == key
                    && self.words[i + 1..]
                        .iter()
                        .all(|w| SALTS.contains(&w.as_str()) || is_number(w));
            }
        }
        false
    }
}

/// Words that name the salt or ester an ingredient is sold as, after its name.
const SALTS: &[&str] = &[
    "salt",
    "muoi",
    "chloride",
    "dichloride",
    "hydrochloride",
    "ipa",
    "amine",
    "isopropylamine",
    "isopropylammonium",
    "dimethylamine",
    "dimethylammonium",
    "dma",
    "diolamine",
    "triethanolamine",
    "potassium",
    "kali",
    "sodium",
    "natri",
    "ammonium",
    "monoammonium",
    "diammonium",
    "sesquisodium",
    "trimesium",
    "acid",
    "axit",
    "ester",
    "butyl",
    "isobutyl",
    "octyl",
    "isooctyl",
    "ethylhexyl",
    "butotyl",
    "benzoate",
    "monohydrate",
];

/// Formulation codes printed after a concentration (`1.8EC`, `68 WG`, `10GR`).
const FORMULATIONS: &[&str] = &[
    "ec", "ew", "me", "sc", "se", "sl", "sp", "sg", "wp", "wg", "wdg", "df", "gr", "gb", "dp",
    "ds", "od", "cs", "fs", "zc", "zw", "as", "ab", "rb", "bb", "tb", "hp", "dd", "nd", "btn",
    "ws", "ls", "af", "fl", "ul", "eo", "ol", "kp", "xl", "tc", "tk", "wt", "dt", "gel", "g", "l",
    "p",
];

/// Units of a concentration such as `250g/l` or `18 g/kg` (`w/w` too).
const UNITS: &[&str] = &[
    "g", "mg", "kg", "gam", "gram", "ml", "l", "lit", "lt", "cc", "ha", "w", "v",
];

fn is_number(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_digit())
        && word
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
}

/// `word` split after its leading number (`1.8ec` → (`1.8`, `ec`)).
fn number_prefix(word: &str) -> (&str, &str) {
    let end = word
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .unwrap_or(word.len());
    word.split_at(end)
}

/// A formulation code, after a number (`18ec`), or on its own after the name (`wp`; a lone
/// letter only right after a number, as in `3G`).
fn is_formulation(word: &str, after_name: bool) -> bool {
    let (number, rest) = number_prefix(word);
    (!number.is_empty() || (after_name && rest.len() > 1)) && FORMULATIONS.contains(&rest)
}

fn is_unit_after_number(word: &str) -> bool {
    UNITS.contains(&number_prefix(word).1)
}

fn alnum(word: &str) -> String {
    word.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// A word of an active-ingredient text: folded letters and digits (`.` and `,` between digits
/// and a trailing `%` stay inside), where it is in the text, and whether it is in brackets.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Word {
    folded: String,
    start: usize,
    end: usize,
    bracketed: bool,
}

/// A lexical item of an active-ingredient text.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Item {
    Word(Word),
    /// `+ ; & , /`: what mixtures are joined by (a `/` inside `g/l` is not).
    Join,
}

fn is_combining_mark(c: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&c)
}

/// The items of `text`; any other character separates words.
fn lex(text: &str) -> Vec<Item> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let digit_at = |i: usize| chars.get(i).is_some_and(|(_, c)| c.is_ascii_digit());
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut word: Option<Word> = None;
    for (i, &(at, c)) in chars.iter().enumerate() {
        let next = at + c.len_utf8();
        if is_combining_mark(c) {
            // A mark of decomposed text belongs to the letter before it.
            if let Some(w) = word.as_mut() {
                w.end = next;
            }
            continue;
        }
        let letter = fold_char(c).or_else(|| {
            c.is_alphanumeric()
                .then(|| c.to_lowercase().next().unwrap_or(c))
        });
        let inner_point = (c == '.' || c == ',') && i > 0 && digit_at(i - 1) && digit_at(i + 1);
        let inside = letter.or((inner_point || (c == '%' && word.is_some())).then_some(c));
        if let Some(l) = inside {
            let w = word.get_or_insert_with(|| Word {
                folded: String::new(),
                start: at,
                end: at,
                bracketed: depth > 0,
            });
            w.folded.push(l);
            w.end = next;
            continue;
        }
        if let Some(w) = word.take() {
            items.push(Item::Word(w));
        }
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            '+' | ';' | '&' | ',' | '/' => items.push(Item::Join),
            '%' => items.push(Item::Word(Word {
                folded: "%".to_owned(),
                start: at,
                end: next,
                bracketed: depth > 0,
            })),
            _ => {}
        }
    }
    items.extend(word.map(Item::Word));
    // `g/l`, `w/w`: a concentration's unit (read as `%`), not a mixture.
    let mut i = 0;
    while i + 2 < items.len() {
        if let (Item::Word(a), Item::Join, Item::Word(b)) =
            (&items[i], &items[i + 1], &items[i + 2])
            && slash_between(text, a, b)
            && is_unit_after_number(&a.folded)
            && UNITS.contains(&b.folded.as_str())
        {
            let rate = Word {
                folded: "%".to_owned(),
                start: a.start,
                end: b.end,
                bracketed: a.bracketed,
            };
            items.splice(i..i + 3, [Item::Word(rate)]);
        }
        i += 1;
    }
    items
}

/// Whether only a `/` (and spaces) stands between two words.
fn slash_between(text: &str, a: &Word, b: &Word) -> bool {
    text.get(a.end..b.start)
        .is_some_and(|between| between.trim() == "/")
}

/// The ingredients of an active-ingredient text as typed or printed: `Metalaxyl-M 4% +
/// Mancozeb 64%` is two, `Abamectin 1.8EC` one. Concentrations, formulation codes and
/// bracketed remarks (`(min 95%)`) are left out; text in brackets counts only when nothing is
/// outside them.
pub fn ingredients(text: &str) -> Vec<Ingredient> {
    // Parts: between joins, and around the words "và" / "and".
    let mut parts: Vec<Vec<Word>> = vec![Vec::new()];
    for item in lex(text) {
        match item {
            Item::Word(w) if w.folded != "va" && w.folded != "and" => {
                if let Some(part) = parts.last_mut() {
                    part.push(w);
                }
            }
            _ => parts.push(Vec::new()),
        }
    }
    parts
        .into_iter()
        .filter_map(|part| {
            let outside: Vec<Word> = part.iter().filter(|w| !w.bracketed).cloned().collect();
            let words = if outside
                .iter()
                .any(|w| w.folded.chars().any(char::is_alphabetic))
            {
                outside
            } else {
                part
            };
            ingredient(text, &words)
        })
        .collect()
}

/// One part's ingredient: its words without concentration and formulation.
fn ingredient(text: &str, words: &[Word]) -> Option<Ingredient> {
    let n = words.len();
    let mut keep = vec![true; n];
    for (i, w) in words.iter().enumerate() {
        if w.folded.contains('%') || is_formulation(&w.folded, i > 0) {
            keep[i] = false;
            // The number the unit or code belongs to (`1.8 EC`, `18 %`).
            if i > 0 && is_number(&words[i - 1].folded) {
                keep[i - 1] = false;
            }
        }
    }
    // A number after the name and before nothing (`Abamectin 18`).
    if n > 1 && is_number(&words[n - 1].folded) {
        keep[n - 1] = false;
    }
    let kept: Vec<&Word> = words
        .iter()
        .zip(&keep)
        .filter_map(|(w, k)| k.then_some(w))
        .collect();
    let key: String = kept.iter().map(|w| alnum(&w.folded)).collect();
    if !key.chars().any(char::is_alphabetic) {
        return None;
    }
    let (first, last) = (kept.first()?, kept.last()?);
    let typed = text
        .get(first.start..last.end)
        .unwrap_or_default()
        .trim()
        .to_owned();
    Some(Ingredient {
        typed,
        key,
        words: kept.iter().map(|w| w.folded.clone()).collect(),
    })
}

/// The key of a name in a register file: one ingredient, or none.
fn single_key(name: &str) -> Option<String> {
    // A list's name is one ingredient even with a comma (`BHC, Lindane` is two spellings of
    // the same entry, each also given as an alias).
    let all: String = ingredients(name).into_iter().map(|i| i.key).collect();
    (!all.is_empty()).then_some(all)
}

/// The data rows of a register file, with their line numbers, checked against `columns`.
fn records<const N: usize>(
    file: &'static str,
    text: &str,
    columns: &[&str; N],
) -> Result<Vec<(usize, [String; N])>, RegisterError> {
    let mut rows = Vec::new();
    let mut header = false;
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let bad = |what: String| RegisterError {
            file,
            line: line_no,
            what,
        };
        let fields = csv_fields(trimmed).ok_or_else(|| bad("an unclosed quote".to_owned()))?;
        if !header {
            if fields != columns.map(str::to_owned) {
                return Err(bad(format!("the columns are {}", columns.join(","))));
            }
            header = true;
            continue;
        }
        let row: [String; N] = fields
            .try_into()
            .map_err(|_| bad(format!("{N} columns expected")))?;
        rows.push((line_no, row));
    }
    if !header {
        return Err(RegisterError {
            file,
            line: 0,
            what: "no header line".to_owned(),
        });
    }
    Ok(rows)
}

/// The fields of one CSV line: commas separate, double quotes enclose fields with commas
/// (`""` is a quote inside). `None` for an unclosed quote.
fn csv_fields(line: &str) -> Option<Vec<String>> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            (',', false) => fields.push(std::mem::take(&mut field).trim().to_owned()),
            (c, _) => field.push(c),
        }
    }
    if quoted {
        return None;
    }
    fields.push(field.trim().to_owned());
    Some(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<String> {
        ingredients(text).into_iter().map(|i| i.key).collect()
    }

    fn typed(text: &str) -> Vec<String> {
        ingredients(text).into_iter().map(|i| i.typed).collect()
    }

    #[test]
    fn the_normaliser_reads_ingredients_as_typed_or_printed() {
        for (text, expected) in [
            ("Abamectin", vec!["abamectin"]),
            ("  ABAMECTIN  ", vec!["abamectin"]),
            ("Abamectin 1.8%", vec!["abamectin"]),
            ("Abamectin 1,8 %", vec!["abamectin"]),
            ("Abamectin 1.8EC", vec!["abamectin"]),
            ("Abamectin 1.8 EC", vec!["abamectin"]),
            ("Abamectin 18g/l", vec!["abamectin"]),
            ("Abamectin 18 g/L", vec!["abamectin"]),
            ("Abamectin 18", vec!["abamectin"]),
            ("Abamectin (min 95%)", vec!["abamectin"]),
            ("Metalaxyl-M + Mancozeb", vec!["metalaxylm", "mancozeb"]),
            (
                "Metalaxyl M 4% + Mancozeb 64% WG",
                vec!["metalaxylm", "mancozeb"],
            ),
            ("metalaxyl-m, mancozeb", vec!["metalaxylm", "mancozeb"]),
            ("Metalaxyl-M và Mancozeb", vec!["metalaxylm", "mancozeb"]),
            ("Paraquat/Glyphosate", vec!["paraquat", "glyphosate"]),
            ("Thiophanate-methyl", vec!["thiophanatemethyl"]),
            ("thiophanate methyl 70WP", vec!["thiophanatemethyl"]),
            ("2,4-D", vec!["24d"]),
            ("2,4 D 720SL", vec!["24d"]),
            ("2.4D", vec!["24d"]),
            ("2,4,5-T", vec!["245t"]),
            ("Đồng oxyclorua", vec!["dongoxyclorua"]),
            // Decomposed Vietnamese (a combining mark after the base letter).
            ("Đo\u{0302}\u{0300}ng", vec!["dong"]),
            ("Kasugamycin 2% w/w", vec!["kasugamycin"]),
        ] {
            assert_eq!(keys(text), expected, "{text:?}");
        }
        assert_eq!(
            typed("Metalaxyl-M 4% + Mancozeb 64%"),
            ["Metalaxyl-M", "Mancozeb"]
        );
        assert!(ingredients("").is_empty());
        assert!(ingredients("1.8EC").is_empty());
        assert!(ingredients(" + ; ( ) % / ").is_empty());
    }

    fn register(permitted: &str) -> Register {
        let banned = Register::embedded().unwrap().banned.clone();
        let mut r = Register {
            banned,
            permitted: Vec::new(),
        };
        r.add_permitted(
            "test.csv",
            &format!("ingredient,crop,target,phi_days,source,evidence\n{permitted}"),
        )
        .unwrap();
        r
    }

    #[test]
    fn the_shipped_register_reads_and_every_row_cites_its_source() {
        let r = Register::embedded().unwrap();
        // 23 insecticides, 6 fungicides, 1 rodenticide and 1 herbicide in Phụ lục II.
        let appendix = r.banned().iter().filter(|b| b.kind == BanKind::Banned);
        assert_eq!(appendix.count(), 31);
        for name in [
            "Glyphosate",
            "2,4-D",
            "Paraquat",
            "Carbendazim",
            "Benomyl",
            "Thiophanate-methyl",
            "Chlorpyrifos Ethyl",
            "Fipronil",
        ] {
            let entry = r.banned_named(name).expect(name);
            assert_eq!(entry.kind, BanKind::Removed, "{name}");
            assert!(entry.source.contains("QĐ"), "{name}");
        }
        assert!(r.banned().iter().all(|b| !b.source.is_empty()));
        assert!(r.permitted().iter().all(|p| !p.source.is_empty()));
    }

    #[test]
    fn the_shipped_register_reads_longan_sprayings_against_the_list_in_force() {
        let r = Register::embedded().unwrap();
        let sources = [
            "TT 75/2025/TT-BNNMT Phụ lục I",
            "TT 28/2026/TT-BNNMT Phụ lục II",
        ];
        assert!(
            r.permitted()
                .iter()
                .all(|p| sources.iter().any(|s| p.source.starts_with(s))),
            "every row cites the appendix it was read in"
        );
        // Abamectin against nhện lông nhung on nhãn (Andomec 5EC, Honest 54EC in Phụ lục I of
        // TT 75/2025), Kasugamycin against thối quả (Asana 2SL, Bisomin 2SL): registered, and
        // no label interval is shipped, so a blank one is not filled.
        for (active, crop) in [
            ("Abamectin 1.8EC", "longan"),
            ("Kasugamycin 2SL", "Nhãn lồng"),
            ("Abamectin + Emamectin benzoate", "nhãn"),
        ] {
            let a = r.assess(active, crop).unwrap();
            assert_eq!(a.status, RegisterStatus::Registered, "{active}");
            assert_eq!(a.phi_for_blank(), None, "{active}");
        }
        let abamectin: Vec<&PermittedEntry> = r
            .permitted()
            .iter()
            .filter(|p| p.ingredient == "Abamectin" && p.crop_key == "nhan")
            .collect();
        assert!(abamectin.iter().any(|p| p.target == "nhện lông nhung"));
        assert!(abamectin.iter().all(|p| p.source.contains("TT 75/2025")));
        // Ridomil Gold's ingredients are registered on other crops, not on longan.
        let ridomil = r.assess("Metalaxyl-M 4% + Mancozeb 64%", "longan").unwrap();
        assert_eq!(ridomil.status, RegisterStatus::Unregistered);
        assert_eq!(ridomil.unregistered, ["Metalaxyl-M", "Mancozeb"]);
        // Lychee and chrysanthemum have rows; turmeric and kumquat none.
        assert_eq!(
            r.assess("Mancozeb 80WP", "lychee").unwrap().status,
            RegisterStatus::Registered
        );
        assert_eq!(
            r.assess("Abamectin", "chrysanthemum").unwrap().status,
            RegisterStatus::Unregistered
        );
        for crop in ["turmeric", "kumquat"] {
            assert_eq!(
                r.assess("Abamectin", crop).unwrap().status,
                RegisterStatus::CropNotListed,
                "{crop}"
            );
        }
    }

    #[test]
    fn a_banned_ingredient_is_refused_with_its_source_even_in_a_mixture() {
        let r = register("");
        for (text, name) in [
            ("Paraquat", "Paraquat"),
            ("paraquat dichloride 276 g/l", "Paraquat"),
            ("GLYPHOSATE IPA salt 480SL", "Glyphosate"),
            ("Glyphosat", "Glyphosate"),
            ("2,4 D amine", "2,4-D"),
            ("Thiophanate methyl", "Thiophanate-methyl"),
            ("Chlorpyrifos 480EC", "Chlorpyrifos Ethyl"),
            ("Lindane", "BHC, Lindane"),
            ("Trichlorfon (Chlorophos) 90SP", "Trichlorfon (Chlorophos)"),
            ("Abamectin 1.8% + Fipronil 5%", "Fipronil"),
            ("Mancozeb + carbendazim", "Carbendazim"),
        ] {
            let refused = r.screen(text).expect_err(text);
            assert_eq!(refused.name, name, "{text}");
            assert!(!refused.document.is_empty());
            assert_eq!(r.assess(text, "nhãn").unwrap_err(), refused);
        }
        let p = r.screen("Paraquat").unwrap_err();
        assert_eq!(p.kind, BanKind::Removed);
        assert!(p.document.contains("278/QĐ-BNN-BVTV"), "{}", p.document);
        assert_eq!(r.screen("DDT").unwrap_err().kind, BanKind::Banned);
        // Near names that are other ingredients pass.
        for allowed in [
            "Abamectin",
            "Chlorpyrifos methyl",
            "Metalaxyl-M + Mancozeb",
            "Kasugamycin",
            "Emamectin benzoate",
        ] {
            assert_eq!(r.screen(allowed), Ok(()), "{allowed}");
        }
    }

    #[test]
    fn registered_unregistered_and_unknown_crops() {
        let r = register(
            "Abamectin,nhãn,nhện lông nhung,7,TT test,test\n\
             Abamectin,nhãn,sâu đục gân lá,14,TT test,test\n\
             Mancozeb,nhãn,sương mai,10,TT test,test\n\
             Metalaxyl-M,nhãn,sương mai,,TT test,test\n\
             Kasugamycin,vải,thán thư,3,TT test,test\n",
        );
        // Registered: the crop by any of its names; the PHI is the longest entry's.
        for crop in ["longan", "Nhãn lồng", "NHAN", "cây nhãn"] {
            let a = r.assess("Abamectin 1.8EC", crop).unwrap();
            assert_eq!(a.status, RegisterStatus::Registered, "{crop}");
            assert_eq!(a.phi_for_blank(), Some(14), "{crop}");
        }
        // A mixture takes its longest interval...
        let mix = r.assess("Abamectin + Mancozeb 80WP", "longan").unwrap();
        assert_eq!(
            (mix.status, mix.phi_for_blank()),
            (RegisterStatus::Registered, Some(14))
        );
        // ...and none when one of its ingredients gives none.
        let no_phi = r.assess("Metalaxyl-M + Mancozeb", "longan").unwrap();
        assert_eq!(no_phi.status, RegisterStatus::Registered);
        assert_eq!(no_phi.phi_for_blank(), None);
        // Unregistered for this crop (registered for another one, or unknown).
        let other_crop = r.assess("Kasugamycin 2SL", "nhãn").unwrap();
        assert_eq!(other_crop.status, RegisterStatus::Unregistered);
        assert_eq!(other_crop.unregistered, ["Kasugamycin"]);
        assert_eq!(other_crop.phi_for_blank(), None);
        let half = r
            .assess("Abamectin 1.8% + Hexaconazole 5%", "longan")
            .unwrap();
        assert_eq!(half.status, RegisterStatus::Unregistered);
        assert_eq!(half.unregistered, ["Hexaconazole"]);
        // Only registered ingredients can fill a blank interval.
        assert_eq!(half.phi_for_blank(), None);
        let nothing = r.assess("1.8EC", "longan").unwrap();
        assert_eq!(nothing.status, RegisterStatus::Unregistered);
        // A crop with no entries: nothing to compare with, noted only.
        for crop in ["nghệ", "lúa", ""] {
            let a = r.assess("Abamectin", crop).unwrap();
            assert_eq!(a.status, RegisterStatus::CropNotListed, "{crop}");
            assert!(a.unregistered.is_empty());
            assert_eq!(a.phi_for_blank(), None);
        }
        assert_eq!(
            r.assess("Kasugamycin", "vải thiều")
                .unwrap()
                .phi_for_blank(),
            Some(3)
        );
    }

    #[test]
    fn crops_read_in_both_languages() {
        assert_eq!(crop_key("longan"), "nhan");
        assert_eq!(crop_key("Nhãn lồng"), "nhan");
        assert_eq!(crop_key("Vải thiều"), "vai");
        assert_eq!(crop_key("turmeric"), "nghe");
        assert_eq!(crop_key("kumquat"), "quat");
        assert_eq!(crop_key("Hoa cúc"), "cuc");
        assert_eq!(crop_key("Xoài cát"), "xoai cat");
    }

    #[test]
    fn bad_register_files_are_refused_with_their_line() {
        let header = "ingredient,crop,target,phi_days,source,evidence";
        let base = Register::default();
        for (rows, what) in [
            ("Abamectin,nhãn,nhện,7,,x", "source"),
            ("Abamectin,,nhện,7,TT,x", "crop"),
            ("Abamectin,nhãn,nhện,400,TT,x", "phi_days"),
            ("Abamectin,nhãn,nhện,bảy,TT,x", "phi_days"),
            ("Abamectin,nhãn,nhện,7,TT", "columns"),
            ("\"Abamectin,nhãn,nhện,7,TT,x", "quote"),
            ("1.8EC,nhãn,nhện,7,TT,x", "name"),
        ] {
            let err = base
                .with_permitted("extra.csv", &format!("# note\n{header}\n{rows}\n"))
                .unwrap_err();
            assert_eq!((err.file, err.line), ("extra.csv", 3), "{rows}");
            assert!(err.what.contains(what), "{rows}: {}", err.what);
        }
        let banned_too = register("")
            .with_permitted("extra.csv", &format!("{header}\nParaquat,nhãn,cỏ,7,TT,x\n"));
        assert!(banned_too.unwrap_err().what.contains("Paraquat is banned"));
        assert!(base.with_permitted("extra.csv", "a,b\n").is_err());
        assert!(
            base.with_permitted("extra.csv", "# only a comment\n")
                .is_err()
        );
        assert!(
            Register::parse(
                "ingredient,aliases,group,status,source,evidence\nX,,insecticide,forbidden,S,E",
                "ingredient,crop,target,phi_days,source,evidence"
            )
            .is_err()
        );
    }

    #[test]
    fn csv_fields_read_quotes() {
        assert_eq!(
            csv_fields(r#"a, "b, c" ,"d ""e""",,f"#).unwrap(),
            ["a", "b, c", r#"d "e""#, "", "f"]
        );
        assert_eq!(csv_fields("\"open"), None);
    }
}
