//! The producer's shop forms (`/ban-hang/...`): create and edit listings and variants, publish
//! for review, archive, photos (upload several at once, reorder, delete, alt text), the commune
//! officer's decision on a listing, and the sales CSV. Every handler checks the policy against
//! the listing's producer, then redirects back with `?ok=1` or the query of a [`ListingRefusal`]
//! (which the page reads back into the same type).

use app::{
    auth::{Action, Actor, Denied},
    seller::{
        form::ListingRefusal,
        rules::{ListingAction, product_input, variant_input},
        sales_page::season,
        sales_storage,
        storage::{self, ListingDbError, Saved},
    },
};
use axum::{
    Form,
    extract::{Multipart, Path, Query, State},
    response::Response,
};
use chrono::Utc;
use serde::Deserialize;

use crate::{
    auth::forms::see_other,
    form_error::{Asker, Context, FormError},
    photos::{pipeline::PhotoError, store::Target, upload::PhotoRefusal},
    startup::AppState,
};

fn editor(product_id: &str) -> String {
    format!("/ban-hang/san-pham/{product_id}")
}

/// Back to the editor after a save, saying when the listing went back to review.
fn saved(back: &str, saved: Saved, anchor: &str) -> Response {
    let ok = match saved {
        Saved::BackToReview => app::seller::page::REVIEW_AGAIN,
        Saved::Changed | Saved::Unchanged => "1",
    };
    see_other(&format!("{back}?ok={ok}{anchor}"))
}

/// Where a refused write goes back to, with the reason; a missing listing is 404 and a
/// database failure ours.
fn refused(back: &str, e: ListingDbError) -> FormError {
    let refusal = match e {
        ListingDbError::NotFound => return FormError::NotFound,
        ListingDbError::Db(e) => return FormError::unavailable("writing a listing", e),
        ListingDbError::GtinTaken => ListingRefusal::GtinTaken,
        ListingDbError::LabelTaken => ListingRefusal::LabelTaken,
        ListingDbError::UnknownReference => ListingRefusal::Invalid,
        ListingDbError::Transition(e) => e.into(),
    };
    FormError::refused(back, &refusal)
}

/// A refused photo, as the editor explains it.
pub(crate) fn photo_refusal(refusal: PhotoRefusal) -> ListingRefusal {
    match refusal {
        PhotoRefusal::Photo(PhotoError::TooLarge) => ListingRefusal::PhotoSize,
        PhotoRefusal::Photo(PhotoError::UnsupportedFormat) => ListingRefusal::PhotoFormat,
        PhotoRefusal::Photo(PhotoError::TooManyPixels) => ListingRefusal::PhotoPixels,
        PhotoRefusal::Photo(PhotoError::Corrupt) => ListingRefusal::PhotoCorrupt,
        PhotoRefusal::Alt => ListingRefusal::PhotoAlt,
    }
}

/// The producer member who may edit this listing; else the refusal (404 for no listing).
async fn may_edit(state: &AppState, asker: Asker, product_id: &str) -> Result<Actor, FormError> {
    let (producer_id, _) = storage::owner(&state.db, product_id)
        .await
        .context("finding a listing's producer")?
        .ok_or(FormError::NotFound)?;
    let producer_id = &producer_id;
    asker.may(Action::EditListings { producer_id }, &editor(product_id))
}

#[derive(Deserialize)]
pub struct ProductForm {
    #[serde(default)]
    producer_id: String,
    name_vi: String,
    #[serde(default)]
    name_en: String,
    group_code: String,
    #[serde(default)]
    description_vi: String,
    #[serde(default)]
    description_en: String,
    #[serde(default)]
    gtin: String,
}

impl ProductForm {
    fn input(&self, back: &str) -> Result<app::seller::rules::ProductInput, FormError> {
        product_input(
            &self.name_vi,
            &self.name_en,
            &self.group_code,
            &self.description_vi,
            &self.description_en,
            &self.gtin,
        )
        .map_err(|e| FormError::refused(back, &ListingRefusal::from(e)))
    }
}

#[tracing::instrument(skip_all, fields(producer = %form.producer_id))]
pub async fn create_product(
    State(state): State<AppState>,
    asker: Asker,
    Form(form): Form<ProductForm>,
) -> Result<Response, FormError> {
    let producer_id = form.producer_id.as_str();
    asker.may(Action::EditListings { producer_id }, "/ban-hang")?;
    let input = form.input("/ban-hang")?;
    let id = storage::create(&state.db, producer_id, &input, Utc::now())
        .await
        .map_err(|e| refused("/ban-hang", e))?;
    Ok(see_other(&format!("{}?ok=1", editor(&id))))
}

#[tracing::instrument(skip_all, fields(product = %product_id))]
pub async fn update_product(
    State(state): State<AppState>,
    asker: Asker,
    Path(product_id): Path<String>,
    Form(form): Form<ProductForm>,
) -> Result<Response, FormError> {
    let actor = may_edit(&state, asker, &product_id).await?;
    let back = editor(&product_id);
    let input = form.input(&back)?;
    let s = storage::update(&state.db, &product_id, &input, &actor.user_id, Utc::now())
        .await
        .map_err(|e| refused(&back, e))?;
    Ok(saved(&back, s, ""))
}

#[derive(Deserialize)]
pub struct VariantForm {
    #[serde(default)]
    variant_id: String,
    label_vi: String,
    unit: String,
    #[serde(default)]
    net_weight_g: String,
    price: String,
    stock: String,
    /// `archive` takes the variant off sale; anything else saves it.
    #[serde(default)]
    action: String,
}

#[tracing::instrument(skip_all, fields(product = %product_id, variant = %form.variant_id))]
pub async fn save_variant(
    State(state): State<AppState>,
    asker: Asker,
    Path(product_id): Path<String>,
    Form(form): Form<VariantForm>,
) -> Result<Response, FormError> {
    may_edit(&state, asker, &product_id).await?;
    let back = editor(&product_id);
    let now = Utc::now();
    if form.action == "archive" {
        storage::archive_variant(&state.db, &product_id, &form.variant_id, now)
            .await
            .map_err(|e| refused(&back, e))?;
        return Ok(see_other(&format!("{back}?ok=1")));
    }
    let input = variant_input(
        &form.label_vi,
        &form.unit,
        &form.net_weight_g,
        &form.price,
        &form.stock,
    )
    .map_err(|e| FormError::refused(&back, &ListingRefusal::from(e)))?;
    let variant_id = Some(form.variant_id.as_str()).filter(|v| !v.is_empty());
    storage::save_variant(&state.db, &product_id, variant_id, &input, now)
        .await
        .map_err(|e| refused(&back, e))?;
    Ok(see_other(&format!("{back}?ok=1")))
}

#[derive(Deserialize)]
pub struct StatusForm {
    action: String,
    #[serde(default)]
    reason: String,
}

/// The producer's own moves: publish for review, archive, restore.
#[tracing::instrument(skip_all, fields(product = %product_id, action = %form.action))]
pub async fn change_status(
    State(state): State<AppState>,
    asker: Asker,
    Path(product_id): Path<String>,
    Form(form): Form<StatusForm>,
) -> Result<Response, FormError> {
    let actor = may_edit(&state, asker, &product_id).await?;
    let back = editor(&product_id);
    let action = match form.action.as_str() {
        "publish" => ListingAction::Publish,
        "archive" => ListingAction::Archive,
        "restore" => ListingAction::Restore,
        _ => return Err(FormError::refused(&back, &ListingRefusal::ListingState)),
    };
    storage::change_status(&state.db, &product_id, &action, &actor.user_id, Utc::now())
        .await
        .map_err(|e| refused(&back, e))?;
    Ok(see_other(&format!("{back}?ok=1")))
}

/// The commune officer approves or refuses a listing waiting for review.
#[tracing::instrument(skip_all, fields(product = %product_id, action = %form.action))]
pub async fn decide_listing(
    State(state): State<AppState>,
    asker: Asker,
    Path(product_id): Path<String>,
    Form(form): Form<StatusForm>,
) -> Result<Response, FormError> {
    let (_, commune_id) = storage::owner(&state.db, &product_id)
        .await
        .context("finding a listing's commune")?
        .ok_or(FormError::NotFound)?;
    let commune_id = &commune_id;
    let actor = asker.may(Action::ActInCommune { commune_id }, "/can-bo")?;
    let action = match form.action.as_str() {
        "approve" => ListingAction::Approve,
        "reject" => ListingAction::Reject {
            reason: form.reason,
        },
        _ => return Err(FormError::refused("/can-bo", &ListingRefusal::ListingState)),
    };
    let status =
        storage::change_status(&state.db, &product_id, &action, &actor.user_id, Utc::now())
            .await
            .map_err(|e| refused("/can-bo", e))?;
    Ok(see_other(&format!(
        "/can-bo?ok={}#san-pham",
        if status == app::domain::product::ProductStatus::Approved {
            "approved"
        } else {
            "rejected"
        }
    )))
}

/// Several photos at once from the phone (multipart, the anti-forgery token in the query).
#[tracing::instrument(skip_all, fields(product = %product_id))]
pub async fn add_photos(
    State(state): State<AppState>,
    asker: Asker,
    Path(product_id): Path<String>,
    form: Multipart,
) -> Result<Response, FormError> {
    let actor = may_edit(&state, asker, &product_id).await?;
    let back = editor(&product_id);
    let received =
        crate::photos::upload::receive(&state, form, Target::Product(&product_id), &actor.user_id)
            .await
            .map_err(|e| FormError::upload(&back, e, photo_refusal))?;
    if received.stored == 0 && received.repeated > 0 {
        // Sent again after a cut connection: the listing has them all, and nothing changed.
        return Ok(see_other(&format!(
            "{back}?ok={}#anh",
            app::seller::page::PHOTOS_ALREADY_THERE
        )));
    }
    // A new photo is public: an approved listing went back to review with it.
    let status = storage::status(&state.db, &product_id)
        .await
        .context("reading a listing's status")?;
    Ok(match status {
        Some(app::domain::product::ProductStatus::Pending) => {
            saved(&back, Saved::BackToReview, "#anh")
        }
        _ => saved(&back, Saved::Changed, "#anh"),
    })
}

#[derive(Deserialize)]
pub struct PhotoForm {
    /// `up`, `down`, `delete` or `alt`.
    action: String,
    #[serde(default)]
    alt: String,
}

#[tracing::instrument(skip_all, fields(product = %product_id, photo = %photo_id, action = %form.action))]
pub async fn change_photo(
    State(state): State<AppState>,
    asker: Asker,
    Path((product_id, photo_id)): Path<(String, String)>,
    Form(form): Form<PhotoForm>,
) -> Result<Response, FormError> {
    let actor = may_edit(&state, asker, &product_id).await?;
    let who = actor.user_id.as_str();
    let back = editor(&product_id);
    let done = match form.action.as_str() {
        "up" | "down" => {
            storage::move_photo(&state.db, &product_id, &photo_id, form.action == "up", who).await
        }
        "alt" => {
            let alt: String = form.alt.trim().chars().take(200).collect();
            storage::set_alt(&state.db, &product_id, &photo_id, &alt, who).await
        }
        "delete" => match storage::delete_photo(&state.db, &product_id, &photo_id, who).await {
            Ok((keys, saved)) => {
                for key in keys.iter().flat_map(|k| crate::photos::store::files_of(k)) {
                    // The rows are gone; a file that cannot be removed is only space.
                    if let Err(e) = state.media.delete(&key).await {
                        tracing::warn!(error = %e, %key, "removing a deleted photo's file failed");
                    }
                }
                Ok(saved)
            }
            Err(e) => Err(e),
        },
        _ => return Err(FormError::refused(&back, &ListingRefusal::Invalid)),
    };
    let s = done.map_err(|e| refused(&back, e))?;
    Ok(saved(&back, s, "#anh"))
}

#[derive(Deserialize)]
pub struct SeasonQuery {
    tu: Option<String>,
    den: Option<String>,
}

/// `GET /ban-hang/doanh-thu.csv?tu=YYYY-MM-DD&den=YYYY-MM-DD`: the sales summary as CSV.
#[tracing::instrument(skip_all)]
pub async fn sales_csv(
    State(state): State<AppState>,
    asker: Asker,
    Query(q): Query<SeasonQuery>,
) -> Result<Response, FormError> {
    let actor = asker.signed_in("/ban-hang/doanh-thu")?;
    let ids = actor.producer_ids();
    if ids.is_empty() {
        return Err(FormError::Forbidden(
            Denied::Forbidden,
            "/ban-hang".to_owned(),
        ));
    }
    let today = app::domain::time::vietnam_date(Utc::now());
    let (from, to) = season(
        q.tu.as_deref().unwrap_or(""),
        q.den.as_deref().unwrap_or(""),
        today,
    );
    let summary = sales_storage::summary(&state.db, &ids, from, to)
        .await
        .context("summing sales")?;
    let mut csv = String::from("kind,label,orders,units,revenue_vnd\r\n");
    for (kind, rows) in [("week", &summary.weeks), ("product", &summary.products)] {
        for r in rows {
            csv.push_str(&format!(
                "{kind},{},{},{},{}\r\n",
                crate::routes::csv::field(&r.label),
                r.orders,
                r.units,
                r.revenue.dong()
            ));
        }
    }
    Ok(crate::routes::csv::download(
        &format!("doanh-thu-{from}-{to}.csv"),
        &csv,
    ))
}

/// `GET /ban-hang/doi-soat-cod.csv?tu=YYYY-MM-DD&den=YYYY-MM-DD`: the cash on delivery
/// reconciliation as CSV (`difference` empty while there is nothing to compare; `check` says
/// why: `matches`, `differs`, `not_reported`, `in_transit`, `returned`).
pub async fn cod_csv(
    State(state): State<AppState>,
    asker: Asker,
    Query(q): Query<SeasonQuery>,
) -> Result<Response, FormError> {
    use app::seller::cod::CodCheck;
    let actor = asker.signed_in("/ban-hang/doi-soat-cod")?;
    let ids = actor.producer_ids();
    if ids.is_empty() {
        return Err(FormError::Forbidden(
            Denied::Forbidden,
            "/ban-hang".to_owned(),
        ));
    }
    let today = app::domain::time::vietnam_date(Utc::now());
    let (from, to) = season(
        q.tu.as_deref().unwrap_or(""),
        q.den.as_deref().unwrap_or(""),
        today,
    );
    let report = app::seller::cod_storage::report(&state.db, &ids, from, to)
        .await
        .context("reconciling cash on delivery")?;
    let field = crate::routes::csv::field;
    let mut csv = String::from(
        "order_no,carrier,tracking_no,status,sent_at,expected_vnd,collected_vnd,difference_vnd,check\r\n",
    );
    for r in &report.rows {
        let check = match r.check {
            CodCheck::Matches => "matches",
            CodCheck::Differs(_) => "differs",
            CodCheck::NotReported => "not_reported",
            CodCheck::InTransit => "in_transit",
            CodCheck::Returned => "returned",
        };
        csv.push_str(&format!(
            "{},{},{},{},{},{},{},{},{check}\r\n",
            field(&r.order_no),
            field(&r.carrier),
            field(&r.tracking_no),
            r.status.as_str(),
            field(&r.sent_at),
            r.expected,
            r.collected.map(|c| c.to_string()).unwrap_or_default(),
            r.check
                .difference()
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ));
    }
    csv.push_str(&format!(
        "total,,,,,{},{},{},\r\n",
        report.expected, report.collected, report.difference
    ));
    Ok(crate::routes::csv::download(
        &format!("doi-soat-cod-{from}-{to}.csv"),
        &csv,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_season_is_twelve_weeks() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let (from, to) = season("", "", today);
        assert_eq!(to, today);
        assert_eq!((to - from).num_days(), 83);
        let (from, _) = season("2026-12-01", "2026-11-27", today);
        assert_eq!(
            (today - from).num_days(),
            83,
            "a start after the end is ignored"
        );
    }
}
