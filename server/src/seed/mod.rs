//! `ocop seed`: loads the demo province (today's Hưng Yên, two-tier since July 2025) with its
//! communes, producers, products, OCOP certificates, photos, orchards, lots and farm diaries.
//!
//! Idempotent: every row has an id derived from its natural key and is inserted with
//! `ON CONFLICT DO NOTHING`, in one transaction. Running it again changes nothing, and never
//! overwrites what people have edited since.

pub mod data;
mod delivery;
mod diary;
pub mod photos;

use std::{
    collections::{BTreeMap, HashMap},
    fmt,
    path::Path,
};

use anyhow::{Context, anyhow, bail, ensure};
use app::domain::hex::hex;
use app::{
    admin::storage as admin_storage,
    auth::{login::LoginId, producers, storage as accounts},
    db::{
        Db,
        audit::{self, AuditEntry},
        ids::stable_id,
    },
    diary::{
        gs1::LotCode,
        rules::EntryDraft,
        storage::{self as db_diary, PlotInput},
    },
    domain::{
        money::Vnd,
        phone::PhoneVn,
        product::{ProducerKind, ProductStatus, SaleUnit},
        slug::Slug,
        time::{db_date, db_timestamp, parse_db_date},
    },
    officer::{
        rules::ocop::{Certificate, IssuingLevel, Stars},
        storage::certificates::{self, CertificateDbError},
    },
};
use chrono::{Days, NaiveDate, Utc};
use sha2::{Digest, Sha256};
use sqlx::{Any, Transaction, any::AnyArguments, query::Query};

/// How many rows of each table one run inserted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SeedReport {
    pub inserted: BTreeMap<&'static str, u64>,
}

impl SeedReport {
    pub fn total(&self) -> u64 {
        self.inserted.values().sum()
    }
}

impl fmt::Display for SeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.total() == 0 {
            return f.write_str("demo data already present: nothing inserted");
        }
        let parts: Vec<String> = self
            .inserted
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(t, n)| format!("{t} {n}"))
            .collect();
        write!(f, "inserted: {}", parts.join(", "))
    }
}

/// True when no province has been loaded: the serve command then loads the demo.
pub async fn is_empty(db: &Db) -> Result<bool, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(COUNT_PROVINCES).fetch_one(db.pool()).await?;
    Ok(n == 0)
}

/// Loads the demo province; photos are written under `media_dir`.
pub async fn load_demo(db: &Db, media_dir: &Path) -> anyhow::Result<SeedReport> {
    let demo = data::demo().context("reading the demo data file")?;
    let photos = prepare_photos(db, &demo, media_dir).await?;
    let mut seed = Seeder {
        tx: db.begin_write().await?,
        report: SeedReport::default(),
        now: db_timestamp(Utc::now()),
    };
    seed.all(&demo, &photos).await?;
    let Seeder { mut tx, report, .. } = seed;
    // The search index picks the demo products up from its queue.
    let ids: Vec<(String,)> = sqlx::query_as(ALL_PRODUCT_IDS).fetch_all(&mut *tx).await?;
    let ids: Vec<&str> = ids.iter().map(|(id,)| id.as_str()).collect();
    app::search::sync::queue(&mut tx, &ids).await?;
    tx.commit().await.context("committing the demo data")?;
    // The demo communes point at their national units, whose search words learn their former
    // names ("Đông Tảo" finds Hoàn Long at checkout).
    app::address::storage::link_marketplace_units(db)
        .await
        .context("linking the demo communes to the national list")?;
    delivery::settings(db, &demo)
        .await
        .context("the demo producers' delivery settings")?;
    Ok(report)
}

/// A product photo ready to be recorded: its files are already on disk.
struct PreparedPhoto {
    id: String,
    renditions: Vec<(u32, u32, String, i64)>,
    sha256: String,
}

/// Paints and stores the photos that are not yet in the database (painting is CPU work, so it
/// runs off the async workers).
async fn prepare_photos(
    db: &Db,
    demo: &data::DemoData,
    media_dir: &Path,
) -> anyhow::Result<HashMap<String, PreparedPhoto>> {
    let mut out = HashMap::new();
    for product in &demo.products {
        let id = stable_id("photo", &product.key);
        let (exists,): (i64,) = sqlx::query_as(PHOTO_EXISTS)
            .bind(&id)
            .fetch_one(db.pool())
            .await?;
        if exists > 0 {
            continue;
        }
        let motif = photos::Motif::parse(&product.motif).ok_or_else(|| {
            anyhow!(
                "product {}: unknown photo motif {:?}",
                product.key,
                product.motif
            )
        })?;
        let colour = |i: usize| {
            photos::parse_colour(&product.palette[i]).ok_or_else(|| {
                anyhow!(
                    "product {}: colour {:?} is not #rrggbb",
                    product.key,
                    product.palette[i]
                )
            })
        };
        let palette = photos::Palette {
            background: colour(0)?,
            main: colour(1)?,
            accent: colour(2)?,
        };
        let seed = u64::from_le_bytes(Sha256::digest(product.key.as_bytes())[..8].try_into()?);
        let renditions =
            tokio::task::spawn_blocking(move || photos::render(motif, palette, seed)).await??;

        let dir = media_dir.join("photos").join(&id);
        tokio::fs::create_dir_all(&dir)
            .await
            .with_context(|| format!("creating {}", dir.display()))?;
        let mut stored = Vec::new();
        let mut sha256 = String::new();
        for r in &renditions {
            let key = format!("photos/{id}/{}.jpg", r.width);
            tokio::fs::write(media_dir.join(&key), &r.jpeg)
                .await
                .with_context(|| format!("writing {key}"))?;
            if r.width == photos::WIDTH {
                sha256 = hex(&Sha256::digest(&r.jpeg));
            }
            stored.push((r.width, r.height, key, r.jpeg.len() as i64));
        }
        out.insert(
            product.key.clone(),
            PreparedPhoto {
                id,
                renditions: stored,
                sha256,
            },
        );
    }
    Ok(out)
}

struct Seeder<'c> {
    tx: Transaction<'c, Any>,
    report: SeedReport,
    now: String,
}

/// The ids the rows of one run refer to each other by.
#[derive(Default)]
struct Ids {
    communes: HashMap<String, (String, Slug)>,
    producers: HashMap<String, (String, String)>,
    officers: HashMap<String, String>,
}

impl Seeder<'_> {
    async fn insert<'q>(
        &mut self,
        table: &'static str,
        q: Query<'q, Any, AnyArguments<'q>>,
    ) -> anyhow::Result<()> {
        let done = q
            .execute(&mut *self.tx)
            .await
            .with_context(|| format!("inserting into {table}"))?;
        *self.report.inserted.entry(table).or_default() += done.rows_affected();
        Ok(())
    }

    async fn all(
        &mut self,
        demo: &data::DemoData,
        photos: &HashMap<String, PreparedPhoto>,
    ) -> anyhow::Result<()> {
        let province_id = self.province(&demo.province).await?;
        self.product_groups(&demo.product_groups).await?;
        let mut ids = Ids::default();
        self.communes(&province_id, &demo.communes, &mut ids)
            .await?;
        self.producers(&demo.producers, &mut ids).await?;
        self.officers(demo, &mut ids).await?;
        for product in &demo.products {
            self.product(product, &ids, photos.get(&product.key))
                .await?;
        }
        self.farms(demo, &ids).await?;
        self.payments(&demo.producers, &ids).await?;
        if self.report.total() > 0 {
            let details = serde_json::to_value(&self.report.inserted)?;
            audit::record(
                &mut self.tx,
                AuditEntry {
                    actor_user_id: None,
                    action: "seed.demo",
                    subject_type: "province",
                    subject_id: &province_id,
                    details,
                    ip: None,
                },
            )
            .await
            .context("inserting into audit_log")?;
            self.count("audit_log", 1);
        }
        Ok(())
    }

    async fn province(&mut self, p: &data::Province) -> anyhow::Result<String> {
        let slug = Slug::parse(&p.slug).map_err(|e| anyhow!("province slug {:?}: {e}", p.slug))?;
        let id = stable_id("province", slug.as_str());
        let now = self.now.clone();
        self.insert(
            "provinces",
            sqlx::query(INSERT_PROVINCE)
                .bind(id.clone())
                .bind(slug.to_string())
                .bind(p.name.clone())
                .bind(p.tagline_vi.clone())
                .bind(p.tagline_en.clone())
                .bind(p.story_vi.clone())
                .bind(p.story_en.clone())
                .bind(now),
        )
        .await?;
        Ok(id)
    }

    async fn product_groups(&mut self, groups: &[data::ProductGroup]) -> anyhow::Result<()> {
        for (i, g) in groups.iter().enumerate() {
            self.insert(
                "product_groups",
                sqlx::query(INSERT_PRODUCT_GROUP)
                    .bind(g.code.clone())
                    .bind(g.name_vi.clone())
                    .bind(g.name_en.clone())
                    .bind(i as i64),
            )
            .await?;
        }
        Ok(())
    }

    async fn communes(
        &mut self,
        province_id: &str,
        communes: &[data::Commune],
        ids: &mut Ids,
    ) -> anyhow::Result<()> {
        for c in communes {
            ensure!(
                matches!(c.kind.as_str(), "xa" | "phuong" | "dac_khu"),
                "commune {}: unknown kind {:?}",
                c.name,
                c.kind
            );
            let slug =
                Slug::from_text(&c.name).map_err(|e| anyhow!("commune {:?}: {e}", c.name))?;
            if ids.communes.values().any(|(_, s)| *s == slug) {
                bail!("two communes fold to the same slug {slug}");
            }
            let id = stable_id("commune", slug.as_str());
            let now = self.now.clone();
            self.insert(
                "communes",
                sqlx::query(COMMUNES_INSERT_COMMUNES)
                    .bind(id.clone())
                    .bind(province_id.to_owned())
                    .bind(slug.to_string())
                    .bind(c.name.clone())
                    .bind(c.kind.clone())
                    .bind(c.story_vi.clone())
                    .bind(c.story_en.clone())
                    .bind(now),
            )
            .await?;
            for former in &c.former_names {
                self.insert(
                    "commune_former_names",
                    sqlx::query(COMMUNES_INSERT_COMMUNE_FORMER_NAMES)
                        .bind(id.clone())
                        .bind(former.clone())
                        .bind(c.former_district.clone()),
                )
                .await?;
            }
            ids.communes.insert(c.name.clone(), (id, slug));
        }
        Ok(())
    }

    async fn producers(
        &mut self,
        producers: &[data::Producer],
        ids: &mut Ids,
    ) -> anyhow::Result<()> {
        for p in producers {
            let slug = Slug::parse(&p.key).map_err(|e| anyhow!("producer key {:?}: {e}", p.key))?;
            let kind = ProducerKind::parse(&p.kind)
                .ok_or_else(|| anyhow!("producer {}: unknown kind {:?}", p.key, p.kind))?;
            let phone = PhoneVn::parse(&p.phone)
                .map_err(|e| anyhow!("producer {}: phone {:?}: {e}", p.key, p.phone))?;
            let (commune_id, _) = ids
                .communes
                .get(&p.commune)
                .ok_or_else(|| anyhow!("producer {}: unknown commune {:?}", p.key, p.commune))?;
            let id = stable_id("producer", slug.as_str());
            let owner_id = stable_id("user", &phone.e164());
            let now = self.now.clone();
            let login = LoginId::Phone(phone.clone());
            let added = accounts::insert_user(&mut self.tx, &owner_id, &login, &p.name, None, &now)
                .await
                .with_context(|| format!("producer {}: owner's account", p.key))?;
            self.count("users", u64::from(added));
            self.insert(
                "producers",
                sqlx::query(PRODUCERS_INSERT_PRODUCERS)
                    .bind(id.clone())
                    .bind(slug.to_string())
                    .bind(p.name.clone())
                    .bind(kind.as_str())
                    .bind(commune_id.clone())
                    .bind(phone.e164())
                    .bind(p.description_vi.clone())
                    .bind(p.description_en.clone())
                    .bind(now.clone()),
            )
            .await?;
            let added = producers::add_owner_in(&mut self.tx, &id, &owner_id, &now)
                .await
                .with_context(|| format!("producer {}: owner", p.key))?;
            self.count("producer_members", u64::from(added));
            ids.producers.insert(p.key.clone(), (id, owner_id));
        }
        Ok(())
    }

    /// Where demo bank transfers go (fictional accounts): the marketplace's account in the site
    /// settings, and the first producer's own account and by-weight delivery fee, so both
    /// kinds show in the demo.
    async fn payments(&mut self, producers: &[data::Producer], ids: &Ids) -> anyhow::Result<()> {
        let now = self.now.clone();
        for (key, value) in [
            ("bank_bin", "970436"),
            ("bank_account_no", "0011004123456"),
            ("bank_account_name", "SAN OCOP HUNG YEN"),
        ] {
            self.insert(
                "site_settings",
                sqlx::query(PAYMENTS_INSERT_SITE_SETTINGS)
                    .bind(key)
                    .bind(value)
                    .bind(now.clone()),
            )
            .await?;
        }
        if let Some((id, _)) = producers.first().and_then(|p| ids.producers.get(&p.key)) {
            self.insert(
                "producer_payment_settings",
                sqlx::query(PAYMENTS_UPDATE_PRODUCERS).bind(id.clone()),
            )
            .await?;
        }
        Ok(())
    }

    /// One demo officer for each commune that has products.
    async fn officers(&mut self, demo: &data::DemoData, ids: &mut Ids) -> anyhow::Result<()> {
        for product in &demo.products {
            if ids.officers.contains_key(&product.commune) {
                continue;
            }
            let (commune_id, slug) = ids
                .communes
                .get(&product.commune)
                .ok_or_else(|| {
                    anyhow!(
                        "product {}: unknown commune {:?}",
                        product.key,
                        product.commune
                    )
                })?
                .clone();
            let email = format!("can-bo.{slug}@hung-yen.ocop.example");
            let user_id = stable_id("user", &email);
            let now = self.now.clone();
            let name = format!("Cán bộ OCOP {}", product.commune);
            let login = LoginId::Email(email);
            let added = accounts::insert_user(&mut self.tx, &user_id, &login, &name, None, &now)
                .await
                .with_context(|| format!("officer of {}", product.commune))?;
            self.count("users", u64::from(added));
            let added = admin_storage::add_officer_in(&mut self.tx, &user_id, &commune_id, &now)
                .await
                .with_context(|| format!("officer of {}", product.commune))?;
            self.count("commune_officers", u64::from(added));
            ids.officers.insert(product.commune.clone(), user_id);
        }
        Ok(())
    }

    async fn product(
        &mut self,
        p: &data::Product,
        ids: &Ids,
        photo: Option<&PreparedPhoto>,
    ) -> anyhow::Result<()> {
        let slug = Slug::parse(&p.key).map_err(|e| anyhow!("product key {:?}: {e}", p.key))?;
        let status = match &p.status {
            Some(s) => ProductStatus::parse(s)
                .ok_or_else(|| anyhow!("product {}: unknown status {s:?}", p.key))?,
            None => ProductStatus::Approved,
        };
        let (producer_id, _) = ids
            .producers
            .get(&p.producer)
            .ok_or_else(|| anyhow!("product {}: unknown producer {:?}", p.key, p.producer))?;
        let (commune_id, _) = ids
            .communes
            .get(&p.commune)
            .ok_or_else(|| anyhow!("product {}: unknown commune {:?}", p.key, p.commune))?;
        let id = stable_id("product", slug.as_str());
        let gtin = p
            .gtin
            .as_deref()
            .map(app::diary::gs1::Gtin::parse)
            .transpose()
            .map_err(|e| anyhow!("product {}: GTIN: {e}", p.key))?
            .map(String::from);
        let now = self.now.clone();
        let approved_at = (status == ProductStatus::Approved).then(|| now.clone());
        self.insert(
            "products",
            sqlx::query(PRODUCT_INSERT_PRODUCTS)
                .bind(id.clone())
                .bind(slug.to_string())
                .bind(producer_id.clone())
                .bind(commune_id.clone())
                .bind(p.group.clone())
                .bind(p.name_vi.clone())
                .bind(p.name_en.clone())
                .bind(p.description_vi.clone())
                .bind(p.description_en.clone())
                .bind(gtin)
                .bind(p.gi.then(|| "Nhãn lồng Hưng Yên".to_owned()))
                .bind(status.as_str())
                .bind(now.clone())
                .bind(approved_at),
        )
        .await?;

        ensure!(!p.variants.is_empty(), "product {} has no variants", p.key);
        for (i, v) in p.variants.iter().enumerate() {
            let unit = SaleUnit::parse(&v.unit)
                .ok_or_else(|| anyhow!("product {}: unknown unit {:?}", p.key, v.unit))?;
            let price =
                Vnd::new(v.price_vnd).map_err(|e| anyhow!("product {}: price: {e}", p.key))?;
            ensure!(
                v.net_weight_g.is_none_or(|g| g > 0),
                "product {}: net weight must be positive or absent",
                p.key
            );
            ensure!(v.stock >= 0, "product {}: stock cannot be negative", p.key);
            self.insert(
                "product_variants",
                sqlx::query(PRODUCT_INSERT_PRODUCT_VARIANTS)
                    .bind(variant_id(&p.key, i))
                    .bind(id.clone())
                    .bind(v.label_vi.clone())
                    .bind(v.label_en.clone())
                    .bind(unit.as_str())
                    .bind(v.net_weight_g)
                    .bind(price.dong())
                    .bind(v.stock)
                    .bind(i as i64)
                    .bind(now.clone()),
            )
            .await?;
        }

        if let Some(o) = &p.ocop {
            let stars = Stars::new(o.stars).map_err(|e| anyhow!("product {}: {e}", p.key))?;
            let level = IssuingLevel::parse(&o.level)
                .ok_or_else(|| anyhow!("product {}: unknown level {:?}", p.key, o.level))?;
            let issued = parse_db_date(&o.issued_on)
                .ok_or_else(|| anyhow!("product {}: bad date {:?}", p.key, o.issued_on))?;
            let cert = Certificate::new(stars, level, &o.decision_no, issued, None)
                .map_err(|e| anyhow!("product {}: {e}", p.key))?;
            let cert_id = stable_id(
                "ocop_certificate",
                &format!("{}/{}", p.key, cert.decision_no()),
            );
            match certificates::insert(&mut self.tx, &cert_id, &id, &cert, None, &now).await {
                Ok(()) => self.count("ocop_certificates", 1),
                // Seeded by an earlier run (or recorded since by an officer): left as it is.
                Err(CertificateDbError::DecisionTaken) => {}
                Err(e) => {
                    return Err(e).with_context(|| format!("product {}: certificate", p.key));
                }
            }
        }

        if p.signature {
            self.insert(
                "commune_signature_products",
                sqlx::query(PRODUCT_INSERT_COMMUNE_SIGNATURE_PRODUCTS)
                    .bind(commune_id.clone())
                    .bind(id.clone())
                    .bind(now.clone()),
            )
            .await?;
        }

        if let Some(photo) = photo {
            let (_, _, key, size) = photo
                .renditions
                .last()
                .ok_or_else(|| anyhow!("photo without renditions"))?
                .clone();
            self.insert(
                "photos",
                sqlx::query(PRODUCT_INSERT_PHOTOS)
                    .bind(photo.id.clone())
                    .bind(key)
                    .bind(i64::from(photos::WIDTH))
                    .bind(i64::from(photos::HEIGHT))
                    .bind(size)
                    .bind(photo.sha256.clone())
                    .bind(p.name_vi.clone())
                    .bind(p.name_en.clone())
                    .bind(now.clone()),
            )
            .await?;
            for (w, h, key, size) in &photo.renditions {
                self.insert(
                    "photo_derivatives",
                    sqlx::query(PRODUCT_INSERT_PHOTO_DERIVATIVES)
                        .bind(photo.id.clone())
                        .bind(i64::from(*w))
                        .bind(i64::from(*h))
                        .bind(key.clone())
                        .bind(*size),
                )
                .await?;
            }
            self.insert(
                "product_photos",
                sqlx::query(PRODUCT_INSERT_PRODUCT_PHOTOS)
                    .bind(id)
                    .bind(photo.id.clone()),
            )
            .await?;
        }
        Ok(())
    }

    /// Orchards and fields for every grown product, with this season's lot and diary, written
    /// as a producer writes them: through the diary's storage, pre-harvest gate included.
    async fn farms(&mut self, demo: &data::DemoData, ids: &Ids) -> anyhow::Result<()> {
        // Products of one producer and crop share a plot (fresh and dried longan, say).
        let mut plots: BTreeMap<(String, String), Vec<&data::Product>> = BTreeMap::new();
        for p in demo.products.iter().filter(|p| p.crop.is_some()) {
            let crop = p.crop.clone().unwrap_or_default();
            plots.entry((p.producer.clone(), crop)).or_default().push(p);
        }
        for ((producer_key, crop), products) in plots {
            let (producer_id, owner_id) = &ids.producers[&producer_key];
            let first = products[0];
            let (commune_id, _) = &ids.communes[&first.commune];
            let plot_key = format!("{producer_key}/{crop}");
            let plot_id = stable_id("plot", &plot_key);
            // A plot is written with its lots and diary in this one transaction: when it is
            // there, so is the rest, and what its producer added since is left alone.
            let (exists,): (i64,) = sqlx::query_as(PLOT_EXISTS)
                .bind(&plot_id)
                .fetch_one(&mut *self.tx)
                .await?;
            if exists > 0 {
                continue;
            }
            let now = self.now.clone();
            let name = format!("Vườn {} số 1", diary::crop_name_vi(&crop));
            let plot = PlotInput {
                name: &name,
                commune_id,
                crop: &crop,
                area_m2: Some(4_000 + 1_500 * products.len() as i64),
                growing_area_code: None,
            };
            db_diary::insert_plot(&mut self.tx, &plot_id, producer_id, &plot, &now)
                .await
                .with_context(|| format!("demo plot {plot_key}"))?;
            self.count("plots", 1);

            let harvest_on = diary::harvest_day(&crop);
            let mut entries: Vec<(diary::Entry, Option<String>, Option<i64>)> =
                diary::season(&crop)
                    .into_iter()
                    .map(|e| (e, None, None))
                    .collect();
            let mut lots = Vec::new();
            for product in &products {
                let lot_id = stable_id("lot", &product.key);
                let quantity_kg = 1_200;
                let code = LotCode::parse(&lot_code(&product.key, harvest_on))
                    .map_err(|e| anyhow!("product {}: lot code: {e}", product.key))?;
                db_diary::insert_lot(
                    &mut self.tx,
                    &lot_id,
                    &plot_id,
                    &code,
                    Some(&variant_id(&product.key, 0)),
                    Some("Loại 1"),
                    &now,
                )
                .await
                .with_context(|| format!("demo lot of {}", product.key))?;
                self.count("harvest_lots", 1);
                let officer = product
                    .signature
                    .then(|| ids.officers.get(&product.commune).cloned())
                    .flatten();
                entries.push((
                    diary::harvest(harvest_on),
                    Some(lot_id.clone()),
                    Some(quantity_kg),
                ));
                entries.push((
                    diary::packing(harvest_on + Days::new(1)),
                    Some(lot_id.clone()),
                    None,
                ));
                lots.push((lot_id, officer));
            }
            entries.sort_by_key(|(e, _, _)| e.on);
            self.diary(&plot_id, &plot_key, owner_id, &entries).await?;
            for (lot_id, officer) in lots {
                db_diary::put_on_sale_in(&mut self.tx, &lot_id, &now)
                    .await
                    .with_context(|| format!("demo plot {plot_key}: lot {lot_id} on sale"))?;
                if let Some(officer) = officer {
                    // Stamped three days after the harvest, at 9:00 Vietnam time.
                    let verified_at =
                        format!("{}T02:00:00.000Z", db_date(harvest_on + Days::new(3)));
                    db_diary::verify_in(&mut self.tx, &officer, &lot_id, &verified_at).await?;
                }
            }
        }
        Ok(())
    }

    /// Appends a plot's season through the diary's own append, so a demo harvest inside a
    /// spraying's pre-harvest interval is refused exactly as a producer's would be.
    async fn diary(
        &mut self,
        plot_id: &str,
        plot_key: &str,
        recorded_by: &str,
        entries: &[(diary::Entry, Option<String>, Option<i64>)],
    ) -> anyhow::Result<()> {
        for (i, (e, lot_id, quantity_kg)) in entries.iter().enumerate() {
            let seq = i as i64 + 1;
            let id = stable_id("log", &format!("{plot_key}/{seq}"));
            // Recorded at 10:00 Vietnam time on the day: fixed, so the chain is the same every run.
            let recorded_at = format!("{}T03:00:00.000Z", db_date(e.on));
            let draft =
                EntryDraft {
                    kind: Some(e.kind),
                    occurred_on: Some(e.on),
                    lot_id: lot_id.clone(),
                    input_name: e.input_name.map(str::to_owned),
                    active_ingredient: e.active_ingredient.map(str::to_owned),
                    target: e.target.map(str::to_owned),
                    dose: e.dose.map(str::to_owned),
                    phi_days: e.phi_days.map(u32::try_from).transpose().map_err(|_| {
                        anyhow!("demo plot {plot_key}: negative pre-harvest interval")
                    })?,
                    quantity_kg: *quantity_kg,
                    note: e.note.to_owned(),
                    corrects_id: None,
                };
            let at = db_diary::Appended {
                id: &id,
                user_id: recorded_by,
                plot_id,
                today: e.on,
                now: &recorded_at,
                ip: None,
            };
            let written = db_diary::append_in(&mut self.tx, at, &draft)
                .await
                .with_context(|| format!("demo plot {plot_key}, entry {seq}"))?;
            ensure!(
                written == seq,
                "demo plot {plot_key}: entry {seq} written as {written}"
            );
            self.count("cultivation_log_entries", 1);
        }
        Ok(())
    }

    /// Rows written through a storage function, which reports no count of its own.
    fn count(&mut self, table: &'static str, n: u64) {
        *self.report.inserted.entry(table).or_default() += n;
    }
}

fn variant_id(product_key: &str, index: usize) -> String {
    stable_id("variant", &format!("{product_key}/{index}"))
}

/// `NLHY-20260720`: the initials of the product and the harvest day.
fn lot_code(product_key: &str, harvested_on: NaiveDate) -> String {
    let initials: String = product_key
        .split('-')
        .filter_map(|w| w.chars().next())
        .collect::<String>()
        .to_uppercase();
    format!("{initials}-{}", harvested_on.format("%Y%m%d"))
}

// The module's SQL, each statement prepared on both engines by the `sql` integration test.
app::sql_statements! {
    /// `farms`: a plot seeded by an earlier run.
    PLOT_EXISTS = "SELECT COUNT(*) FROM plots WHERE id = $1";
    /// `is_empty`.
    COUNT_PROVINCES = "SELECT COUNT(*) FROM provinces";
    /// `load_demo`.
    ALL_PRODUCT_IDS = "SELECT id FROM products";
    /// `prepare_photos`.
    PHOTO_EXISTS = "SELECT COUNT(*) FROM photos WHERE id = $1";
    /// `province`.
    INSERT_PROVINCE = "INSERT INTO provinces (id, slug, name, tagline_vi, tagline_en, story_vi, story_en, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT DO NOTHING";
    /// `product_groups`.
    INSERT_PRODUCT_GROUP = "INSERT INTO product_groups (code, scheme, name_vi, name_en, position)
        VALUES ($1, '919/QĐ-TTg (2022)', $2, $3, $4) ON CONFLICT DO NOTHING";
    /// `communes`.
    COMMUNES_INSERT_COMMUNES = "INSERT INTO communes (id, province_id, slug, name, kind, story_vi, story_en, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT DO NOTHING";
    /// `communes`.
    COMMUNES_INSERT_COMMUNE_FORMER_NAMES = "INSERT INTO commune_former_names (commune_id, name, former_district, until_date)
        VALUES ($1, $2, $3, '2025-06-30') ON CONFLICT DO NOTHING";
    /// `producers`.
    PRODUCERS_INSERT_PRODUCERS = "INSERT INTO producers (id, slug, name, kind, commune_id, phone, description_vi, description_en,
                               status, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $9) ON CONFLICT DO NOTHING";
    /// `payments`.
    PAYMENTS_INSERT_SITE_SETTINGS = "INSERT INTO site_settings (key, value, updated_at) VALUES ($1, $2, $3)
        ON CONFLICT DO NOTHING";
    /// `payments`.
    PAYMENTS_UPDATE_PRODUCERS = "UPDATE producers SET bank_bin = '970416', bank_account_no = '1020304050',
           bank_account_name = 'TAI KHOAN DEMO', shipping_mode = 'weight',
           shipping_base_vnd = 20000, shipping_per_kg_vnd = 5000
        WHERE id = $1 AND bank_bin IS NULL";
    /// `product`.
    PRODUCT_INSERT_PRODUCTS = "INSERT INTO products (id, slug, producer_id, commune_id, group_code, name_vi, name_en,
                              description_vi, description_en, gtin, gi_name, status,
                              created_at, updated_at, approved_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14) ON CONFLICT DO NOTHING";
    /// `product`.
    PRODUCT_INSERT_PRODUCT_VARIANTS = "INSERT INTO product_variants (id, product_id, label_vi, label_en, unit, net_weight_g, price_vnd,
                                      stock, position, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) ON CONFLICT DO NOTHING";
    /// `product`.
    PRODUCT_INSERT_COMMUNE_SIGNATURE_PRODUCTS = "INSERT INTO commune_signature_products (commune_id, product_id, set_at) VALUES ($1, $2, $3)
        ON CONFLICT DO NOTHING";
    /// `product`.
    PRODUCT_INSERT_PHOTOS = "INSERT INTO photos (id, storage_key, content_type, width, height, byte_size, sha256, alt_vi, alt_en, created_at)
        VALUES ($1, $2, 'image/jpeg', $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING";
    /// `product`.
    PRODUCT_INSERT_PHOTO_DERIVATIVES = "INSERT INTO photo_derivatives (photo_id, width, height, storage_key, content_type, byte_size)
        VALUES ($1, $2, $3, $4, 'image/jpeg', $5) ON CONFLICT DO NOTHING";
    /// `product`.
    PRODUCT_INSERT_PRODUCT_PHOTOS = "INSERT INTO product_photos (product_id, photo_id, position) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING";
}
