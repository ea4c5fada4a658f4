//! The cultivation log ("nhật ký canh tác") in the database: plots, harvest lots and the
//! append-only, hash-chained entries, with the pre-harvest interval enforced as they are written.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use serde_json::json;
use sqlx::{Any, AnyConnection, FromRow, Transaction};

use crate::{
    catalog::{model::CommuneRef, storage::entry_photos},
    db::{
        Db,
        audit::{self, AuditEntry},
        decode,
        ids::new_id,
        locks::{Row, Stamp, lock_row},
    },
    diary::{
        gs1::{Gtin, LotCode, digital_link_path, lot_path},
        model::{
            ChainView, LotLine, PhiStatus, PlotDiary, PlotFacts, PlotSummary, RegisterNote,
            SprayingView, TimelineEntry,
        },
        register::{Assessment, BannedIngredient, PhiSource, Register, RegisterStatus},
        rules::{
            ChainStatus, DraftError, EntryDraft, EntryKind, GENESIS_HASH, HashedFields, LotEvent,
            LotStatus, LotTransitionError, PhiViolation, Spraying, StoredEntry, check_harvest,
            entry_hash, resolve_phi, safe_to_harvest_from, verify_chain,
        },
    },
    domain::{
        product::SaleUnit,
        time::{db_date, db_timestamp, parse_db_date},
    },
    i18n::Locale,
};

/// Why a diary write was refused.
#[derive(Debug, thiserror::Error)]
pub enum DiaryError {
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Draft(#[from] DraftError),
    #[error(transparent)]
    Phi(#[from] PhiViolation),
    /// A spraying with an active ingredient the plant-protection register bans.
    #[error(transparent)]
    Banned(#[from] BannedIngredient),
    #[error("this producer already has a lot with this code")]
    LotCodeTaken,
    #[error("this producer already has a plot with this name")]
    PlotNameTaken,
    #[error("a lot goes on sale after its harvest is recorded")]
    NotHarvested,
    #[error("a correction must be of the same kind, on the same plot")]
    CorrectionMismatch,
    #[error("this entry has already been corrected")]
    AlreadyCorrected,
    #[error("the lot belongs to another plot")]
    LotOfAnotherPlot,
    #[error("the product variant is not this producer's")]
    VariantNotOwned,
    #[error("unknown commune")]
    UnknownCommune,
    #[error("the plot's name and crop are required")]
    PlotIncomplete,
    #[error(transparent)]
    Units(#[from] crate::lot_sales::rules::UnitsError),
    #[error("a sold-out lot does not go on sale again")]
    NotSellable,
    /// The lot's status does not allow it (a recalled lot stays recalled).
    #[error(transparent)]
    Lot(#[from] LotTransitionError),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

/// One stored entry with its lot's code.
#[derive(FromRow, Clone, Debug)]
pub(super) struct EntryRow {
    pub id: String,
    pub plot_id: String,
    pub lot_id: Option<String>,
    pub seq: i64,
    pub kind: String,
    pub occurred_on: String,
    pub input_name: Option<String>,
    pub active_ingredient: Option<String>,
    pub target: Option<String>,
    pub dose: Option<String>,
    pub phi_days: Option<i64>,
    pub quantity_kg: Option<i64>,
    pub note: String,
    pub corrects_id: Option<String>,
    pub recorded_by: Option<String>,
    pub recorded_at: String,
    pub prev_hash: String,
    pub entry_hash: String,
    /// The register's check of a spraying (outside the hash; see the migration).
    pub phi_source: Option<String>,
    pub register_status: Option<String>,
    pub register_unlisted: Option<String>,
    pub lot_code: Option<String>,
    /// `occurred_on` as a date, and `phi_days` as days: checked by [`plot_entries`], the one
    /// loader, so a bad stored value fails the read instead of skewing the PHI computation.
    #[sqlx(skip)]
    occurred: NaiveDate,
    #[sqlx(skip)]
    phi: Option<u32>,
}

impl EntryRow {
    fn hashed(&self) -> HashedFields<'_> {
        HashedFields {
            id: &self.id,
            plot_id: &self.plot_id,
            lot_id: self.lot_id.as_deref(),
            seq: self.seq,
            kind: &self.kind,
            occurred_on: &self.occurred_on,
            input_name: self.input_name.as_deref(),
            active_ingredient: self.active_ingredient.as_deref(),
            target: self.target.as_deref(),
            dose: self.dose.as_deref(),
            phi_days: self.phi_days,
            quantity_kg: self.quantity_kg,
            note: &self.note,
            corrects_id: self.corrects_id.as_deref(),
            recorded_by: self.recorded_by.as_deref(),
            recorded_at: &self.recorded_at,
        }
    }

    pub(super) fn on(&self) -> NaiveDate {
        self.occurred
    }
}

/// A lot's season in its plot's diary: the plot's entries after the previous harvest (of
/// another lot) up to this lot's harvest, and every entry recorded for this lot. It is what the
/// lot's page shows and what an officer's stamp covers.
pub(super) struct Season<'a> {
    lot_id: &'a str,
    /// The previous harvest's day (the season starts after it).
    after: Option<NaiveDate>,
    harvested_on: Option<NaiveDate>,
}

impl<'a> Season<'a> {
    pub(super) fn of(rows: &[EntryRow], lot_id: &'a str, harvested_on: Option<NaiveDate>) -> Self {
        let after = rows
            .iter()
            .filter(|e| e.kind == "harvest" && e.lot_id.as_deref() != Some(lot_id))
            .map(EntryRow::on)
            .filter(|d| harvested_on.is_none_or(|h| *d < h))
            .max();
        Season {
            lot_id,
            after,
            harvested_on,
        }
    }

    /// Whether an entry recorded for `lot` (or for none) on `on` belongs to the season.
    pub(super) fn holds(&self, lot: Option<&str>, on: NaiveDate) -> bool {
        match lot {
            Some(l) => l == self.lot_id,
            None => self.after.is_none_or(|s| on > s) && self.harvested_on.is_none_or(|h| on <= h),
        }
    }

    /// Whether a new entry changes what an officer checked: it corrects an entry of the season,
    /// records the lot's harvest again (or another lot's harvest that moves the season's
    /// start), or is written late into the season (dated on or before the harvest). Packing
    /// and other entries after the harvest add to the lot's record without changing its season.
    fn changed_by(
        &self,
        rows: &[EntryRow],
        draft: &EntryDraft,
        kind: EntryKind,
        on: NaiveDate,
    ) -> bool {
        let corrected = draft
            .corrects_id
            .as_deref()
            .and_then(|c| rows.iter().find(|r| r.id == c));
        let up_to_harvest = self.harvested_on.is_none_or(|h| on <= h);
        let in_window = self.after.is_none_or(|s| on > s) && up_to_harvest;
        corrected.is_some_and(|o| self.holds(o.lot_id.as_deref(), o.on()))
            || (kind == EntryKind::Harvest
                && (draft.lot_id.as_deref() == Some(self.lot_id) || in_window))
            || (self.holds(draft.lot_id.as_deref(), on) && up_to_harvest)
    }
}

/// A lot's officer stamp, as stored.
#[derive(FromRow)]
struct StampRow {
    id: String,
    harvested_on: Option<String>,
    verified_by: Option<String>,
    verified_at: Option<String>,
}

/// Clears the stamp of every verified lot of the plot whose season the new entry (`seq`, id
/// `entry_id`) changes: the lot goes back to the officers' queue. What the stamp was stays on
/// the lot (`cleared_verified_*`, for its page) and in the audit log.
#[allow(clippy::too_many_arguments)]
async fn clear_changed_stamps(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    rows: &[EntryRow],
    draft: &EntryDraft,
    kind: EntryKind,
    on: NaiveDate,
    (plot_id, entry_id, seq): (&str, &str, i64),
    user_id: &str,
    ip: Option<&str>,
    now: &str,
) -> Result<(), sqlx::Error> {
    let stamped: Vec<StampRow> = sqlx::query_as(CLEAR_CHANGED_STAMPS_SELECT_HARVEST_LOTS)
        .bind(plot_id)
        .fetch_all(&mut **tx)
        .await?;
    for lot in stamped {
        let harvested_on = lot.harvested_on.as_deref().and_then(parse_db_date);
        if !Season::of(rows, &lot.id, harvested_on).changed_by(rows, draft, kind, on) {
            continue;
        }
        // The right-hand sides read the row as it was: the stamp moves to the cleared columns.
        sqlx::query(CLEAR_CHANGED_STAMPS_UPDATE_HARVEST_LOTS)
            .bind(now)
            .bind(&lot.id)
            .execute(&mut **tx)
            .await?;
        audit::record(
            tx,
            AuditEntry {
                actor_user_id: Some(user_id),
                action: "lot.verification_cleared",
                subject_type: "harvest_lot",
                subject_id: &lot.id,
                details: json!({
                    "verified_by": lot.verified_by,
                    "verified_at": lot.verified_at,
                    "entry": entry_id,
                    "seq": seq,
                }),
                ip,
            },
        )
        .await?;
    }
    Ok(())
}

/// Every entry of a plot, in chain order.
pub(super) async fn plot_entries(
    conn: &mut AnyConnection,
    plot_id: &str,
) -> Result<Vec<EntryRow>, sqlx::Error> {
    let mut rows: Vec<EntryRow> = sqlx::query_as(PLOT_ENTRIES)
        .bind(plot_id)
        .fetch_all(conn)
        .await?;
    for r in &mut rows {
        r.occurred = decode::date("cultivation_log_entries.occurred_on", &r.id, &r.occurred_on)?;
        r.phi = r
            .phi_days
            .map(|d| decode::number("cultivation_log_entries.phi_days", &r.id, d))
            .transpose()?;
    }
    Ok(rows)
}

pub(super) fn chain_status(rows: &[EntryRow]) -> ChainStatus {
    verify_chain(rows.iter().map(|r| StoredEntry {
        fields: r.hashed(),
        prev_hash: &r.prev_hash,
        entry_hash: &r.entry_hash,
    }))
}

/// Ids of entries that a later entry corrects: their values no longer count.
fn corrected(rows: &[EntryRow]) -> HashMap<&str, i64> {
    rows.iter()
        .filter_map(|r| r.corrects_id.as_deref().map(|c| (c, r.seq)))
        .collect()
}

/// The sprayings in force among `rows` (corrections replace what they correct) up to `until`.
fn sprayings(rows: &[EntryRow], until: Option<NaiveDate>) -> Vec<(i64, Spraying)> {
    let corrected = corrected(rows);
    rows.iter()
        .filter(|r| {
            r.kind == EntryKind::Spraying.as_str() && !corrected.contains_key(r.id.as_str())
        })
        .filter(|r| until.is_none_or(|u| r.on() <= u))
        .map(|r| {
            (
                r.seq,
                Spraying {
                    product_name: r.input_name.clone().unwrap_or_default(),
                    sprayed_on: r.on(),
                    // No PHI recorded (a NULL column) is no waiting time.
                    phi_days: r.phi.unwrap_or(0),
                },
            )
        })
        .collect()
}

/// The PHI status of `rows` for a harvest on `harvested_on` (or a plot still growing).
pub(super) fn phi_status(rows: &[EntryRow], harvested_on: Option<NaiveDate>) -> PhiStatus {
    let sprayings = sprayings(rows, harvested_on);
    let binding = safe_to_harvest_from(sprayings.iter().map(|(_, s)| s));
    let seq = binding.and_then(|b| sprayings.iter().find(|(_, s)| s == b).map(|(q, _)| *q));
    PhiStatus {
        safe_from: binding.map(Spraying::safe_from),
        respected: harvested_on.map(|h| binding.is_none_or(|b| h >= b.safe_from())),
        binding_spraying: binding.map(|b| SprayingView {
            seq: seq.unwrap_or(0),
            product_name: b.product_name.clone(),
            sprayed_on: b.sprayed_on,
            phi_days: i64::from(b.phi_days),
        }),
    }
}

/// The rows as shown, with their photos; `crop` is the plot's, which the register notes name.
pub(super) async fn timeline(
    conn: &mut AnyConnection,
    rows: &[EntryRow],
    crop: &str,
    locale: Locale,
) -> Result<Vec<TimelineEntry>, sqlx::Error> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut photos = entry_photos(conn, &ids, locale).await?;
    let seq_of: HashMap<&str, i64> = rows.iter().map(|r| (r.id.as_str(), r.seq)).collect();
    let corrected = corrected(rows);
    Ok(rows
        .iter()
        .map(|r| TimelineEntry {
            id: r.id.clone(),
            seq: r.seq,
            kind: r.kind.clone(),
            occurred_on: r.on(),
            input_name: r.input_name.clone(),
            active_ingredient: r.active_ingredient.clone(),
            target: r.target.clone(),
            dose: r.dose.clone(),
            phi_days: r.phi_days,
            phi_source: r.phi_source.clone(),
            register: r.register_status.clone().map(|status| RegisterNote {
                status,
                crop: crop.to_owned(),
                unregistered: r
                    .register_unlisted
                    .as_deref()
                    .unwrap_or_default()
                    .split("; ")
                    .filter(|n| !n.is_empty())
                    .map(str::to_owned)
                    .collect(),
            }),
            quantity_kg: r.quantity_kg,
            note: r.note.clone(),
            lot_code: r.lot_code.clone(),
            corrects_seq: r
                .corrects_id
                .as_deref()
                .and_then(|c| seq_of.get(c).copied()),
            corrected_by_seq: corrected.get(r.id.as_str()).copied(),
            recorded_at: r.recorded_at.clone(),
            photos: photos.remove(&r.id).unwrap_or_default(),
        })
        .collect())
}

/// The public address of a lot: GS1 Digital Link with a GTIN, the stable lot URL without.
pub fn lot_address(lot_id: &str, lot_code: &str, gtin: Option<&str>) -> String {
    match gtin.and_then(|g| Gtin::parse(g).ok()) {
        Some(gtin) => digital_link_path(&gtin, lot_code),
        None => lot_path(lot_id),
    }
}

pub struct PlotInput<'a> {
    pub name: &'a str,
    pub commune_id: &'a str,
    pub crop: &'a str,
    pub area_m2: Option<i64>,
    pub growing_area_code: Option<&'a str>,
}

#[tracing::instrument(skip_all, fields(user_id = %user_id, producer_id = %producer_id))]
pub async fn create_plot(
    db: &Db,
    user_id: &str,
    producer_id: &str,
    input: PlotInput<'_>,
) -> Result<String, DiaryError> {
    let id = new_id();
    let now = db_timestamp(Utc::now());
    audit::with_audit(
        db,
        async |tx| insert_plot(tx, &id, producer_id, &input, &now).await,
        |_| {
            Some(AuditEntry {
                actor_user_id: Some(user_id),
                action: "plot.create",
                subject_type: "plot",
                subject_id: &id,
                details: json!({ "name": input.name.trim(), "crop": input.crop.trim() }),
                ip: None,
            })
        },
    )
    .await?;
    Ok(id)
}

/// The checks and the one INSERT of a plot, inside the caller's transaction: the plot form and
/// the demo seed (which fixes `id` and `now`) both write plots through here.
#[tracing::instrument(skip_all, fields(plot_id = %id, producer_id = %producer_id))]
pub async fn insert_plot(
    tx: &mut Transaction<'_, Any>,
    id: &str,
    producer_id: &str,
    input: &PlotInput<'_>,
    now: &str,
) -> Result<(), DiaryError> {
    let (name, crop) = (input.name.trim(), input.crop.trim());
    if name.is_empty()
        || crop.is_empty()
        || name.chars().count() > 100
        || crop.chars().count() > 100
    {
        return Err(DiaryError::PlotIncomplete);
    }
    let commune: Option<(String,)> = sqlx::query_as(CREATE_PLOT_SELECT_COMMUNES)
        .bind(input.commune_id)
        .fetch_optional(&mut **tx)
        .await?;
    if commune.is_none() {
        return Err(DiaryError::UnknownCommune);
    }
    let taken: Option<(String,)> = sqlx::query_as(CREATE_PLOT_SELECT_PLOTS)
        .bind(producer_id)
        .bind(name)
        .fetch_optional(&mut **tx)
        .await?;
    if taken.is_some() {
        return Err(DiaryError::PlotNameTaken);
    }
    sqlx::query(CREATE_PLOT_INSERT_PLOTS)
        .bind(id)
        .bind(producer_id)
        .bind(input.commune_id)
        .bind(name)
        .bind(crop)
        .bind(input.area_m2.filter(|a| *a > 0))
        .bind(
            input
                .growing_area_code
                .map(str::trim)
                .filter(|c| !c.is_empty()),
        )
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The producer owning a plot, and the plot's commune.
#[tracing::instrument(skip_all, fields(plot_id = %plot_id))]
pub async fn plot_owner(db: &Db, plot_id: &str) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(PLOT_OWNER)
        .bind(plot_id)
        .fetch_optional(db.pool())
        .await
}

/// A lot's producer, plot and plot commune.
#[allow(clippy::type_complexity)] // the span repeats the row tuple in its expansion
#[tracing::instrument(skip_all, fields(lot_id = %lot_id))]
pub async fn lot_owner(
    db: &Db,
    lot_id: &str,
) -> Result<Option<(String, Option<String>, Option<String>)>, sqlx::Error> {
    sqlx::query_as(LOT_OWNER)
        .bind(lot_id)
        .fetch_optional(db.pool())
        .await
}

/// A new lot on a plot, growing until its harvest is recorded.
#[tracing::instrument(skip_all, fields(user_id = %user_id, plot_id = %plot_id, code = %code, ?variant_id))]
pub async fn create_lot(
    db: &Db,
    user_id: &str,
    plot_id: &str,
    code: &LotCode,
    variant_id: Option<&str>,
    grade: Option<&str>,
) -> Result<String, DiaryError> {
    let id = new_id();
    let now = db_timestamp(Utc::now());
    audit::with_audit(
        db,
        async |tx| insert_lot(tx, &id, plot_id, code, variant_id, grade, &now).await,
        |_| {
            Some(AuditEntry {
                actor_user_id: Some(user_id),
                action: "lot.create",
                subject_type: "harvest_lot",
                subject_id: &id,
                details: json!({ "code": code.as_str(), "plot": plot_id }),
                ip: None,
            })
        },
    )
    .await?;
    Ok(id)
}

/// The checks and the one INSERT of a lot, inside the caller's transaction (the lot form, and
/// the demo seed with its fixed `id` and `now`).
#[tracing::instrument(skip_all, fields(lot_id = %id, plot_id = %plot_id, code = %code, ?variant_id))]
pub async fn insert_lot(
    tx: &mut Transaction<'_, Any>,
    id: &str,
    plot_id: &str,
    code: &LotCode,
    variant_id: Option<&str>,
    grade: Option<&str>,
    now: &str,
) -> Result<(), DiaryError> {
    let (producer_id,): (String,) = sqlx::query_as(CREATE_LOT_SELECT_PLOTS)
        .bind(plot_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(DiaryError::NotFound)?;
    if let Some(variant) = variant_id {
        let owned: Option<(String,)> = sqlx::query_as(CREATE_LOT_SELECT_PRODUCT_VARIANTS)
            .bind(variant)
            .bind(&producer_id)
            .fetch_optional(&mut **tx)
            .await?;
        if owned.is_none() {
            return Err(DiaryError::VariantNotOwned);
        }
    }
    let taken: Option<(String,)> = sqlx::query_as(CREATE_LOT_SELECT_HARVEST_LOTS)
        .bind(&producer_id)
        .bind(code.as_str())
        .fetch_optional(&mut **tx)
        .await?;
    if taken.is_some() {
        return Err(DiaryError::LotCodeTaken);
    }
    sqlx::query(CREATE_LOT_INSERT_HARVEST_LOTS)
        .bind(id)
        .bind(&producer_id)
        .bind(plot_id)
        .bind(variant_id)
        .bind(code.as_str())
        .bind(grade.map(str::trim).filter(|g| !g.is_empty()))
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// What an appended entry came to: its place in the chain and, for a spraying, how it stood
/// against the plant-protection register.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    /// The entry's id (the stored one's, for a resend).
    pub id: String,
    pub seq: i64,
    /// A spraying's interval, typed or filled in from the register.
    pub phi_days: Option<u32>,
    pub phi_source: Option<PhiSource>,
    pub register: Option<Assessment>,
    /// The plot's crop a spraying was read against (empty for other entries).
    pub crop: String,
    /// The entry came again under a client id already stored: nothing was written, `seq` and
    /// the interval are the stored entry's.
    pub resent: bool,
}

/// Appends an entry to a plot's chain, on `today` (Vietnam date). A spraying with a banned
/// active ingredient is refused, a blank interval filled in from `register`; a harvest is
/// refused while a spraying's pre-harvest interval runs, and marks its lot harvested.
#[tracing::instrument(skip_all, fields(user_id = %user_id, plot_id = %plot_id))]
pub async fn append_entry(
    db: &Db,
    register: &Register,
    user_id: &str,
    plot_id: &str,
    draft: &EntryDraft,
    today: NaiveDate,
    via: Via<'_>,
) -> Result<Recorded, DiaryError> {
    let Via {
        ip,
        client_id,
        task_id,
    } = via;
    // Checked before the write lock is taken: a bad draft never waits for it.
    let kind = draft.validate(today)?;
    if kind == EntryKind::Spraying {
        register.screen(draft.active_ingredient.as_deref().unwrap_or_default())?;
    }
    let id = new_id();
    let now = db_timestamp(Utc::now());
    let at = Appended {
        id: &id,
        user_id,
        plot_id,
        today,
        now: &now,
        ip,
        register,
        client_id,
        task_id,
    };
    audit::with_audit(
        db,
        async |tx| append_in(tx, at, draft).await,
        |recorded| {
            let seq = recorded.seq;
            // A resend wrote nothing: the first arrival's audit row stands.
            if recorded.resent {
                return None;
            }
            Some(AuditEntry {
                actor_user_id: Some(user_id),
                action: if draft.corrects_id.is_some() {
                    "diary.correct"
                } else {
                    "diary.append"
                },
                subject_type: "cultivation_log_entry",
                subject_id: &id,
                details: json!({
                    "plot": plot_id,
                    "seq": seq,
                    "kind": kind.as_str(),
                    "phi_source": recorded.phi_source.map(PhiSource::as_str),
                    "register": recorded.register.as_ref().map(|a| a.status.as_str()),
                }),
                ip,
            })
        },
    )
    .await
}

/// How an entry arrived, besides its fields: from where, under which id its phone or device
/// gave it, and for which planned task (`care`), if any.
#[derive(Clone, Copy, Debug, Default)]
pub struct Via<'a> {
    pub ip: Option<&'a str>,
    pub client_id: Option<&'a str>,
    pub task_id: Option<&'a str>,
}

/// Who appends which entry, when: the diary form takes a fresh id and the clock, the demo seed
/// fixed ones so its chains hash the same on every run.
pub struct Appended<'a> {
    pub id: &'a str,
    pub user_id: &'a str,
    pub plot_id: &'a str,
    /// The Vietnam date the entry is written on: no entry is dated after it.
    pub today: NaiveDate,
    /// `recorded_at`, a database timestamp.
    pub now: &'a str,
    pub ip: Option<&'a str>,
    /// What a spraying is read against.
    pub register: &'a Register,
    /// The id the sending phone or device gave the entry, if any: an entry arriving again
    /// under it is not stored twice.
    pub client_id: Option<&'a str>,
    /// The planned task the entry records (`care`): closed with it, in the same transaction.
    pub task_id: Option<&'a str>,
}

/// The register's check, the pre-harvest gate and the one INSERT of a diary entry, inside the
/// caller's transaction.
#[tracing::instrument(skip_all)]
pub async fn append_in(
    tx: &mut Transaction<'_, Any>,
    at: Appended<'_>,
    draft: &EntryDraft,
) -> Result<Recorded, DiaryError> {
    let Appended {
        id,
        user_id,
        plot_id,
        today,
        now,
        ip,
        register,
        client_id,
        task_id,
    } = at;
    let kind = draft.validate(today)?;
    let on = draft.occurred_on.ok_or(DraftError::DateMissing)?;
    // Writing the plot row first serialises appends to one chain: a row lock on PostgreSQL,
    // the database write lock on SQLite. Two appends can then never take the same `seq`.
    if !lock_row(tx, Row::Plot(plot_id), Stamp::UpdatedAt(now)).await? {
        return Err(DiaryError::NotFound);
    }
    // After the lock: a resend racing its first arrival finds it here.
    if let Some(client_id) = client_id {
        let stored: Option<(String, i64, Option<i64>, Option<String>)> =
            sqlx::query_as(APPEND_ENTRY_SELECT_CLIENT_ID)
                .bind(plot_id)
                .bind(client_id)
                .fetch_optional(&mut **tx)
                .await?;
        if let Some((id, seq, phi_days, phi_source)) = stored {
            return Ok(Recorded {
                id,
                seq,
                phi_days: phi_days.and_then(|d| u32::try_from(d).ok()),
                phi_source: phi_source.as_deref().and_then(PhiSource::parse),
                register: None,
                crop: String::new(),
                resent: true,
            });
        }
    }
    let rows = plot_entries(tx, plot_id).await?;
    if let Some(corrects) = draft.corrects_id.as_deref() {
        let original = rows
            .iter()
            .find(|r| r.id == corrects)
            .ok_or(DiaryError::CorrectionMismatch)?;
        if original.kind != kind.as_str() {
            return Err(DiaryError::CorrectionMismatch);
        }
        if rows
            .iter()
            .any(|r| r.corrects_id.as_deref() == Some(corrects))
        {
            return Err(DiaryError::AlreadyCorrected);
        }
    }
    if let Some(lot_id) = draft.lot_id.as_deref() {
        let lot_plot: Option<(Option<String>,)> = sqlx::query_as(APPEND_ENTRY_SELECT_HARVEST_LOTS)
            .bind(lot_id)
            .fetch_optional(&mut **tx)
            .await?;
        if lot_plot.and_then(|(p,)| p).as_deref() != Some(plot_id) {
            return Err(DiaryError::LotOfAnotherPlot);
        }
    }
    if kind == EntryKind::Harvest {
        // Every spraying in force on the plot up to the harvest day counts, whatever its season.
        let sprayings: Vec<Spraying> = sprayings(&rows, Some(on))
            .into_iter()
            .map(|(_, s)| s)
            .collect();
        check_harvest(&sprayings, on)?;
    }
    // A spraying entered late, dated before a recorded harvest, is still recorded: history is
    // never refused. The lot's page then shows the interval as not respected.

    // A spraying is read against the register for the plot's crop: a banned ingredient is
    // refused, a blank interval takes the register's, an unregistered ingredient is noted.
    let (phi, assessment, crop) = if kind == EntryKind::Spraying {
        let crop: Option<(String,)> = sqlx::query_as(APPEND_ENTRY_SELECT_PLOT_CROP)
            .bind(plot_id)
            .fetch_optional(&mut **tx)
            .await?;
        let crop = crop.map(|(c,)| c).unwrap_or_default();
        let assessment = register.assess(
            draft.active_ingredient.as_deref().unwrap_or_default(),
            &crop,
        )?;
        let phi = resolve_phi(draft.phi_days, assessment.phi_for_blank())?;
        (Some(phi), Some(assessment), crop)
    } else {
        (None, None, String::new())
    };

    let seq = rows.last().map_or(1, |r| r.seq + 1);
    let prev = rows
        .last()
        .map_or_else(|| GENESIS_HASH.to_owned(), |r| r.entry_hash.clone());
    let occurred_on = db_date(on);
    let clean = |f: &Option<String>| {
        f.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    };
    let (input_name, active_ingredient, target, dose) = (
        clean(&draft.input_name),
        clean(&draft.active_ingredient),
        clean(&draft.target),
        clean(&draft.dose),
    );
    // A filled-in interval is the entry's own value, hashed like a typed one.
    let phi_days = phi.map(|(d, _)| i64::from(d));
    let phi_source = phi.map(|(_, source)| source.as_str());
    let register_status = assessment.as_ref().map(|a| a.status.as_str());
    let register_unlisted = assessment
        .as_ref()
        .filter(|a| a.status == RegisterStatus::Unregistered)
        .map(|a| a.unregistered.join("; "));
    let note = draft.note.trim().to_owned();
    let hash = entry_hash(
        &prev,
        &HashedFields {
            id,
            plot_id,
            lot_id: draft.lot_id.as_deref(),
            seq,
            kind: kind.as_str(),
            occurred_on: &occurred_on,
            input_name: input_name.as_deref(),
            active_ingredient: active_ingredient.as_deref(),
            target: target.as_deref(),
            dose: dose.as_deref(),
            phi_days,
            quantity_kg: draft.quantity_kg,
            note: &note,
            corrects_id: draft.corrects_id.as_deref(),
            recorded_by: Some(user_id),
            recorded_at: now,
        },
    );
    sqlx::query(APPEND_ENTRY_INSERT_CULTIVATION_LOG_ENTRIES)
        .bind(id)
        .bind(plot_id)
        .bind(draft.lot_id.as_deref())
        .bind(seq)
        .bind(kind.as_str())
        .bind(&occurred_on)
        .bind(input_name.as_deref())
        .bind(active_ingredient.as_deref())
        .bind(target.as_deref())
        .bind(dose.as_deref())
        .bind(phi_days)
        .bind(draft.quantity_kg)
        .bind(&note)
        .bind(draft.corrects_id.as_deref())
        .bind(user_id)
        .bind(now)
        .bind(&prev)
        .bind(&hash)
        .bind(phi_source)
        .bind(register_status)
        .bind(register_unlisted.as_deref())
        .bind(client_id)
        .execute(&mut **tx)
        .await?;
    // Before the harvest below moves the lot's dates: the stamps cover the seasons as checked.
    clear_changed_stamps(
        tx,
        &rows,
        draft,
        kind,
        on,
        (plot_id, id, seq),
        user_id,
        ip,
        now,
    )
    .await?;
    if let Some(task_id) = task_id {
        crate::care::storage::record_in(tx, plot_id, task_id, id, now).await?;
    }
    if kind == EntryKind::Harvest {
        sqlx::query(APPEND_ENTRY_UPDATE_HARVEST_LOTS)
            .bind(&occurred_on)
            .bind(draft.quantity_kg)
            .bind(now)
            .bind(draft.lot_id.as_deref())
            .execute(&mut **tx)
            .await?;
    }
    Ok(Recorded {
        id: id.to_owned(),
        seq,
        phi_days: phi.map(|(d, _)| d),
        phi_source: phi.map(|(_, source)| source),
        register: assessment,
        crop,
        resent: false,
    })
}

/// What putting a lot on sale did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnSale {
    /// It was on sale already: nothing changed.
    Already,
    /// It is on sale now, with these units of its variant added to the variant's stock (none
    /// for a lot sold as no product yet).
    Now { units: Option<i64> },
}

/// Puts a harvested lot on sale, refused while the interval of a spraying before its harvest
/// still runs (a lot harvested earlier, then a spraying entered late, for instance). A lot sold
/// as a product variant goes on sale with `units` of it (by default its harvest in that
/// variant's units), added to the variant's stock in the same transaction.
#[tracing::instrument(skip_all, fields(user_id = %user_id, lot_id = %lot_id, ?units))]
pub async fn put_on_sale(
    db: &Db,
    user_id: &str,
    lot_id: &str,
    units: Option<i64>,
) -> Result<OnSale, DiaryError> {
    let now = db_timestamp(Utc::now());
    audit::with_audit(
        db,
        async |tx| put_on_sale_in(tx, lot_id, units, &now).await,
        |done| match done {
            OnSale::Already => None,
            OnSale::Now { units } => Some(AuditEntry {
                actor_user_id: Some(user_id),
                action: "lot.on_sale",
                subject_type: "harvest_lot",
                subject_id: lot_id,
                details: json!({ "units": units }),
                ip: None,
            }),
        },
    )
    .await
}

#[derive(FromRow)]
struct SaleRow {
    plot_id: Option<String>,
    harvested_on: Option<String>,
    status: String,
    variant_id: Option<String>,
    quantity_kg: Option<i64>,
    unit: Option<String>,
    net_weight_g: Option<i64>,
}

/// The pre-harvest gate, the status change and the stock of [`put_on_sale`], inside the
/// caller's transaction (the demo seed's too). `units`: as typed, `None` for the default.
#[tracing::instrument(skip_all, fields(lot_id = %lot_id, ?units))]
pub async fn put_on_sale_in(
    tx: &mut Transaction<'_, Any>,
    lot_id: &str,
    units: Option<i64>,
    now: &str,
) -> Result<OnSale, DiaryError> {
    use crate::lot_sales::rules::{default_units, units_on_sale};
    // The variant's row first (the global lock order): its stock and the lot's units change
    // together, and a second put on sale of the lot waits here, then finds it on sale.
    let (variant,): (Option<String>,) = sqlx::query_as(PUT_ON_SALE_SELECT_VARIANT)
        .bind(lot_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(DiaryError::NotFound)?;
    if let Some(variant) = variant.as_deref() {
        lock_row(tx, Row::Variant(variant), Stamp::Unchanged).await?;
    }
    let lot: SaleRow = sqlx::query_as(PUT_ON_SALE_SELECT_HARVEST_LOTS)
        .bind(lot_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(DiaryError::NotFound)?;
    let harvested_on = lot
        .harvested_on
        .as_deref()
        .and_then(parse_db_date)
        .ok_or(DiaryError::NotHarvested)?;
    // The lot's status machine decides: a recalled lot never goes back on sale, a sold-out one
    // comes back only by a restock.
    let status = decode::text_enum("harvest_lots.status", lot_id, &lot.status, LotStatus::parse)?;
    match status.after(LotEvent::PutOnSale) {
        Ok(_) if status == LotStatus::OnSale => return Ok(OnSale::Already),
        Ok(_) => {}
        Err(LotTransitionError::NotHarvested) => return Err(DiaryError::NotHarvested),
        Err(LotTransitionError::NotApplicable(_)) => return Err(DiaryError::NotSellable),
        Err(e @ LotTransitionError::Recalled) => return Err(e.into()),
    }
    if let Some(plot_id) = lot.plot_id.as_deref() {
        let rows = plot_entries(tx, plot_id).await?;
        let sprayings: Vec<Spraying> = sprayings(&rows, Some(harvested_on))
            .into_iter()
            .map(|(_, s)| s)
            .collect();
        check_harvest(&sprayings, harvested_on)?;
    }
    let units = match lot.variant_id.as_deref() {
        Some(_) => {
            let unit = lot.unit.as_deref().and_then(SaleUnit::parse);
            let default = default_units(lot.quantity_kg, unit, lot.net_weight_g);
            Some(units_on_sale(units, default)?)
        }
        // Sold as no product yet: on sale as a record, with no stock to feed.
        None => None,
    };
    let done = sqlx::query(PUT_ON_SALE_UPDATE_HARVEST_LOTS)
        .bind(units)
        .bind(now)
        .bind(lot_id)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        // Put on sale by another request between the read and the write.
        return Ok(OnSale::Already);
    }
    if let (Some(variant), Some(n)) = (lot.variant_id.as_deref(), units) {
        sqlx::query(PUT_ON_SALE_ADD_STOCK)
            .bind(n)
            .bind(now)
            .bind(variant)
            .execute(&mut **tx)
            .await?;
        crate::search::sync::queue_variants(tx, &[variant]).await?;
    }
    Ok(OnSale::Now { units })
}

/// An officer's stamp on a lot. Returns false when the lot does not exist or was recalled
/// (a recalled lot's season is not stamped again).
#[tracing::instrument(skip_all, fields(officer_id = %officer_id, lot_id = %lot_id))]
pub async fn verify_lot(db: &Db, officer_id: &str, lot_id: &str) -> Result<bool, sqlx::Error> {
    let now = db_timestamp(Utc::now());
    audit::with_audit(
        db,
        async |tx| verify_in(tx, officer_id, lot_id, &now).await,
        |found| {
            found.then(|| AuditEntry {
                actor_user_id: Some(officer_id),
                action: "lot.verify",
                subject_type: "harvest_lot",
                subject_id: lot_id,
                details: json!({}),
                ip: None,
            })
        },
    )
    .await
}

/// The stamp itself, inside the caller's transaction; `now` is when the officer stamped.
#[tracing::instrument(skip_all, fields(officer_id = %officer_id, lot_id = %lot_id))]
pub async fn verify_in(
    tx: &mut Transaction<'_, Any>,
    officer_id: &str,
    lot_id: &str,
    now: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(VERIFY_LOT)
        .bind(officer_id)
        .bind(now)
        .bind(lot_id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() > 0)
}

#[derive(FromRow)]
struct PlotRow {
    id: String,
    name: String,
    crop: String,
    area_m2: Option<i64>,
    growing_area_code: Option<String>,
    producer_id: String,
    producer_name: String,
    commune_slug: String,
    commune_name: String,
    commune_kind: String,
}

#[derive(FromRow)]
struct LotRow {
    id: String,
    plot_id: Option<String>,
    lot_code: String,
    status: String,
    harvested_on: Option<String>,
    /// The variant's product name in both languages (none when the lot has no variant).
    variant_vi: Option<String>,
    variant_en: Option<String>,
    gtin: Option<String>,
    quantity_kg: Option<i64>,
    units_left: Option<i64>,
    unit: Option<String>,
    net_weight_g: Option<i64>,
}

const PLOT_SELECT: &str = "SELECT pl.id, pl.name, pl.crop, pl.area_m2, pl.growing_area_code,
        pl.producer_id, pr.name AS producer_name, c.slug AS commune_slug, c.name AS commune_name,
        c.kind AS commune_kind
   FROM plots pl
   JOIN producers pr ON pr.id = pl.producer_id
   JOIN communes c ON c.id = pl.commune_id";

/// [`lot_lines`]' statement for `n` producers.
fn lot_lines_sql(n: usize) -> String {
    format!(
        "SELECT l.id, l.plot_id, l.lot_code, l.status, l.harvested_on,
                p.name_vi AS variant_vi, p.name_en AS variant_en, p.gtin,
                l.quantity_kg, l.units_left, v.unit, v.net_weight_g
           FROM harvest_lots l
           LEFT JOIN product_variants v ON v.id = l.variant_id
           LEFT JOIN products p ON p.id = v.product_id
          WHERE l.producer_id IN ({})
          ORDER BY l.created_at DESC, l.lot_code",
        crate::db::placeholders(1, n)
    )
}

/// [`plots_of`]' statement for `n` producers.
fn plots_of_sql(n: usize) -> String {
    format!(
        "{PLOT_SELECT} WHERE pl.producer_id IN ({}) ORDER BY pr.name, pl.name",
        crate::db::placeholders(1, n)
    )
}

/// The module's statements built at run time, for one and two producers.
pub(crate) fn rendered_statements() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for n in [1, 2] {
        out.push((format!("lot_lines_sql({n})"), lot_lines_sql(n)));
        out.push((format!("plots_of_sql({n})"), plots_of_sql(n)));
    }
    out
}

async fn lot_lines(
    conn: &mut AnyConnection,
    producer_ids: &[&str],
    locale: Locale,
) -> Result<Vec<(Option<String>, LotLine)>, sqlx::Error> {
    if producer_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = lot_lines_sql(producer_ids.len());
    let mut q = sqlx::query_as::<_, LotRow>(&sql);
    for id in producer_ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(conn)
        .await?
        .into_iter()
        .map(|l| {
            let path = lot_address(&l.id, &l.lot_code, l.gtin.as_deref());
            let default_units = l.variant_vi.as_ref().and_then(|_| {
                crate::lot_sales::rules::default_units(
                    l.quantity_kg,
                    l.unit.as_deref().and_then(SaleUnit::parse),
                    l.net_weight_g,
                )
            });
            (
                l.plot_id,
                LotLine {
                    default_units,
                    units_left: l.units_left,
                    id: l.id,
                    code: l.lot_code,
                    status: l.status,
                    harvested_on: l.harvested_on.as_deref().and_then(parse_db_date),
                    // The reader's language, Vietnamese when the English name is empty.
                    variant: l.variant_vi.as_deref().map(|vi| {
                        locale
                            .pick(vi, l.variant_en.as_deref().unwrap_or(""))
                            .to_owned()
                    }),
                    path,
                },
            )
        })
        .collect())
}

/// The plots of these producers with their lots and PHI state, for the farm screen.
#[tracing::instrument(skip_all, fields(?producer_ids))]
pub async fn plots_of(
    db: &Db,
    producer_ids: &[&str],
    locale: Locale,
) -> Result<Vec<PlotSummary>, sqlx::Error> {
    if producer_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut conn = db.pool().acquire().await?;
    let sql = plots_of_sql(producer_ids.len());
    let mut q = sqlx::query_as::<_, PlotRow>(&sql);
    for id in producer_ids {
        q = q.bind(*id);
    }
    let plots = q.fetch_all(&mut *conn).await?;
    let mut lots = lot_lines(&mut conn, producer_ids, locale).await?;
    let mut out = Vec::with_capacity(plots.len());
    for p in plots {
        let rows = plot_entries(&mut conn, &p.id).await?;
        let (mine, rest): (Vec<_>, Vec<_>) = lots
            .into_iter()
            .partition(|(plot, _)| plot.as_deref() == Some(p.id.as_str()));
        lots = rest;
        out.push(PlotSummary {
            safe_from: phi_status(&rows, None).safe_from,
            entries: rows.len() as i64,
            id: p.id,
            name: p.name,
            crop: p.crop,
            producer_name: p.producer_name,
            lots: mine.into_iter().map(|(_, l)| l).collect(),
        });
    }
    Ok(out)
}

/// One plot's diary screen and the producer owning the plot.
#[tracing::instrument(skip_all, fields(plot_id = %plot_id))]
pub async fn plot_diary(
    db: &Db,
    plot_id: &str,
    locale: Locale,
) -> Result<Option<(String, PlotDiary)>, sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    let Some(p) = sqlx::query_as::<_, PlotRow>(PLOT_DIARY_SELECT_PLOT)
        .bind(plot_id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let rows = plot_entries(&mut conn, plot_id).await?;
    let lots: Vec<LotLine> = lot_lines(&mut conn, &[p.producer_id.as_str()], locale)
        .await?
        .into_iter()
        .filter(|(plot, _)| plot.as_deref() == Some(plot_id))
        .map(|(_, l)| l)
        .collect();
    let variants: Vec<(String, String)> = sqlx::query_as(PLOT_DIARY)
        .bind(&p.producer_id)
        .fetch_all(&mut *conn)
        .await?;
    let entries = timeline(&mut conn, &rows, &p.crop, locale).await?;
    let phi = phi_status(&rows, None);
    let chain: ChainView = chain_status(&rows).into();
    Ok(Some((
        p.producer_id.clone(),
        PlotDiary {
            plot: PlotSummary {
                id: p.id.clone(),
                name: p.name.clone(),
                crop: p.crop.clone(),
                producer_name: p.producer_name,
                lots,
                safe_from: phi.safe_from,
                entries: rows.len() as i64,
            },
            facts: PlotFacts {
                id: p.id,
                name: p.name,
                crop: p.crop,
                area_m2: p.area_m2,
                growing_area_code: p.growing_area_code,
                commune: CommuneRef {
                    slug: p.commune_slug,
                    name: p.commune_name,
                    kind: p.commune_kind,
                },
            },
            entries,
            phi,
            chain,
            variants,
        },
    )))
}

/// The producer and plot of a diary entry.
#[tracing::instrument(skip_all, fields(entry_id = %entry_id))]
pub async fn entry_owner(db: &Db, entry_id: &str) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(ENTRY_OWNER)
        .bind(entry_id)
        .fetch_optional(db.pool())
        .await
}

/// The photo of `entry_id` whose stored copy has this SHA-256, if it has one already, read
/// under the entry's plot lock (taken here, first in the caller's transaction): a photo sent
/// again (a phone resending its queue after a lost answer) is then stored once, even when two
/// copies arrive together.
pub async fn entry_photo_with_hash(
    tx: &mut Transaction<'_, Any>,
    entry_id: &str,
    sha256: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query(ENTRY_PHOTO_LOCK_PLOT)
        .bind(entry_id)
        .execute(&mut **tx)
        .await?;
    entry_photo_by_hash(tx, entry_id, sha256).await
}

/// [`entry_photo_with_hash`] without the lock: a first look, before the photo's files are
/// written, so a photo sent again costs no writes.
pub async fn entry_photo_by_hash(
    conn: &mut AnyConnection,
    entry_id: &str,
    sha256: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(ENTRY_PHOTO_WITH_HASH)
        .bind(entry_id)
        .bind(sha256)
        .fetch_optional(conn)
        .await
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
crate::db::statements! {
    /// `entry_photo_with_hash`: the plot row is written to lock it (see `db::locks`).
    ENTRY_PHOTO_LOCK_PLOT = "UPDATE plots SET id = id
        WHERE id = (SELECT plot_id FROM cultivation_log_entries WHERE id = $1)";
    /// `entry_photo_with_hash`.
    ENTRY_PHOTO_WITH_HASH = "SELECT p.id FROM cultivation_log_photos cp JOIN photos p ON p.id = cp.photo_id
        WHERE cp.entry_id = $1 AND p.sha256 = $2";
    /// `clear_changed_stamps`.
    CLEAR_CHANGED_STAMPS_SELECT_HARVEST_LOTS = "SELECT id, harvested_on, verified_by, verified_at FROM harvest_lots
        WHERE plot_id = $1 AND verified_at IS NOT NULL ORDER BY id";
    /// `clear_changed_stamps`.
    CLEAR_CHANGED_STAMPS_UPDATE_HARVEST_LOTS = "UPDATE harvest_lots
          SET cleared_verified_by = verified_by, cleared_verified_at = verified_at,
              verification_cleared_at = $1, verified_by = NULL, verified_at = NULL,
              updated_at = $1
        WHERE id = $2";
    /// `plot_entries`.
    PLOT_ENTRIES = "SELECT e.id, e.plot_id, e.lot_id, e.seq, e.kind, e.occurred_on, e.input_name,
              e.active_ingredient, e.target, e.dose, e.phi_days, e.quantity_kg, e.note,
              e.corrects_id, e.recorded_by, e.recorded_at, e.prev_hash, e.entry_hash,
              e.phi_source, e.register_status, e.register_unlisted, l.lot_code
         FROM cultivation_log_entries e
         LEFT JOIN harvest_lots l ON l.id = e.lot_id
        WHERE e.plot_id = $1
        ORDER BY e.seq";
    /// `create_plot`.
    CREATE_PLOT_SELECT_COMMUNES = "SELECT id FROM communes WHERE id = $1 AND status = 'active'";
    /// `create_plot`.
    CREATE_PLOT_SELECT_PLOTS = "SELECT id FROM plots WHERE producer_id = $1 AND name = $2";
    /// `create_plot`.
    CREATE_PLOT_INSERT_PLOTS = "INSERT INTO plots (id, producer_id, commune_id, name, crop, area_m2, growing_area_code,
                           created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)";
    /// `plot_owner`.
    PLOT_OWNER = "SELECT producer_id, commune_id FROM plots WHERE id = $1";
    /// `lot_owner`.
    LOT_OWNER = "SELECT l.producer_id, l.plot_id, pl.commune_id
         FROM harvest_lots l LEFT JOIN plots pl ON pl.id = l.plot_id
        WHERE l.id = $1";
    /// `create_lot`.
    CREATE_LOT_SELECT_PLOTS = "SELECT producer_id FROM plots WHERE id = $1";
    /// `create_lot`.
    CREATE_LOT_SELECT_PRODUCT_VARIANTS = "SELECT v.id FROM product_variants v JOIN products p ON p.id = v.product_id
        WHERE v.id = $1 AND p.producer_id = $2";
    /// `create_lot`.
    CREATE_LOT_SELECT_HARVEST_LOTS = "SELECT id FROM harvest_lots WHERE producer_id = $1 AND lot_code = $2";
    /// `create_lot`.
    CREATE_LOT_INSERT_HARVEST_LOTS = "INSERT INTO harvest_lots (id, producer_id, plot_id, variant_id, lot_code, grade, status,
                                  created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, 'growing', $7, $7)";
    /// `append_entry`.
    APPEND_ENTRY_SELECT_HARVEST_LOTS = "SELECT plot_id FROM harvest_lots WHERE id = $1";
    /// `append_entry`.
    APPEND_ENTRY_INSERT_CULTIVATION_LOG_ENTRIES = "INSERT INTO cultivation_log_entries (id, plot_id, lot_id, seq, kind, occurred_on,
            input_name, active_ingredient, target, dose, phi_days, quantity_kg, note, corrects_id,
            recorded_by, recorded_at, prev_hash, entry_hash, phi_source, register_status,
            register_unlisted, client_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                $19, $20, $21, $22)";
    /// `append_entry`: an entry sent again under its client id.
    APPEND_ENTRY_SELECT_CLIENT_ID = "SELECT id, seq, phi_days, phi_source FROM cultivation_log_entries
         WHERE plot_id = $1 AND client_id = $2";
    /// `append_entry`: the crop a spraying is read against the register for.
    APPEND_ENTRY_SELECT_PLOT_CROP = "SELECT crop FROM plots WHERE id = $1";
    /// `append_entry`.
    APPEND_ENTRY_UPDATE_HARVEST_LOTS = "UPDATE harvest_lots SET harvested_on = $1, quantity_kg = $2, updated_at = $3,
              status = CASE WHEN status = 'growing' THEN 'harvested' ELSE status END
        WHERE id = $4";
    /// `put_on_sale`: the lot's variant, locked before the lot is read.
    PUT_ON_SALE_SELECT_VARIANT = "SELECT variant_id FROM harvest_lots WHERE id = $1";
    /// `put_on_sale`.
    PUT_ON_SALE_SELECT_HARVEST_LOTS = "SELECT l.plot_id, l.harvested_on, l.status, l.variant_id, l.quantity_kg,
              v.unit, v.net_weight_g
         FROM harvest_lots l LEFT JOIN product_variants v ON v.id = l.variant_id
        WHERE l.id = $1";
    /// `put_on_sale`: only a harvested lot (not one sold out or recalled) goes on sale.
    PUT_ON_SALE_UPDATE_HARVEST_LOTS = "UPDATE harvest_lots SET status = 'on_sale', units_left = $1, updated_at = $2
        WHERE id = $3 AND status = 'harvested'";
    /// `put_on_sale`: the lot's units feed its variant's stock.
    PUT_ON_SALE_ADD_STOCK = "UPDATE product_variants SET stock = stock + $1, updated_at = $2 WHERE id = $3";
    /// `verify_lot`.
    VERIFY_LOT = "UPDATE harvest_lots SET verified_by = $1, verified_at = $2, updated_at = $2,
              cleared_verified_by = NULL, cleared_verified_at = NULL,
              verification_cleared_at = NULL,
              verified_chain_seq = (SELECT e.seq FROM cultivation_log_entries e
                  WHERE e.plot_id = harvest_lots.plot_id ORDER BY e.seq DESC LIMIT 1),
              verified_chain_head = (SELECT e.entry_hash FROM cultivation_log_entries e
                  WHERE e.plot_id = harvest_lots.plot_id ORDER BY e.seq DESC LIMIT 1)
        WHERE id = $3 AND status <> 'recalled'";
    /// `plot_diary`.
    PLOT_DIARY = "SELECT v.id, p.name_vi || ' – ' || v.label_vi
         FROM product_variants v JOIN products p ON p.id = v.product_id
        WHERE p.producer_id = $1 AND p.status <> 'archived' AND v.status = 'active'
        ORDER BY p.name_vi, v.position";
    /// `entry_owner`.
    ENTRY_OWNER = "SELECT pl.producer_id, pl.id FROM cultivation_log_entries e
         JOIN plots pl ON pl.id = e.plot_id
        WHERE e.id = $1";
    /// `plot_diary`.
    PLOT_DIARY_SELECT_PLOT = const_format::concatcp!(PLOT_SELECT, " WHERE pl.id = $1");
}
