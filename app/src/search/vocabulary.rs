//! The catalog's own words, and what the search service makes of a query with them, the same
//! for both engines:
//!
//! - understanding: a word no product has is read as Telex keystrokes ("nhanx" → nhãn), as
//!   syllables typed without their spaces ("gadongtao" → ga dong tao), or as the beginning of a
//!   longer catalog word ("ferment" → fermented), whichever the other words of the query go with;
//! - relaxing, when no product has every word: the least informative words are dropped (those no
//!   product has, then the most common), then typos are allowed (one in a 3-4-letter syllable);
//! - "did you mean": a likely misspelling is corrected with catalog words that occur together.
//!
//! Built from the documents the engines index (names, English names, communes current and
//! former, producers, groups: the "catalog" words; descriptions only count as known words) and
//! kept in step with every index write by [`Tracked`].

use std::{
    collections::{BTreeMap, HashMap, HashSet},
    sync::{Arc, RwLock},
};

use super::{
    engine::{
        BoxFuture, EngineHits, EngineQuery, IndexStatus, SearchDoc, SearchEngine, SearchError,
    },
    query::{Analyzed, MAX_WORDS, QueryWord, Spelling, document_words, within_one_edit},
};

/// Words shorter than this are never split off, completed or corrected (a two-letter word has
/// too many neighbours).
const MIN_CORRECTED_LETTERS: usize = 3;
/// A word typed without spaces splits into at most this many catalog words.
const MAX_PIECES: usize = 4;
/// Words this long may be corrected with two typos.
const TWO_TYPOS_LETTERS: usize = 8;
/// What buyers add to a shopping query that says nothing of the product ("mua nhãn lồng ngon":
/// buy tasty nhãn lồng), as typed: dropped first (after words no product has) when no product
/// has every word. Forms shared with catalog words ("ban": Bần) are left out.
const FILLER: &[&str] = &[
    "mua", "bán", "giá", "gia", "rẻ", "re", "ngon", "tốt", "tot", "loại", "loai", "hàng", "chính",
    "chinh", "hãng", "chất", "lượng", "luong", "shop", "online", "ship", "giao", "nhanh", "ở",
    "đâu", "tại", "nào", "nao", "gì", "cần", "muốn", "muon", "tìm", "tim", "cho", "của", "cua",
    "và", "là", "có", "không", "khong", "những", "nhung", "các", "cac", "một", "mot", "buy",
    "cheap", "best", "good", "the", "of", "for", "and", "with", "where", "near", "price", "sale",
];

#[derive(Debug, Default)]
struct Word {
    /// Documents with this word anywhere (descriptions included).
    docs: HashSet<u32>,
    /// Documents with it in a catalog field: only these make it a word to correct towards.
    catalog: HashSet<u32>,
}

#[derive(Debug, Default)]
struct Doc {
    /// Folded word, its form with marks, and whether it is in a catalog field.
    words: Vec<(String, String, bool)>,
}

/// The words of the indexed documents: which documents have each, and how they are spelled.
#[derive(Debug, Default)]
pub struct Vocabulary {
    words: BTreeMap<String, Word>,
    /// By document number.
    docs: HashMap<u32, Doc>,
    numbers: HashMap<String, u32>,
    next: u32,
}

/// What a word of the query became, for "did you mean".
#[derive(Clone, Debug, PartialEq, Eq)]
enum Reading {
    /// As typed (a catalog word, or one that matches as the engines match).
    AsTyped,
    /// Telex keystrokes read as Vietnamese.
    Telex,
    /// Syllables typed without spaces, split.
    Split,
    /// The beginning of a longer word, completed (not a misspelling).
    Completed,
}

/// A query as the service understood it: the words the engines are asked for, and what each
/// word as typed became.
#[derive(Clone, Debug)]
pub struct Understood {
    pub query: Analyzed,
    /// For each word as typed: what it became, and its replacement words.
    readings: Vec<(Reading, Vec<QueryWord>)>,
}

impl Vocabulary {
    pub fn from_docs(docs: &[SearchDoc]) -> Vocabulary {
        let mut v = Vocabulary::default();
        v.update(docs, &[]);
        v
    }

    /// Replaces every document (after a full rebuild).
    pub fn replace_all(&mut self, docs: &[SearchDoc]) {
        *self = Vocabulary::from_docs(docs);
    }

    /// Adds or replaces `upserts` and forgets the documents with the ids in `deletes`.
    pub fn update(&mut self, upserts: &[SearchDoc], deletes: &[String]) {
        for id in deletes.iter().chain(upserts.iter().map(|d| &d.id)) {
            self.remove(id);
        }
        for d in upserts {
            self.add(d);
        }
    }

    /// How many documents it knows.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    fn remove(&mut self, id: &str) {
        let Some(n) = self.numbers.remove(id) else {
            return;
        };
        let Some(doc) = self.docs.remove(&n) else {
            return;
        };
        for (folded, _, _) in doc.words {
            if let Some(word) = self.words.get_mut(&folded) {
                word.docs.remove(&n);
                word.catalog.remove(&n);
                if word.docs.is_empty() {
                    self.words.remove(&folded);
                }
            }
        }
    }

    fn add(&mut self, d: &SearchDoc) {
        let n = self.next;
        self.next += 1;
        self.numbers.insert(d.id.clone(), n);
        let mut doc = Doc::default();
        let mut seen: HashSet<(String, String, bool)> = HashSet::new();
        let communes = d.commune_names.join(" ");
        let catalog = [
            d.name.as_str(),
            d.name_en.as_str(),
            communes.as_str(),
            d.producer.as_str(),
            d.group_names.as_str(),
        ];
        let fields = catalog
            .iter()
            .map(|text| (*text, true))
            .chain([(d.description.as_str(), false)]);
        for (text, in_catalog) in fields {
            for (folded, exact) in document_words(text) {
                if folded.is_empty() {
                    continue;
                }
                let word = self.words.entry(folded.clone()).or_default();
                word.docs.insert(n);
                if in_catalog {
                    word.catalog.insert(n);
                }
                if seen.insert((folded.clone(), exact.clone(), in_catalog)) {
                    doc.words.push((folded, exact, in_catalog));
                }
            }
        }
        self.docs.insert(n, doc);
    }

    fn catalog_word(&self, folded: &str) -> Option<&Word> {
        self.words.get(folded).filter(|w| !w.catalog.is_empty())
    }

    /// Catalog words starting with `start` (itself included), most common first.
    fn completions(&self, start: &str, limit: usize) -> Vec<&str> {
        let mut found: Vec<(&str, usize)> = self
            .words
            .range(start.to_owned()..)
            .take_while(|(w, _)| w.starts_with(start))
            .filter(|(_, w)| !w.catalog.is_empty())
            .map(|(w, info)| (w.as_str(), info.catalog.len()))
            .collect();
        found.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.len().cmp(&b.0.len())));
        found.into_iter().take(limit).map(|(w, _)| w).collect()
    }

    /// The documents a query word matches, the way the engines match it (whole, as a
    /// beginning when last, with one typo from five letters, or as its Telex reading).
    fn docs_of(&self, q: &QueryWord) -> HashSet<u32> {
        self.docs_matching(q, true)
    }

    fn docs_matching(&self, q: &QueryWord, typos: bool) -> HashSet<u32> {
        let mut out = HashSet::new();
        for (w, typo) in self.matched(q, typos) {
            // Like the engines: descriptions match no typo.
            out.extend(if typo { &w.catalog } else { &w.docs }.iter().copied());
        }
        out
    }

    /// The documents that have the word in a catalog field (not only in a description).
    fn catalog_docs(&self, q: &QueryWord) -> HashSet<u32> {
        let mut out = HashSet::new();
        for (w, _) in self.matched(q, true) {
            out.extend(w.catalog.iter().copied());
        }
        out
    }

    /// The vocabulary's words that `q` matches, each with whether only through a typo.
    fn matched(&self, q: &QueryWord, typos: bool) -> Vec<(&Word, bool)> {
        let mut out = Vec::new();
        let mut starts = vec![q.folded.as_str()];
        if let Some(alt) = &q.alternative {
            starts.push(alt.folded.as_str());
        }
        for start in starts {
            if q.prefix {
                out.extend(
                    self.words
                        .range(start.to_owned()..)
                        .take_while(|(w, _)| w.starts_with(start))
                        .map(|(_, w)| (w, false)),
                );
            } else if let Some(w) = self.words.get(start) {
                out.push((w, false));
            }
        }
        if typos && q.allows_typo() {
            let n = q.folded.len();
            out.extend(
                self.words
                    .iter()
                    .filter(|(word, _)| {
                        word.len().abs_diff(n) <= 1
                            && **word != q.folded
                            && within_one_edit(&q.folded, word)
                    })
                    .map(|(_, w)| (w, true)),
            );
        }
        out
    }

    /// Whether the word is best taken as typed: some document has it (whole, or as a beginning
    /// when last), or has it with a typo while its Telex reading ("nhanx") is no word.
    fn known_as_typed(&self, q: &QueryWord) -> bool {
        let plain = QueryWord {
            alternative: None,
            ..q.clone()
        };
        if !self.docs_matching(&plain, false).is_empty() {
            return true;
        }
        let telex = q.alternative.as_ref().is_some_and(|alt| {
            !self
                .docs_matching(&QueryWord::spelled(alt.clone(), q.prefix), false)
                .is_empty()
        });
        !telex && !self.docs_matching(&plain, true).is_empty()
    }

    /// Whether some document has every word of `query` (as the engines match them).
    pub fn cooccur(&self, query: &Analyzed) -> bool {
        intersect(query.words.iter().map(|w| self.docs_of(w))).is_some_and(|d| !d.is_empty())
    }

    /// The documents of the words that match something, together; every document when none do
    /// or when they have none in common (the context other words give a guess).
    fn context(&self, words: &[&QueryWord]) -> Option<HashSet<u32>> {
        let sets: Vec<HashSet<u32>> = words
            .iter()
            .map(|w| self.docs_of(w))
            .filter(|s| !s.is_empty())
            .collect();
        intersect(sets.into_iter()).filter(|s| !s.is_empty())
    }

    /// The query with the words no document has read another way (see the module's notes).
    pub fn understand(&self, typed: &Analyzed) -> Understood {
        let as_typed: Vec<bool> = typed.words.iter().map(|w| self.known_as_typed(w)).collect();
        let known: Vec<&QueryWord> = typed
            .words
            .iter()
            .zip(&as_typed)
            .filter(|(_, k)| **k)
            .map(|(w, _)| w)
            .collect();
        let mut context = self.context(&known);
        let mut readings = Vec::with_capacity(typed.words.len());
        for (word, known) in typed.words.iter().zip(as_typed) {
            if known || self.is_empty() {
                readings.push((Reading::AsTyped, vec![word.clone()]));
                continue;
            }
            let choice = self
                .readings_of(word)
                .into_iter()
                .map(|(reading, words)| {
                    let docs = intersect(words.iter().map(|w| self.docs_of(w)));
                    let together = match (&docs, &context) {
                        (Some(d), Some(c)) => d.intersection(c).count(),
                        (Some(d), None) => d.len(),
                        _ => 0,
                    };
                    (reading, words, docs, together)
                })
                .filter(|(_, _, docs, _)| docs.as_ref().is_some_and(|d| !d.is_empty()))
                // The first reading the other words go with; else the first that matches at all.
                .enumerate()
                .max_by_key(|(i, (_, _, _, together))| (*together > 0, std::cmp::Reverse(*i)));
            match choice {
                Some((_, (reading, words, docs, _))) => {
                    if let Some(docs) = docs {
                        context = Some(match context {
                            Some(c) if c.intersection(&docs).next().is_some() => {
                                c.intersection(&docs).copied().collect()
                            }
                            Some(c) => c,
                            None => docs,
                        });
                    }
                    readings.push((reading, words));
                }
                None => readings.push((Reading::AsTyped, vec![word.clone()])),
            }
        }
        let words: Vec<QueryWord> = readings
            .iter()
            .flat_map(|(_, words)| words.iter().cloned())
            .take(MAX_WORDS)
            .collect();
        Understood {
            query: typed.with_words(words),
            readings,
        }
    }

    /// The other ways to read a word no document has, best first: Telex, split, completed.
    fn readings_of(&self, word: &QueryWord) -> Vec<(Reading, Vec<QueryWord>)> {
        let mut out = Vec::new();
        if let Some(alt) = &word.alternative {
            out.push((
                Reading::Telex,
                vec![QueryWord::spelled(alt.clone(), word.prefix)],
            ));
        }
        let folded = word.folded.as_str();
        if folded.len() >= MIN_CORRECTED_LETTERS * 2 - 2 {
            for pieces in self.splits(folded, word.prefix) {
                let n = pieces.len();
                let words = pieces
                    .into_iter()
                    .enumerate()
                    .map(|(i, p)| {
                        QueryWord::spelled(
                            Spelling {
                                folded: p.to_owned(),
                                exact: p.to_owned(),
                            },
                            word.prefix && i + 1 == n,
                        )
                    })
                    .collect();
                out.push((Reading::Split, words));
            }
        }
        if !word.prefix && folded.len() >= MIN_CORRECTED_LETTERS {
            for completion in self.completions(folded, 5) {
                if completion != folded {
                    out.push((
                        Reading::Completed,
                        vec![QueryWord::spelled(
                            Spelling {
                                folded: completion.to_owned(),
                                exact: completion.to_owned(),
                            },
                            false,
                        )],
                    ));
                }
            }
        }
        out
    }

    /// Ways to cut `word` into 2-4 catalog words of two letters or more, fewest pieces first
    /// (the last piece may be the beginning of a word when `prefix`).
    fn splits<'a>(&self, word: &'a str, prefix: bool) -> Vec<Vec<&'a str>> {
        fn go<'a>(
            v: &Vocabulary,
            rest: &'a str,
            prefix: bool,
            pieces: &mut Vec<&'a str>,
            out: &mut Vec<Vec<&'a str>>,
        ) {
            if out.len() >= 16 {
                return;
            }
            if rest.is_empty() {
                if pieces.len() >= 2 {
                    out.push(pieces.clone());
                }
                return;
            }
            if pieces.len() == MAX_PIECES {
                return;
            }
            for end in 2..=rest.len() {
                let Some(piece) = rest.get(..end) else {
                    continue;
                };
                let last = end == rest.len();
                let fits = v.catalog_word(piece).is_some()
                    || (last && prefix && !v.completions(piece, 1).is_empty());
                if fits {
                    pieces.push(piece);
                    go(v, &rest[end..], prefix, pieces, out);
                    pieces.pop();
                }
            }
        }
        if !word.is_ascii() {
            return Vec::new();
        }
        let mut out = Vec::new();
        go(self, word, prefix, &mut Vec::new(), &mut out);
        out.sort_by_key(Vec::len);
        out
    }

    /// For a query the engine found nothing for: the query without its least informative
    /// words. First the words no document has go (each replaced instead by a catalog word one
    /// typo away, even in a 3-4-letter syllable, when that word occurs with the rest: the rest
    /// pins it) together with the filler of shopping queries ("mua", "ngon", "giá"); then, one by
    /// one until the rest occur together, words found only in descriptions, then the most
    /// common. Something always goes (the engine may not match the way the vocabulary does).
    /// `None` when nothing but no-information words would be left.
    pub fn relax(&self, query: &Analyzed) -> Option<Analyzed> {
        let total = self.docs.len();
        let info: Vec<(usize, usize)> = query
            .words
            .iter()
            .map(|w| {
                let docs = self.docs_of(w).len();
                let tier = if docs == 0 {
                    0
                } else if FILLER.contains(&w.exact.as_str()) {
                    1
                } else if self.catalog_docs(w).is_empty() {
                    2
                } else {
                    3
                };
                (tier, docs)
            })
            .collect();
        let informative: Vec<&QueryWord> = query
            .words
            .iter()
            .zip(&info)
            .filter(|(_, (tier, _))| *tier >= 2)
            .map(|(w, _)| w)
            .collect();
        if informative.is_empty() {
            return None;
        }
        let context = self.context(&informative);
        // Step one: no-information words corrected or dropped, filler dropped.
        let mut words: Vec<(QueryWord, usize, usize)> = Vec::new();
        for (w, (tier, docs)) in query.words.iter().zip(&info) {
            match tier {
                0 => {
                    if let Some(fix) = self.nearest(w, context.as_ref()) {
                        let n = self.docs_of(&fix).len();
                        words.push((fix, 3, n));
                    }
                }
                1 => {}
                _ => words.push((w.clone(), *tier, *docs)),
            }
        }
        let rest = |words: &[(QueryWord, usize, usize)]| {
            query.with_words(words.iter().map(|(w, _, _)| w.clone()).collect())
        };
        // Step two: one by one, description-only words, then the commonest.
        loop {
            let candidate = rest(&words);
            if candidate.is_empty() {
                return None;
            }
            if candidate != *query && self.cooccur(&candidate) {
                return Some(candidate);
            }
            let (drop, _) = words
                .iter()
                .enumerate()
                .min_by_key(|(i, (_, tier, docs))| {
                    (*tier, std::cmp::Reverse(*docs.min(&total)), *i)
                })?;
            words.remove(drop);
        }
    }

    /// Words no document has as typed (a typo aside: Meilisearch never allows one in the first
    /// letter, the embedded engine does), each replaced by the nearest catalog word (one typo,
    /// even in a 3-4-letter syllable; two from eight letters) that goes with the other words; a
    /// word with none is dropped. `None` when nothing changed.
    pub fn allow_typos(&self, query: &Analyzed) -> Option<Analyzed> {
        let as_typed: Vec<bool> = query
            .words
            .iter()
            .map(|w| !self.docs_matching(w, false).is_empty())
            .collect();
        let matched: Vec<&QueryWord> = query
            .words
            .iter()
            .zip(&as_typed)
            .filter(|(_, m)| **m)
            .map(|(w, _)| w)
            .collect();
        let mut context = self.context(&matched);
        let mut changed = false;
        let mut words = Vec::new();
        for (word, matched) in query.words.iter().zip(as_typed) {
            if matched {
                words.push(word.clone());
                continue;
            }
            if let Some(fix) = self.nearest(word, context.as_ref()) {
                let docs = self.docs_of(&fix);
                context = Some(match context {
                    Some(c) => c.intersection(&docs).copied().collect(),
                    None => docs,
                });
                changed |= fix.folded != word.folded;
                words.push(fix);
            } else {
                changed = true;
            }
        }
        (changed && !words.is_empty()).then(|| query.with_words(words))
    }

    /// The catalog word nearest to `word`, among those in `context`'s documents when given.
    fn nearest(&self, word: &QueryWord, context: Option<&HashSet<u32>>) -> Option<QueryWord> {
        let folded = word.folded.as_str();
        let n = folded.len();
        if n < MIN_CORRECTED_LETTERS || !folded.is_ascii() {
            return None;
        }
        let two = n >= TWO_TYPOS_LETTERS;
        type Key = (usize, bool, std::cmp::Reverse<usize>);
        let mut best: Option<(Key, &str)> = None;
        for (candidate, w) in &self.words {
            if w.catalog.is_empty() || candidate.len().abs_diff(n) > if two { 2 } else { 1 } {
                continue;
            }
            let distance = if within_one_edit(folded, candidate) {
                1
            } else if two && within_two_edits(folded, candidate) {
                2
            } else {
                continue;
            };
            let together = match context {
                Some(c) => w.catalog.intersection(c).count(),
                None => w.catalog.len(),
            };
            if together == 0 {
                continue;
            }
            // Fewest typos, then the same first letter (a slip is rarely there, and
            // Meilisearch allows none there), then the most documents together.
            let key = (
                distance,
                candidate.as_bytes().first() != folded.as_bytes().first(),
                std::cmp::Reverse(together),
            );
            if best.as_ref().is_none_or(|(k, _)| key < *k) {
                best = Some((key, candidate));
            }
        }
        best.map(|(_, w)| {
            QueryWord::spelled(
                Spelling {
                    folded: w.to_owned(),
                    exact: w.to_owned(),
                },
                false,
            )
        })
    }

    /// A likely correction of what was typed, in the catalog's spelling: Telex read as
    /// Vietnamese, split syllables, and words no document has (or has only through a typo)
    /// corrected towards catalog words that occur with the rest. `None` when nothing was
    /// misspelt.
    pub fn did_you_mean(&self, typed: &Analyzed, understood: &Understood) -> Option<String> {
        if self.is_empty() {
            return None;
        }
        // Each word as typed becomes: itself, or its corrected words.
        let mut fixed: Vec<Option<Vec<QueryWord>>> = Vec::new();
        let known: Vec<&QueryWord> = understood.query.words.iter().collect();
        let context = self.context(&known);
        for (word, (reading, words)) in typed.words.iter().zip(&understood.readings) {
            fixed.push(match reading {
                Reading::Telex | Reading::Split => Some(words.clone()),
                Reading::Completed => None,
                Reading::AsTyped => {
                    let exact = self.words.contains_key(&word.folded)
                        || (word.prefix && !self.completions(&word.folded, 1).is_empty());
                    if exact {
                        None
                    } else {
                        self.nearest(word, context.as_ref()).map(|w| vec![w])
                    }
                }
            });
        }
        if fixed.iter().all(Option::is_none) {
            return None;
        }
        let corrected: Vec<QueryWord> = typed
            .words
            .iter()
            .zip(&fixed)
            .flat_map(|(w, f)| f.clone().unwrap_or_else(|| vec![w.clone()]))
            .collect();
        let respell = !typed.words.iter().any(QueryWord::has_marks);
        // Spelled as in the documents that have the corrected words together.
        let docs = intersect(corrected.iter().map(|w| {
            self.words
                .get(&w.folded)
                .map(|x| x.catalog.clone())
                .unwrap_or_default()
        }))
        .unwrap_or_default();
        let text: Vec<String> = typed
            .words
            .iter()
            .zip(&fixed)
            .flat_map(|(w, f)| match f {
                // Typed without any marks: the whole correction is spelled with them.
                None if respell && self.catalog_word(&w.folded).is_some() => {
                    vec![self.spelling(w, &docs)]
                }
                None => vec![w.exact.clone()],
                Some(words) => words.iter().map(|x| self.spelling(x, &docs)).collect(),
            })
            .collect();
        let text = text.join(" ");
        (crate::domain::fold::fold(&text) != typed.folded_text()).then_some(text)
    }

    /// How the catalog spells a word: as the word has it when the catalog has that form (Telex
    /// typed with marks), else the form found most often among `docs` (or anywhere).
    fn spelling(&self, word: &QueryWord, docs: &HashSet<u32>) -> String {
        let folded = word.folded.as_str();
        let count = |only: Option<&HashSet<u32>>| {
            let mut counts: HashMap<&str, usize> = HashMap::new();
            for (n, doc) in &self.docs {
                if only.is_some_and(|o| !o.contains(n)) {
                    continue;
                }
                for (f, exact, catalog) in &doc.words {
                    if *catalog && f == folded {
                        *counts.entry(exact.as_str()).or_default() += 1;
                    }
                }
            }
            counts
        };
        let mut counts = count((!docs.is_empty()).then_some(docs));
        if counts.is_empty() {
            counts = count(None);
        }
        if word.has_marks() && counts.contains_key(word.exact.as_str()) {
            return word.exact.clone();
        }
        counts
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
            .map_or_else(|| folded.to_owned(), |(w, _)| w.to_owned())
    }
}

/// The intersection of the sets (`None` for no sets).
fn intersect(mut sets: impl Iterator<Item = HashSet<u32>>) -> Option<HashSet<u32>> {
    let first = sets.next()?;
    Some(sets.fold(first, |acc, s| acc.intersection(&s).copied().collect()))
}

/// Damerau-Levenshtein distance ≤ 2 on ASCII words (restricted: no edit of an edited letter).
fn within_two_edits(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > 2 {
        return false;
    }
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m] <= 2
}

/// The vocabulary shared by the search service and the engine wrapper that keeps it current.
pub type SharedVocabulary = Arc<RwLock<Vocabulary>>;

/// An engine whose every write also updates the vocabulary, so the two never drift apart.
pub struct Tracked {
    inner: Arc<dyn SearchEngine>,
    vocabulary: SharedVocabulary,
}

impl Tracked {
    pub fn new(inner: Arc<dyn SearchEngine>, vocabulary: SharedVocabulary) -> Tracked {
        Tracked { inner, vocabulary }
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Vocabulary> {
        self.vocabulary.write().unwrap_or_else(|p| p.into_inner())
    }
}

impl SearchEngine for Tracked {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn search<'a>(
        &'a self,
        query: &'a EngineQuery,
    ) -> BoxFuture<'a, Result<EngineHits, SearchError>> {
        self.inner.search(query)
    }

    fn apply(
        &self,
        upserts: Vec<SearchDoc>,
        deletes: Vec<String>,
    ) -> BoxFuture<'_, Result<(), SearchError>> {
        // Words the index may not have yet (the write fails and is retried) do no harm.
        self.write().update(&upserts, &deletes);
        self.inner.apply(upserts, deletes)
    }

    fn rebuild(&self, docs: Vec<SearchDoc>) -> BoxFuture<'_, Result<(), SearchError>> {
        self.write().replace_all(&docs);
        self.inner.rebuild(docs)
    }

    fn status(&self) -> BoxFuture<'_, Result<IndexStatus, SearchError>> {
        self.inner.status()
    }

    fn stale(&self, today: u32) -> BoxFuture<'_, Result<Vec<String>, SearchError>> {
        self.inner.stale(today)
    }

    fn verify(&self) -> BoxFuture<'_, Result<(), SearchError>> {
        self.inner.verify()
    }

    fn rebuild_requested(&self) -> bool {
        self.inner.rebuild_requested()
    }

    fn rebuild_answered(&self, outcome: Result<usize, String>) {
        self.inner.rebuild_answered(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query::analyze;

    fn doc(id: &str, name: &str, commune: &str, producer: &str, description: &str) -> SearchDoc {
        SearchDoc {
            id: id.to_owned(),
            slug: id.to_owned(),
            name: name.to_owned(),
            name_en: String::new(),
            description: description.to_owned(),
            group: "food".to_owned(),
            group_names: "Thực phẩm Food".to_owned(),
            commune: "x".to_owned(),
            commune_names: vec![commune.to_owned()],
            producer: producer.to_owned(),
            price: None,
            stock: 1,
            stars: 0,
            stars_until: u32::MAX,
            signature: false,
            rating: 0,
            created: 0,
        }
    }

    fn catalog() -> Vocabulary {
        let mut ga = doc(
            "ga",
            "Gà Đông Tảo thả vườn",
            "Hoàn Long",
            "Trại gà",
            "gà ngon",
        );
        ga.name_en = "Free-range Đông Tảo chicken".to_owned();
        let mut tuong = doc(
            "tuong",
            "Tương Bần",
            "Mỹ Hào",
            "HTX Tương Phố Bần",
            "tương ngon",
        );
        tuong.name_en = "Bần fermented soybean sauce".to_owned();
        Vocabulary::from_docs(&[
            doc(
                "nhan",
                "Nhãn lồng Hưng Yên",
                "Tân Hưng",
                "HTX Nhãn lồng",
                "nhãn ngọt",
            ),
            doc(
                "long",
                "Long nhãn sấy",
                "Tân Hưng",
                "Hộ sấy long nhãn",
                "cùi nhãn",
            ),
            doc(
                "mat",
                "Mật ong hoa nhãn",
                "Hồng Châu",
                "Tổ ong",
                "mật ong mùa hoa",
            ),
            ga,
            tuong,
        ])
    }

    fn understood(v: &Vocabulary, q: &str) -> String {
        v.understand(&analyze(q)).query.folded_text()
    }

    #[test]
    fn syllables_typed_without_spaces_are_split() {
        let v = catalog();
        assert_eq!(understood(&v, "gadongtao"), "ga dong tao");
        assert_eq!(understood(&v, "longnhan "), "long nhan");
        assert_eq!(understood(&v, "matong"), "mat ong");
        // Catalog words and words that match with a typo stay as typed.
        assert_eq!(understood(&v, "nhan long"), "nhan long");
        assert_eq!(understood(&v, "chiken"), "chiken");
    }

    #[test]
    fn telex_and_beginnings_of_words_are_read_as_meant() {
        let v = catalog();
        let u = v.understand(&analyze("nhanx longf"));
        assert_eq!(u.query.words[0].exact, "nhãn");
        assert_eq!(u.query.folded_text(), "nhan long");
        assert_eq!(understood(&v, "ferment soy"), "fermented soy");
        assert_eq!(
            v.did_you_mean(
                &analyze("ferment soy"),
                &v.understand(&analyze("ferment soy"))
            ),
            None
        );
    }

    #[test]
    fn did_you_mean_is_spelled_as_the_catalog_spells_it() {
        let v = catalog();
        let dym = |q: &str| v.did_you_mean(&analyze(q), &v.understand(&analyze(q)));
        assert_eq!(dym("nhanx loongf").as_deref(), Some("nhãn lồng"));
        assert_eq!(dym("tuong bam").as_deref(), Some("tương bần"));
        assert_eq!(dym("tuomg ban").as_deref(), Some("tương bần"));
        // Words typed with marks stay as typed.
        assert_eq!(dym("tuomg Bần").as_deref(), Some("tương bần"));
        assert_eq!(dym("tương bam").as_deref(), Some("tương bần"));
        assert_eq!(dym("gadongtao").as_deref(), Some("gà đông tảo"));
        assert_eq!(dym("nhan long"), None);
        assert_eq!(dym("nhan lo"), None);
    }

    #[test]
    fn relaxing_drops_the_least_informative_words_then_allows_typos() {
        let v = catalog();
        let relax = |q: &str| v.relax(&analyze(q)).map(|a| a.folded_text());
        // No product has "xyz"; "mua" (buy) is filler: both go at once.
        assert_eq!(relax("mật ong xyz").as_deref(), Some("mat ong"));
        assert_eq!(relax("mua nhãn lồng ngon ").as_deref(), Some("nhan long"));
        // Then words only in descriptions, then the commonest (a tie here: the first typed).
        assert_eq!(relax("tuong ngon ga").as_deref(), Some("ga"));
        // The engine found nothing though the words occur together: one goes all the same.
        assert_eq!(relax("nhan long").as_deref(), Some("long"));
        // A word one typo from a catalog word that goes with the rest is corrected, not dropped.
        assert_eq!(relax("tuong bam").as_deref(), Some("tuong ban"));
        assert_eq!(relax("nhan lonh hung").as_deref(), Some("nhan long hung"));
        // Nothing informative: nothing to keep; typos then find the commonest near word.
        assert_eq!(relax("bam"), None);
        assert_eq!(relax("mua xyz"), None);
        assert_eq!(
            v.allow_typos(&analyze("tuong bam")).unwrap().folded_text(),
            "tuong ban"
        );
        assert_eq!(v.allow_typos(&analyze("tuong ban")), None);
    }

    #[test]
    fn updates_and_deletes_follow_the_index() {
        let mut v = catalog();
        assert!(v.cooccur(&analyze("tuong ban")));
        v.update(&[], &["tuong".to_owned()]);
        assert!(!v.cooccur(&analyze("tuong ban")));
        assert_eq!(v.len(), 4);
        let renamed = doc("nhan", "Nhãn lồng Phố Hiến", "Tân Hưng", "HTX", "");
        v.update(&[renamed], &[]);
        assert!(v.cooccur(&analyze("nhan pho hien")));
        assert!(!v.cooccur(&analyze("nhan long hung yen")));
        assert!(v.cooccur(&analyze("long nhan hung")), "hưng: Tân Hưng");
    }

    #[test]
    fn two_edits() {
        assert!(within_two_edits("turmerci", "turmeric"));
        assert!(within_two_edits("glutinuos", "glutinous"));
        assert!(!within_two_edits("longan", "lemon"));
    }
}
