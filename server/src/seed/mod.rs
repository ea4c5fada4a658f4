//! `ocop seed`: loads the demo province (today's Hưng Yên, two-tier since July 2025) with its
//! communes, producers, products, OCOP certificates, photos, orchards, lots and farm diaries.
//!
//! Every row is written through the application's own storage functions (the `*_in` cores an
//! administrator, a farmer, an officer or an import use), so the demo obeys the same checks:
//! only the province and the product groups, which nobody edits in the application, have their
//! INSERTs here. Idempotent: every row has an id derived from its natural key, a row already
//! there is left alone, all in one transaction. Running it again changes nothing, and never
//! overwrites what people have edited since.

pub mod data;
mod delivery;
mod diary;
pub mod photos;

use std::{
    collections::{BTreeMap, HashMap},
    fmt,
    sync::{Arc, Mutex},
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
        product::{ProducerKind, ProducerStatus, ProductStatus, SaleUnit},
        slug::Slug,
        time::{db_date, db_timestamp, parse_db_date},
    },
    officer::storage::commune_editor,
    officer::{
        rules::ocop::{Certificate, IssuingLevel, Stars},
        storage::certificates::{self, CertificateDbError},
    },
    seller::{
        rules::{ProductInput, VariantInput},
        storage as listings,
    },
    shop::rules::vietqr::BankAccount,
};
use chrono::{Days, NaiveDate, Utc};
use sha2::{Digest, Sha256};
use sqlx::{Any, Transaction, any::AnyArguments, query::Query};

use crate::photos::media::Media;
use crate::photos::store::{self as photo_store, PhotoRow, StoredCopy, Target};

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

/// Loads the demo province; photos are written to `media`.
pub async fn load_demo(db: &Db, media: &Media) -> anyhow::Result<SeedReport> {
    load_demo_with(db, media, &Painted::default()).await
}

/// Demo photos already painted, by what they are painted from. Painting is pure and takes
/// seconds, so a process that seeds many databases (the test suite) keeps one of these and
/// paints each photo once; `ocop seed` paints once anyway and keeps nothing.
#[derive(Default)]
pub struct Painted(Mutex<HashMap<String, Arc<Vec<photos::Rendition>>>>);

impl Painted {
    fn get(&self, key: &str) -> Option<Arc<Vec<photos::Rendition>>> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(key)
            .cloned()
    }

    fn keep(&self, key: String, renditions: Arc<Vec<photos::Rendition>>) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key, renditions);
    }
}

/// [`load_demo`], taking painted photos from `painted` and leaving the ones it paints there.
pub async fn load_demo_with(
    db: &Db,
    media: &Media,
    painted: &Painted,
) -> anyhow::Result<SeedReport> {
    let demo = data::demo().context("reading the demo data file")?;
    let photos = prepare_photos(db, &demo, media, painted).await?;
    let mut seed = Seeder {
        tx: db.begin_write().await?,
        report: SeedReport::default(),
        now: db_timestamp(Utc::now()),
        sellers: 0,
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
    media: &Media,
    painted: &Painted,
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
        let painting = format!("{}|{}|{seed}", product.motif, product.palette.join(","));
        let renditions = match painted.get(&painting) {
            Some(done) => done,
            None => {
                let done = Arc::new(
                    tokio::task::spawn_blocking(move || photos::render(motif, palette, seed))
                        .await??,
                );
                painted.keep(painting, done.clone());
                done
            }
        };

        let mut stored = Vec::new();
        let mut sha256 = String::new();
        for r in renditions.iter() {
            let key = crate::photos::store::key(&id, r.width);
            if let Some(webp) = crate::photos::store::webp_key(&key) {
                media
                    .put(&webp, r.webp.clone())
                    .await
                    .with_context(|| format!("writing {webp}"))?;
            }
            media
                .put(&key, r.jpeg.clone())
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
    /// Demo sellers given an identity in this run (their fictional tax codes' numbers).
    sellers: u32,
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
        self.operator().await?;
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
            let commune = admin_storage::NewCommune {
                id: &id,
                province_id,
                slug: slug.as_str(),
                name: &c.name,
                kind: &c.kind,
                story_vi: &c.story_vi,
                story_en: &c.story_en,
            };
            let added = admin_storage::insert_commune_in(&mut self.tx, &commune, &self.now)
                .await
                .with_context(|| format!("commune {}", c.name))?;
            self.count("communes", u64::from(added));
            for former in &c.former_names {
                // The names they had until the 2025 reform took effect on 1 July.
                let added = admin_storage::add_former_name_in(
                    &mut self.tx,
                    &id,
                    former,
                    &c.former_district,
                    "2025-06-30",
                )
                .await
                .with_context(|| format!("commune {}: former name", c.name))?;
                self.count("commune_former_names", u64::from(added));
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
            let producer = producers::NewProducer {
                id: &id,
                slug: slug.as_str(),
                name: &p.name,
                kind,
                commune_id,
                phone: Some(&phone),
                status: ProducerStatus::Active,
                applied_by: None,
                description_vi: &p.description_vi,
                description_en: &p.description_en,
            };
            let added = producers::insert_producer_in(&mut self.tx, &producer, &now)
                .await
                .with_context(|| format!("producer {}", p.key))?;
            self.count("producers", u64::from(added));
            if added {
                self.seller_identity(&id, kind, &p.name, commune_id, &phone)
                    .await
                    .with_context(|| format!("producer {}: legal identity", p.key))?;
            }
            let added = producers::add_owner_in(&mut self.tx, &id, &owner_id, &now)
                .await
                .with_context(|| format!("producer {}: owner", p.key))?;
            self.count("producer_members", u64::from(added));
            ids.producers.insert(p.key.clone(), (id, owner_id));
        }
        Ok(())
    }

    /// A demo seller's legal identity (fictional numbers, 09xxxxxxxx), checked, so its listings
    /// may be sent for review like a real approved producer's.
    async fn seller_identity(
        &mut self,
        producer_id: &str,
        kind: ProducerKind,
        name: &str,
        commune_id: &str,
        phone: &PhoneVn,
    ) -> anyhow::Result<()> {
        let (commune,): (String,) = sqlx::query_as(COMMUNE_NAME)
            .bind(commune_id)
            .fetch_one(&mut *self.tx)
            .await?;
        self.sellers += 1;
        let number = format!("09{:08}", self.sellers);
        let organisation = app::seller::identity::is_organisation(kind);
        let identity = app::seller::identity::SellerIdentity::parse(
            kind,
            name,
            &format!("Thôn Đông, {commune}, tỉnh Hưng Yên"),
            &phone.e164(),
            &number,
            if organisation { &number } else { "" },
        )
        .map_err(|e| anyhow!("{e:?}"))?;
        app::seller::identity_storage::write_in(&mut self.tx, producer_id, &identity, &self.now)
            .await?;
        sqlx::query(IDENTITY_CHECKED)
            .bind(&self.now)
            .bind(producer_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Who operates the demo marketplace (fictional), unless an administrator has said.
    async fn operator(&mut self) -> anyhow::Result<()> {
        let (set,): (i64,) = sqlx::query_as(OPERATOR_SET)
            .fetch_one(&mut *self.tx)
            .await?;
        if set > 0 {
            return Ok(());
        }
        let operator = app::legal::operator::Operator::parse([
            "Công ty TNHH Sàn Đặc sản OCOP Hưng Yên (dữ liệu mẫu)",
            "Số 1 đường Nguyễn Văn Linh, phường Hiến Nam, tỉnh Hưng Yên",
            "0221 3 868 686",
            "lienhe@ocop-hungyen.example",
            "0900000000 do Sở Tài chính tỉnh Hưng Yên cấp lần đầu ngày 01/07/2026 (mẫu)",
            "Nguyễn Văn An, Giám đốc",
            "",
            "",
        ])
        .map_err(|e| anyhow!("the demo operator: {e:?}"))?;
        app::legal::storage::write_in(&mut self.tx, &operator, &self.now).await?;
        self.count("site_settings", app::legal::operator::KEYS.len() as u64);
        Ok(())
    }

    /// Where demo bank transfers go (fictional accounts): the marketplace's account in the site
    /// settings, and the first producer's own account and by-weight delivery fee, so both
    /// kinds show in the demo.
    async fn payments(&mut self, producers: &[data::Producer], ids: &Ids) -> anyhow::Result<()> {
        let (set,): (i64,) = sqlx::query_as(BANK_ACCOUNT_SET)
            .fetch_one(&mut *self.tx)
            .await?;
        // An administrator's own account, saved since, stays.
        if set == 0 {
            let account = BankAccount::new("970436", "0011004123456", "SAN OCOP HUNG YEN")
                .map_err(|e| anyhow!("the demo bank account: {e:?}"))?;
            admin_storage::save_bank_account_in(&mut self.tx, &account, &self.now).await?;
            self.count("site_settings", 3);
        }
        // Producers have no page of their own for it yet (#23): the demo's is set here.
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
            .map_err(|e| anyhow!("product {}: GTIN: {e}", p.key))?;
        let now = self.now.clone();
        let input = ProductInput {
            name_vi: p.name_vi.clone(),
            name_en: p.name_en.clone(),
            group_code: p.group.clone(),
            description_vi: p.description_vi.clone(),
            description_en: p.description_en.clone(),
            gtin,
        };
        let product = listings::NewProduct {
            id: &id,
            slug: slug.as_str(),
            producer_id,
            input: &input,
            gi_name: p.gi.then_some("Nhãn lồng Hưng Yên"),
            status,
        };
        let added = listings::insert_product_in(&mut self.tx, &product, &now)
            .await
            .with_context(|| format!("product {}", p.key))?;
        self.count("products", u64::from(added));
        if p.fresh {
            app::returns::storage::mark_fresh_in(&mut self.tx, &id).await?;
        }

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
            let input = VariantInput {
                label_vi: v.label_vi.clone(),
                unit,
                net_weight_g: v.net_weight_g,
                price,
                // A grown product's first variant is stocked by its lot, put on sale in
                // `farms` with these units (as a farmer puts a harvest on sale).
                stock: if i == 0 && p.crop.is_some() {
                    0
                } else {
                    v.stock
                },
            };
            let variant_id = variant_id(&p.key, i);
            let variant = listings::NewVariant {
                id: &variant_id,
                product_id: &id,
                input: &input,
                label_en: &v.label_en,
            };
            let added = listings::insert_variant_in(&mut self.tx, &variant, &now)
                .await
                .with_context(|| format!("product {}: variant {}", p.key, v.label_vi))?;
            self.count("product_variants", u64::from(added));
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

        if p.signature
            && commune_editor::signature_in(&mut self.tx, commune_id)
                .await?
                .is_none()
        {
            // Chosen by the commune's demo officer, as an officer chooses one.
            let officer = ids
                .officers
                .get(&p.commune)
                .ok_or_else(|| anyhow!("product {}: no officer in {:?}", p.key, p.commune))?;
            commune_editor::set_signature_in(&mut self.tx, commune_id, &id, officer, &now)
                .await
                .with_context(|| format!("product {}: signature", p.key))?;
            self.count("commune_signature_products", 1);
        }

        if let Some(photo) = photo {
            let main = photo
                .renditions
                .iter()
                .find(|(w, ..)| *w == photos::WIDTH)
                .ok_or_else(|| anyhow!("product {}: no full-width photo", p.key))?;
            let copy = |(width, height, _, byte_size): &(u32, u32, String, i64)| StoredCopy {
                width: *width,
                height: *height,
                byte_size: *byte_size,
            };
            let row = PhotoRow {
                id: &photo.id,
                main: copy(main),
                sha256: &photo.sha256,
                alt_vi: &p.name_vi,
                alt_en: &p.name_en,
                uploaded_by: None,
                copies: photo.renditions.iter().map(copy).collect(),
            };
            if photo_store::record_in(&mut self.tx, &row, &now).await? {
                photo_store::link_in(&mut self.tx, Target::Product(&id), &photo.id).await?;
                self.count("photos", 1);
                self.count("photo_derivatives", photo.renditions.len() as u64);
                self.count("product_photos", 1);
            }
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
                let units = product.variants.first().map(|v| v.stock);
                lots.push((lot_id, officer, units));
            }
            entries.sort_by_key(|(e, _, _)| e.on);
            self.diary(&plot_id, &plot_key, owner_id, &entries).await?;
            for (lot_id, officer, units) in lots {
                db_diary::put_on_sale_in(&mut self.tx, &lot_id, units, &now)
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
                // The shipped register: a demo spraying is read as a producer's would be.
                register: app::diary::register::Register::embedded()?,
                client_id: None,
                task_id: None,
            };
            let written = db_diary::append_in(&mut self.tx, at, &draft)
                .await
                .with_context(|| format!("demo plot {plot_key}, entry {seq}"))?
                .seq;
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
    /// `payments`.
    PAYMENTS_UPDATE_PRODUCERS = "UPDATE producers SET bank_bin = '970416', bank_account_no = '1020304050',
           bank_account_name = 'TAI KHOAN DEMO'
        WHERE id = $1 AND bank_bin IS NULL";
    /// `payments`: the marketplace's bank account is saved.
    BANK_ACCOUNT_SET = "SELECT COUNT(*) FROM site_settings WHERE key = 'bank_account_no'";
    /// `operator`: the operator's details are saved.
    OPERATOR_SET = "SELECT COUNT(*) FROM site_settings WHERE key = 'operator_name'";
    /// `seller_identity`.
    COMMUNE_NAME = "SELECT name FROM communes WHERE id = $1";
    /// `seller_identity`: the demo's identities count as checked.
    IDENTITY_CHECKED = "UPDATE producers SET identity_checked_at = $1 WHERE id = $2";
}
