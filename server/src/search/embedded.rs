//! The embedded engine: a tantivy index in the data folder, in this process. Nothing to install;
//! one server per index (several servers share Meilisearch instead).
//!
//! Text is folded before it is indexed (`domain::fold`), so the plain tokenizer sees ASCII words;
//! the product name is also indexed as typed, so an exact-diacritic match outranks a folded one.
//! Filters and facet counts are computed in one pass over the matching documents' column values
//! (a few thousand at most here), which also lets each facet ignore its own filter.

use std::{
    collections::{HashMap, HashSet},
    path::{Path, PathBuf},
    sync::{Arc, Mutex, RwLock, Weak},
    time::Duration,
};

use app::{
    domain::fold::fold,
    search::{
        engine::{
            BoxFuture, EngineHits, EngineQuery, IndexStatus, RawFacets, SearchDoc, SearchEngine,
            SearchError,
        },
        model::{PriceBand, SearchFilters, SearchSort},
        query::Analyzed,
    },
};
use tantivy::{
    DocAddress, DocId, Index, IndexReader, IndexWriter, ReloadPolicy, Score, SegmentOrdinal,
    SegmentReader, TantivyDocument, Term,
    collector::{Collector, SegmentCollector},
    columnar::{Column, StrColumn},
    query::{
        AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query,
        TermQuery,
    },
    schema::{
        FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
        TextOptions,
    },
};

/// Bumped whenever the schema or what goes into a field changes: the index is then rebuilt.
const SCHEMA_VERSION: &str = "ocop-products-6";
/// The writer's memory budget (tantivy's minimum is 15 MB per thread).
const WRITER_MEMORY: usize = 50_000_000;

/// Weights of the text fields: a word in the name counts most.
const NAME: f32 = 3.0;
const NAME_EXACT: f32 = 4.0;
const NAME_EN: f32 = 2.5;
const COMMUNE: f32 = 1.5;
const PRODUCER: f32 = 1.2;
const GROUP: f32 = 0.8;
const DESCRIPTION: f32 = 0.3;
/// A typo or an unfinished word counts this much of a whole-word match.
const TYPO: f32 = 0.35;
/// Two query words next to each other as in the name ("nhãn lồng", not "long nhãn").
const PAIR: f32 = 3.0;
const PREFIX: f32 = 0.5;
/// Each word typed with its marks and found so in the name, a commune name or the producer's
/// name lifts a product above all those with fewer such words ("lồng" before "long"), as the
/// Meilisearch adapter orders them. Text scores stay far below it.
const EXACT_TIER: f32 = 1000.0;

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    name: Field,
    name_exact: Field,
    /// The name, commune names and producer as written, lowercased: for `EXACT_TIER`.
    exact: Field,
    name_en: Field,
    /// Neighbouring word pairs of the names, joined: "nhanlong", "longhung", ….
    name_pairs: Field,
    commune: Field,
    producer: Field,
    group: Field,
    description: Field,
    commune_slug: Field,
    group_code: Field,
    price: Field,
    stock: Field,
    stars: Field,
    stars_until: Field,
    signature: Field,
    created: Field,
    name_key: Field,
    rating: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // Term frequencies only: no phrase queries, so no positions to store.
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("default")
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        id: b.add_text_field("id", STRING | FAST | STORED),
        name: b.add_text_field("name", text.clone()),
        name_exact: b.add_text_field("name_exact", text.clone()),
        exact: b.add_text_field("exact", text.clone()),
        name_en: b.add_text_field("name_en", text.clone()),
        name_pairs: b.add_text_field("name_pairs", text.clone()),
        commune: b.add_text_field("commune", text.clone()),
        producer: b.add_text_field("producer", text.clone()),
        group: b.add_text_field("group", text.clone()),
        description: b.add_text_field("description", text),
        commune_slug: b.add_text_field("commune_slug", STRING | FAST),
        group_code: b.add_text_field("group_code", STRING | FAST),
        price: b.add_u64_field("price", FAST),
        stock: b.add_u64_field("stock", FAST),
        stars: b.add_u64_field("stars", FAST),
        stars_until: b.add_u64_field("stars_until", FAST | INDEXED),
        signature: b.add_u64_field("signature", FAST),
        created: b.add_i64_field("created", FAST),
        name_key: b.add_u64_field("name_key", FAST),
        rating: b.add_u64_field("rating", FAST),
    };
    (b.build(), fields)
}

/// The embedded engine. Searches run on the blocking pool; writes are serialised by a mutex, and
/// only the process owning the index (see `OwnerLock`) writes at all.
#[derive(Clone)]
pub struct Embedded {
    inner: Arc<Inner>,
}

struct Inner {
    /// Swapped whole by a rebuild; searches in flight keep the one they started with.
    current: RwLock<Arc<Opened>>,
    writing: Mutex<()>,
    fields: Fields,
    dir: PathBuf,
    _owner: Arc<OwnerLock>,
}

struct Opened {
    index: Index,
    reader: IndexReader,
}

/// How long a starting server waits for the index while another process (a `reindex` run
/// without a server) finishes with it.
const OWNER_WAIT: Duration = Duration::from_secs(60);

impl Embedded {
    /// Opens the index in `dir` for this process alone (waiting up to a minute while another
    /// process has it), or creates an empty one (incomplete: the caller rebuilds it). An index
    /// that cannot be opened, or has another schema, is moved aside and replaced.
    pub fn open(dir: &Path) -> anyhow::Result<Embedded> {
        let started = std::time::Instant::now();
        loop {
            if let Some(embedded) = Embedded::try_open(dir)? {
                return Ok(embedded);
            }
            anyhow::ensure!(
                started.elapsed() < OWNER_WAIT,
                "another process uses the search index at {} (an `ocop serve` on the same data \
                 folder?); one server per embedded index",
                dir.display()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// [`Embedded::open`], or `None` at once when another process owns the index.
    pub fn try_open(dir: &Path) -> anyhow::Result<Option<Embedded>> {
        let Some(owner) = OwnerLock::try_acquire(dir)? else {
            return Ok(None);
        };
        // Left by a rebuild that a crash interrupted: the index in `dir` (if any) is whole.
        for leftover in [sibling(dir, ".new"), sibling(dir, ".old")] {
            if leftover.exists() {
                std::fs::remove_dir_all(&leftover)?;
            }
        }
        let (schema, fields) = schema();
        std::fs::create_dir_all(dir)?;
        let index = if !dir.join("meta.json").exists() {
            Index::create_in_dir(dir, schema)?
        } else {
            match Index::open_in_dir(dir) {
                Ok(index) if index.schema() == schema => index,
                Ok(_) => {
                    tracing::warn!(dir = %dir.display(), "search index has an older schema: replacing it");
                    recreate(dir, schema)?
                }
                Err(e) => {
                    tracing::warn!(dir = %dir.display(), error = %e, "search index cannot be opened: replacing it");
                    recreate(dir, schema)?
                }
            }
        };
        Ok(Some(Embedded {
            inner: Arc::new(Inner {
                current: RwLock::new(Arc::new(Opened::new(index)?)),
                writing: Mutex::new(()),
                fields,
                dir: dir.to_owned(),
                _owner: owner,
            }),
        }))
    }

    /// Runs a search on the calling thread (the benchmark measures this).
    pub fn search_now(&self, query: &EngineQuery) -> Result<EngineHits, SearchError> {
        self.inner.search(query).map_err(damaged)
    }

    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Inner) -> Result<T, SearchError> + Send + 'static,
    ) -> Result<T, SearchError> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || work(&inner))
            .await
            .map_err(|e| SearchError::Unavailable(format!("search task failed: {e}")))?
    }
}

impl Opened {
    fn new(index: Index) -> tantivy::Result<Opened> {
        // Only this process writes, and it reloads after each of its commits.
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Opened { index, reader })
    }
}

/// Which failures mean the index itself is damaged (rebuild it) rather than the machine
/// refusing (disk full, permissions: retry). A file that already exists where a write must
/// create one is damage: a crash between writing a segment's delete file and `meta.json` leaves
/// one, and every later commit of the same operations picks the same name again.
fn damaged(e: tantivy::TantivyError) -> SearchError {
    use tantivy::{
        TantivyError as T,
        directory::error::{OpenReadError, OpenWriteError},
    };
    match e {
        T::IoError(e) => SearchError::Unavailable(e.to_string()),
        e @ (T::LockFailure(..)
        | T::OpenWriteError(OpenWriteError::IoError { .. })
        | T::OpenReadError(OpenReadError::IoError { .. })) => {
            SearchError::Unavailable(e.to_string())
        }
        other => SearchError::Corrupt(other.to_string()),
    }
}

fn io(e: std::io::Error) -> SearchError {
    SearchError::Unavailable(e.to_string())
}

/// `dir` with a suffix, next to it: `data/search` → `data/search.lock`.
fn sibling(dir: &Path, suffix: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map_or_else(|| "search".into(), |n| n.to_string_lossy().into_owned());
    dir.with_file_name(format!("{name}{suffix}"))
}

/// Moves a damaged index aside (the latest one is kept for a post-mortem, next to it) and
/// starts an empty one.
fn recreate(dir: &Path, schema: Schema) -> tantivy::Result<Index> {
    let aside = sibling(dir, ".damaged");
    if aside.exists() {
        std::fs::remove_dir_all(&aside)?;
    }
    std::fs::rename(dir, &aside)?;
    std::fs::create_dir_all(dir)?;
    Index::create_in_dir(dir, schema)
}

/// Flushes a folder's entries (renames, new files) to disk.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

/// The index belongs to one process at a time: an advisory lock on `<dir>.lock`, next to the
/// index (a rebuild renames the index folder; the lock must not move with it). The kernel
/// releases it when the process dies, so a crash leaves nothing stale. Within one process the
/// lock is shared (tests restart a server in the same process).
struct OwnerLock {
    path: PathBuf,
    _file: std::fs::File,
}

static OWNERS: Mutex<Vec<Weak<OwnerLock>>> = Mutex::new(Vec::new());

impl OwnerLock {
    fn try_acquire(dir: &Path) -> std::io::Result<Option<Arc<OwnerLock>>> {
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        std::fs::create_dir_all(parent)?;
        let path = parent
            .canonicalize()?
            .join(sibling(dir, ".lock").file_name().unwrap_or_default());
        let mut owners = OWNERS.lock().unwrap_or_else(|p| p.into_inner());
        owners.retain(|o| o.strong_count() > 0);
        if let Some(held) = owners
            .iter()
            .filter_map(Weak::upgrade)
            .find(|o| o.path == path)
        {
            return Ok(Some(held));
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)?;
        if !fs4::fs_std::FileExt::try_lock_exclusive(&file)? {
            return Ok(None);
        }
        let owner = Arc::new(OwnerLock { path, _file: file });
        owners.push(Arc::downgrade(&owner));
        Ok(Some(owner))
    }
}

/// How `ocop reindex` asks the server that owns the index to rebuild it: it writes
/// `request <token>` to `<dir>.reindex`; the server's indexer (which checks every poll) rebuilds
/// and writes back `done <token> <outcome>`. The server is the only writer, so a rebuild never
/// races its queue: changes it applied are never lost under a rebuild read earlier.
fn request_path(dir: &Path) -> PathBuf {
    sibling(dir, ".reindex")
}

fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

/// Asks the server owning the index in `dir` to rebuild it, and waits for its answer: the
/// number of documents, or the server's error.
pub async fn request_rebuild(dir: &Path, wait: Duration) -> anyhow::Result<Result<usize, String>> {
    let path = request_path(dir);
    let token = uuid::Uuid::now_v7().simple().to_string();
    write_atomically(&path, &format!("request {token}\n"))?;
    let started = std::time::Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if let Some(outcome) = text
            .strip_prefix("done ")
            .and_then(|rest| rest.strip_prefix(token.as_str()))
        {
            let _ = std::fs::remove_file(&path);
            let outcome = outcome.trim();
            return Ok(match outcome.strip_prefix("ok ") {
                Some(n) => Ok(n.parse().unwrap_or(0)),
                None => Err(outcome.trim_start_matches("error ").to_owned()),
            });
        }
        if started.elapsed() > wait {
            let _ = std::fs::remove_file(&path);
            anyhow::bail!(
                "the server owning the search index at {} did not rebuild it within {} s \
                 (is it still starting, or stopped?)",
                dir.display(),
                wait.as_secs()
            );
        }
    }
}

impl SearchEngine for Embedded {
    fn name(&self) -> &'static str {
        "embedded"
    }

    fn search<'a>(
        &'a self,
        query: &'a EngineQuery,
    ) -> BoxFuture<'a, Result<EngineHits, SearchError>> {
        let query = query.clone();
        Box::pin(self.blocking(move |inner| inner.search(&query).map_err(damaged)))
    }

    fn apply(
        &self,
        upserts: Vec<SearchDoc>,
        deletes: Vec<String>,
    ) -> BoxFuture<'_, Result<(), SearchError>> {
        Box::pin(self.blocking(move |inner| inner.apply(upserts, deletes)))
    }

    fn rebuild(&self, docs: Vec<SearchDoc>) -> BoxFuture<'_, Result<(), SearchError>> {
        Box::pin(self.blocking(move |inner| inner.rebuild(docs)))
    }

    fn status(&self) -> BoxFuture<'_, Result<IndexStatus, SearchError>> {
        Box::pin(self.blocking(|inner| {
            let current = inner.current();
            let metas = current.index.load_metas().map_err(damaged)?;
            Ok(IndexStatus {
                documents: current.reader.searcher().num_docs(),
                complete: metas.payload.as_deref() == Some(SCHEMA_VERSION),
            })
        }))
    }

    fn stale(&self, today: u32) -> BoxFuture<'_, Result<Vec<String>, SearchError>> {
        Box::pin(self.blocking(move |inner| inner.stale(today).map_err(damaged)))
    }

    fn verify(&self) -> BoxFuture<'_, Result<(), SearchError>> {
        Box::pin(self.blocking(|inner| inner.verify()))
    }

    fn rebuild_requested(&self) -> bool {
        std::fs::read_to_string(request_path(&self.inner.dir))
            .is_ok_and(|text| text.starts_with("request "))
    }

    fn rebuild_answered(&self, outcome: Result<usize, String>) {
        let path = request_path(&self.inner.dir);
        let Some(token) = std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| text.strip_prefix("request ").map(|t| t.trim().to_owned()))
        else {
            return;
        };
        let outcome = match outcome {
            Ok(n) => format!("ok {n}"),
            Err(e) => format!("error {}", e.replace('\n', " ")),
        };
        if let Err(e) = write_atomically(&path, &format!("done {token} {outcome}\n")) {
            tracing::warn!(error = %e, "answering a reindex request");
        }
    }
}

impl Inner {
    fn current(&self) -> Arc<Opened> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn searcher(&self) -> tantivy::Searcher {
        self.current().reader.searcher()
    }

    fn apply(&self, upserts: Vec<SearchDoc>, deletes: Vec<String>) -> Result<(), SearchError> {
        let _turn = self.writing.lock().unwrap_or_else(|p| p.into_inner());
        let current = self.current();
        let written = self.write(&current.index, upserts, deletes, false);
        if written.is_err() {
            // A failed commit leaves the files it wrote (its new segment, delete files); tantivy
            // only collects garbage after a commit that succeeds, so a write failing over and
            // over would leak them every time.
            collect_garbage(&current.index);
        }
        written.map_err(damaged)?;
        current.reader.reload().map_err(damaged)
    }

    fn write(
        &self,
        index: &Index,
        upserts: Vec<SearchDoc>,
        deletes: Vec<String>,
        fresh: bool,
    ) -> tantivy::Result<()> {
        // A writer per write: its threads live only while writing.
        let mut writer: IndexWriter<TantivyDocument> =
            index.writer_with_num_threads(1, WRITER_MEMORY)?;
        let complete = fresh || index.load_metas()?.payload.as_deref() == Some(SCHEMA_VERSION);
        for id in deletes.iter().chain(upserts.iter().map(|d| &d.id)) {
            writer.delete_term(Term::from_field_text(self.fields.id, id));
        }
        for doc in &upserts {
            writer.add_document(self.document(doc))?;
        }
        let mut commit = writer.prepare_commit()?;
        // The payload marks an index made by a full build with this schema; incremental writes
        // keep whatever mark the index had.
        if complete {
            commit.set_payload(SCHEMA_VERSION);
        }
        commit.commit()?;
        writer.wait_merging_threads()
    }

    /// Builds a new index in `<dir>.new`, from nothing, and swaps it in for the old one, which
    /// is deleted whole: whatever a crash left in it (stray files, damage) goes with it. Searches
    /// use the old index until the new one is ready.
    fn rebuild(&self, docs: Vec<SearchDoc>) -> Result<(), SearchError> {
        let _turn = self.writing.lock().unwrap_or_else(|p| p.into_inner());
        let fresh = sibling(&self.dir, ".new");
        let old = sibling(&self.dir, ".old");
        for leftover in [&fresh, &old] {
            if leftover.exists() {
                std::fs::remove_dir_all(leftover).map_err(io)?;
            }
        }
        std::fs::create_dir_all(&fresh).map_err(io)?;
        {
            let index = Index::create_in_dir(&fresh, schema().0).map_err(damaged)?;
            self.write(&index, docs, Vec::new(), true)
                .map_err(damaged)?;
        }
        sync_dir(&fresh).map_err(io)?;
        // Two renames: a crash between them leaves no index, which start-up rebuilds.
        if self.dir.exists() {
            std::fs::rename(&self.dir, &old).map_err(io)?;
        }
        std::fs::rename(&fresh, &self.dir).map_err(io)?;
        if let Some(parent) = self.dir.parent() {
            sync_dir(parent).map_err(io)?;
        }
        let index = Index::open_in_dir(&self.dir).map_err(damaged)?;
        let opened = Arc::new(Opened::new(index).map_err(damaged)?);
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = opened;
        if old.exists()
            && let Err(e) = std::fs::remove_dir_all(&old)
        {
            tracing::warn!(error = %e, dir = %old.display(), "removing the replaced search index");
        }
        Ok(())
    }

    /// Finds damage the document count cannot show: files in the folder that no commit refers
    /// to (a write a crash interrupted: the next commits may collide with them), and files whose
    /// checksums fail.
    fn verify(&self) -> Result<(), SearchError> {
        let _turn = self.writing.lock().unwrap_or_else(|p| p.into_inner());
        let current = self.current();
        let stray = stray_files(&current.index, &self.dir)?;
        if !stray.is_empty() {
            return Err(SearchError::Corrupt(format!(
                "{} file(s) no commit refers to, left by an interrupted write (e.g. {})",
                stray.len(),
                stray[0]
            )));
        }
        let bad = current.index.validate_checksum().map_err(damaged)?;
        if let Some(file) = bad.iter().next() {
            return Err(SearchError::Corrupt(format!(
                "{} file(s) fail their checksum (e.g. {})",
                bad.len(),
                file.display()
            )));
        }
        Ok(())
    }

    fn document(&self, d: &SearchDoc) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.id, &d.id);
        doc.add_text(f.name, fold(&d.name));
        doc.add_text(f.name_exact, d.name.to_lowercase());
        doc.add_text(
            f.exact,
            format!(
                "{} {} {}",
                d.name.to_lowercase(),
                d.commune_names.join(" ").to_lowercase(),
                d.producer.to_lowercase()
            ),
        );
        doc.add_text(f.name_en, fold(&d.name_en));
        doc.add_text(
            f.name_pairs,
            format!("{} {}", pairs(&d.name), pairs(&d.name_en)),
        );
        doc.add_text(f.commune, fold(&d.commune_names.join(" ")));
        doc.add_text(f.producer, fold(&d.producer));
        doc.add_text(f.group, fold(&d.group_names));
        doc.add_text(f.description, fold(&d.description));
        doc.add_text(f.commune_slug, &d.commune);
        doc.add_text(f.group_code, &d.group);
        doc.add_u64(f.price, d.price.map_or(NO_PRICE, |p| p.max(0) as u64));
        doc.add_u64(f.stock, d.stock.max(0) as u64);
        doc.add_u64(f.stars, u64::from(d.stars));
        doc.add_u64(f.stars_until, u64::from(d.stars_until));
        doc.add_u64(f.signature, u64::from(d.signature));
        doc.add_i64(f.created, d.created);
        doc.add_u64(f.name_key, name_key(&d.name));
        doc.add_u64(f.rating, u64::from(d.rating));
        doc
    }

    fn stale(&self, today: u32) -> tantivy::Result<Vec<String>> {
        let searcher = self.searcher();
        let mut ids = Vec::new();
        let mut id = String::new();
        for segment in searcher.segment_readers() {
            let until = segment.fast_fields().u64("stars_until")?;
            let Some(id_column) = segment.fast_fields().str("id")? else {
                continue;
            };
            for doc in segment.doc_ids_alive() {
                if until.first(doc).is_some_and(|u| u <= u64::from(today))
                    && let Some(ord) = id_column.ords().first(doc)
                    && id_column.ord_to_str(ord, &mut id)?
                {
                    ids.push(id.clone());
                }
            }
        }
        Ok(ids)
    }

    fn search(&self, query: &EngineQuery) -> tantivy::Result<EngineHits> {
        let searcher = self.searcher();
        let collector = FacetedCollector {
            filters: query.filters.clone(),
            browsing: query.text.is_empty(),
        };
        // Every word must match (the search service relaxes a query no product has whole).
        let mut found = if query.text.is_empty() {
            searcher.search(&AllQuery, &collector)?
        } else {
            searcher.search(&self.text_query(&query.text), &collector)?
        };
        sort_hits(&mut found.hits, query.sort);
        let total = found.hits.len() as u64;
        let mut ids = Vec::with_capacity(query.limit);
        let mut id = String::new();
        for hit in found.hits.iter().skip(query.offset).take(query.limit) {
            let segment = searcher.segment_reader(hit.address.segment_ord);
            if let Some(column) = segment.fast_fields().str("id")?
                && let Some(ord) = column.ords().first(hit.address.doc_id)
                && column.ord_to_str(ord, &mut id)?
            {
                ids.push(id.clone());
            }
        }
        Ok(EngineHits {
            ids,
            total,
            facets: found.facets,
        })
    }

    /// Each word matches whole, with one typo (long words), as a beginning (the last word) or
    /// as its Telex reading, in any text field; every word must match.
    fn text_query(&self, text: &Analyzed) -> BooleanQuery {
        let f = &self.fields;
        let weighted = [
            (f.name, NAME),
            (f.name_en, NAME_EN),
            (f.commune, COMMUNE),
            (f.producer, PRODUCER),
            (f.group, GROUP),
            (f.description, DESCRIPTION),
        ];
        let boosted = |q: Box<dyn Query>, boost: f32| -> (Occur, Box<dyn Query>) {
            (Occur::Should, Box::new(BoostQuery::new(q, boost)))
        };
        let mut words: Vec<(Occur, Box<dyn Query>)> = text
            .words
            .iter()
            .map(|word| {
                let mut ways: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                let spellings = std::iter::once((word.folded.as_str(), word.exact.as_str(), true))
                    .chain(
                        word.alternative
                            .iter()
                            .map(|alt| (alt.folded.as_str(), alt.exact.as_str(), false)),
                    );
                for (folded, exact, as_typed) in spellings {
                    // Only words typed with marks say which marks they mean: "long" typed
                    // plainly is "lồng" as much as "long".
                    if exact != folded {
                        ways.push(boosted(
                            Box::new(TermQuery::new(
                                Term::from_field_text(f.name_exact, exact),
                                IndexRecordOption::WithFreqs,
                            )),
                            NAME_EXACT,
                        ));
                        let term = Term::from_field_text(f.exact, exact);
                        let found: Box<dyn Query> = if word.prefix {
                            Box::new(FuzzyTermQuery::new_prefix(term, 0, true))
                        } else {
                            Box::new(TermQuery::new(term, IndexRecordOption::Basic))
                        };
                        ways.push((
                            Occur::Should,
                            Box::new(ConstScoreQuery::new(found, EXACT_TIER)),
                        ));
                    }
                    for (field, weight) in weighted {
                        let term = Term::from_field_text(field, folded);
                        ways.push(boosted(
                            Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
                            weight,
                        ));
                        // Descriptions match whole words and beginnings, never typos (as on
                        // Meilisearch: a typo in a long text finds too much).
                        if as_typed && word.allows_typo() && field != f.description {
                            ways.push(boosted(
                                Box::new(FuzzyTermQuery::new(term.clone(), 1, true)),
                                weight * TYPO,
                            ));
                        }
                        if word.prefix {
                            ways.push(boosted(
                                Box::new(FuzzyTermQuery::new_prefix(term, 0, true)),
                                weight * PREFIX,
                            ));
                        }
                    }
                }
                (
                    Occur::Must,
                    Box::new(BooleanQuery::new(ways)) as Box<dyn Query>,
                )
            })
            .collect();
        for pair in text.words.windows(2) {
            let joined = format!("{}{}", pair[0].folded, pair[1].folded);
            words.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(
                        Term::from_field_text(f.name_pairs, &joined),
                        IndexRecordOption::WithFreqs,
                    )),
                    PAIR,
                )),
            ));
        }
        BooleanQuery::new(words)
    }
}

/// Files in the index folder that the committed `meta.json` does not use. Names starting with
/// a dot are tantivy's own (locks, the list of its files, temporary files).
fn stray_files(index: &Index, dir: &Path) -> Result<Vec<String>, SearchError> {
    let metas = index.load_metas().map_err(damaged)?;
    let living: HashSet<PathBuf> = metas
        .segments
        .iter()
        .flat_map(|s| s.list_files())
        .chain([PathBuf::from("meta.json")])
        .collect();
    let mut stray = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') || living.contains(Path::new(&name)) {
            continue;
        }
        stray.push(name.to_string_lossy().into_owned());
    }
    stray.sort();
    Ok(stray)
}

/// Deletes the files tantivy wrote that no commit uses (best effort: a failure is only logged).
fn collect_garbage(index: &Index) {
    let collected = index
        .writer_with_num_threads::<TantivyDocument>(1, WRITER_MEMORY)
        .and_then(|writer| writer.garbage_collect_files().wait());
    if let Err(e) = collected {
        tracing::warn!(error = %e, "removing the files of a failed search index write");
    }
}

/// Neighbouring folded words joined in pairs: "Nhãn lồng Hưng Yên" → "nhanlong longhung hungyen".
fn pairs(name: &str) -> String {
    let folded = fold(name);
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    words
        .windows(2)
        .map(|w| format!("{}{}", w[0], w[1]))
        .collect::<Vec<_>>()
        .join(" ")
}

/// "No price" sorts last when cheapest first.
const NO_PRICE: u64 = u64::MAX;

/// The first eight bytes of the folded name: names sort alphabetically (to eight letters) by it.
fn name_key(name: &str) -> u64 {
    let folded = fold(name);
    let mut key = [0u8; 8];
    for (slot, byte) in key.iter_mut().zip(folded.bytes()) {
        *slot = byte;
    }
    u64::from_be_bytes(key)
}

#[derive(Clone, Copy, Debug)]
struct Hit {
    address: DocAddress,
    score: Score,
    price: u64,
    created: i64,
    name_key: u64,
    rating: u64,
}

fn sort_hits(hits: &mut [Hit], sort: SearchSort) {
    let by_score = |a: &Hit, b: &Hit| {
        b.score
            .total_cmp(&a.score)
            .then(a.name_key.cmp(&b.name_key))
    };
    match sort {
        // Without words the score is the featured order (see `FacetedSegment::collect`).
        SearchSort::Relevance => hits.sort_by(by_score),
        SearchSort::PriceAsc => hits.sort_by(|a, b| a.price.cmp(&b.price).then(by_score(a, b))),
        SearchSort::PriceDesc => hits.sort_by(|a, b| {
            let price = |h: &Hit| if h.price == NO_PRICE { 0 } else { h.price };
            price(b).cmp(&price(a)).then(by_score(a, b))
        }),
        SearchSort::Newest => hits.sort_by(|a, b| b.created.cmp(&a.created).then(by_score(a, b))),
        // Unrated products have 0: after every rated one (the lowest average is 100).
        SearchSort::Rating => hits.sort_by(|a, b| b.rating.cmp(&a.rating).then(by_score(a, b))),
    }
}

struct FacetedCollector {
    filters: SearchFilters,
    /// No words: every product matches with the same score, ranked by the featured order.
    browsing: bool,
}

struct Found {
    hits: Vec<Hit>,
    facets: RawFacets,
}

struct SegmentFound {
    hits: Vec<Hit>,
    communes: HashMap<String, u64>,
    groups: HashMap<String, u64>,
    stars: [u64; 3],
    prices: [u64; 4],
    in_stock: u64,
}

struct FacetedSegment {
    segment_ord: SegmentOrdinal,
    browsing: bool,
    filters: SearchFilters,
    /// The filter's term ordinal in this segment; `Some(None)`: the value is absent here.
    commune_ord: Option<Option<u64>>,
    group_ord: Option<Option<u64>>,
    commune: StrColumn,
    group: StrColumn,
    price: Column<u64>,
    stock: Column<u64>,
    stars: Column<u64>,
    signature: Column<u64>,
    created: Column<i64>,
    name_key: Column<u64>,
    rating: Column<u64>,
    commune_counts: HashMap<u64, u64>,
    group_counts: HashMap<u64, u64>,
    found: SegmentFound,
}

impl Collector for FacetedCollector {
    type Fruit = Found;
    type Child = FacetedSegment;

    fn for_segment(
        &self,
        segment_ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<FacetedSegment> {
        let fast = segment.fast_fields();
        let str_column = |name: &str| -> tantivy::Result<StrColumn> {
            fast.str(name)?.ok_or_else(|| {
                tantivy::TantivyError::SchemaError(format!("{name} is not a fast field"))
            })
        };
        let commune = str_column("commune_slug")?;
        let group = str_column("group_code")?;
        let ord_of =
            |column: &StrColumn, value: &Option<String>| -> tantivy::Result<Option<Option<u64>>> {
                value
                    .as_ref()
                    .map(|v| column.dictionary().term_ord(v.as_bytes()))
                    .transpose()
                    .map_err(Into::into)
            };
        Ok(FacetedSegment {
            segment_ord,
            browsing: self.browsing,
            filters: self.filters.clone(),
            commune_ord: ord_of(&commune, &self.filters.commune)?,
            group_ord: ord_of(&group, &self.filters.group)?,
            commune,
            group,
            price: fast.u64("price")?,
            stock: fast.u64("stock")?,
            stars: fast.u64("stars")?,
            signature: fast.u64("signature")?,
            created: fast.i64("created")?,
            name_key: fast.u64("name_key")?,
            rating: fast.u64("rating")?,
            commune_counts: HashMap::new(),
            group_counts: HashMap::new(),
            found: SegmentFound {
                hits: Vec::new(),
                communes: HashMap::new(),
                groups: HashMap::new(),
                stars: [0; 3],
                prices: [0; 4],
                in_stock: 0,
            },
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, segments: Vec<SegmentFound>) -> tantivy::Result<Found> {
        let mut hits = Vec::new();
        let mut communes: HashMap<String, u64> = HashMap::new();
        let mut groups: HashMap<String, u64> = HashMap::new();
        let mut stars = [0; 3];
        let mut prices = [0; 4];
        let mut in_stock = 0;
        for s in segments {
            hits.extend(s.hits);
            for (k, v) in s.communes {
                *communes.entry(k).or_default() += v;
            }
            for (k, v) in s.groups {
                *groups.entry(k).or_default() += v;
            }
            for (total, n) in stars.iter_mut().zip(s.stars) {
                *total += n;
            }
            for (total, n) in prices.iter_mut().zip(s.prices) {
                *total += n;
            }
            in_stock += s.in_stock;
        }
        let ranked = |map: HashMap<String, u64>| {
            let mut list: Vec<(String, u64)> = map.into_iter().collect();
            list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            list
        };
        Ok(Found {
            hits,
            facets: RawFacets {
                communes: ranked(communes),
                groups: ranked(groups),
                stars,
                prices: PriceBand::ALL.into_iter().zip(prices).collect(),
                in_stock,
            },
        })
    }
}

impl SegmentCollector for FacetedSegment {
    type Fruit = SegmentFound;

    fn collect(&mut self, doc: DocId, score: Score) {
        let commune = self.commune.ords().first(doc);
        let group = self.group.ords().first(doc);
        let price = self.price.first(doc).unwrap_or(NO_PRICE);
        let stock = self.stock.first(doc).unwrap_or(0);
        let stars = self.stars.first(doc).unwrap_or(0);
        let f = &self.filters;
        let commune_ok = self
            .commune_ord
            .is_none_or(|want| want.is_some() && want == commune);
        let group_ok = self
            .group_ord
            .is_none_or(|want| want.is_some() && want == group);
        let stars_ok = f.min_stars.is_none_or(|min| stars >= u64::from(min));
        let price_ok = f.price_allows((price != NO_PRICE).then_some(price as i64));
        let stock_ok = !f.in_stock || stock > 0;

        if group_ok
            && stars_ok
            && price_ok
            && stock_ok
            && let Some(c) = commune
        {
            *self.commune_counts.entry(c).or_default() += 1;
        }
        if commune_ok
            && stars_ok
            && price_ok
            && stock_ok
            && let Some(g) = group
        {
            *self.group_counts.entry(g).or_default() += 1;
        }
        if commune_ok && group_ok && price_ok && stock_ok && (3..=5).contains(&stars) {
            self.found.stars[(stars - 3) as usize] += 1;
        }
        if commune_ok && group_ok && stars_ok && stock_ok && price != NO_PRICE {
            let band = PriceBand::of(price as i64);
            if let Some(i) = PriceBand::ALL.iter().position(|b| *b == band) {
                self.found.prices[i] += 1;
            }
        }
        if commune_ok && group_ok && stars_ok && price_ok && stock > 0 {
            self.found.in_stock += 1;
        }
        if !(commune_ok && group_ok && stars_ok && price_ok && stock_ok) {
            return;
        }
        let signature = self.signature.first(doc).unwrap_or(0);
        // Text matches first; among near-equals, rated, in-stock and signature products rise.
        // Without words (browsing) this is the whole "featured" order.
        let bonus = 1.0 + 0.04 * stars as f32 + if stock > 0 { 0.1 } else { 0.0 };
        let score = if self.browsing {
            (signature * 100 + stars * 10 + u64::from(stock > 0)) as f32
        } else {
            // The exact-marks tier stands; the bonus weighs the text score within it.
            let tier = (score / EXACT_TIER).floor() * EXACT_TIER;
            tier + (score - tier) * bonus * if signature > 0 { 1.05 } else { 1.0 }
        };
        self.found.hits.push(Hit {
            address: DocAddress::new(self.segment_ord, doc),
            score,
            price,
            created: self.created.first(doc).unwrap_or(0),
            name_key: self.name_key.first(doc).unwrap_or(0),
            rating: self.rating.first(doc).unwrap_or(0),
        });
    }

    fn harvest(mut self) -> SegmentFound {
        let mut text = String::new();
        for (ord, count) in self.commune_counts {
            if self.commune.ord_to_str(ord, &mut text).unwrap_or(false) {
                self.found.communes.insert(text.clone(), count);
            }
        }
        for (ord, count) in self.group_counts {
            if self.group.ord_to_str(ord, &mut text).unwrap_or(false) {
                self.found.groups.insert(text.clone(), count);
            }
        }
        self.found
    }
}
