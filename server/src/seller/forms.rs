//! The producer's shop forms (`/ban-hang/...`): create and edit listings and variants, publish
//! for review, archive, photos (upload several at once, reorder, delete, alt text), the commune
//! officer's decision on a listing, and the sales CSV. Every handler checks the policy against
//! the listing's producer, then redirects back with `?ok=1` or the query of a [`ListingRefusal`]
//! (which the page reads back into the same type).

use app::{
    auth::{Action, Actor, authorize},
    seller::{
        form::ListingRefusal,
        rules::{ListingAction, product_input, variant_input},
        sales_page::season,
        sales_storage as sales,
        storage::{self as listings, ListingDbError, Saved},
    },
};
use axum::{
    Extension, Form,
    extract::{Multipart, Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use chrono::Utc;
use serde::Deserialize;

use crate::{
    auth::forms::{denied, internal, see_other},
    photos::{
        pipeline::PhotoError,
        store::Target,
        upload::{self, PhotoRefusal, UploadError},
    },
    startup::AppState,
};

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "Không tìm thấy. / Not found.").into_response()
}

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

fn back_with(path: &str, refusal: ListingRefusal) -> Response {
    see_other(&format!("{path}?{}", refusal.query()))
}

/// Where a refused write goes back to, with the reason.
fn refused(back: &str, e: ListingDbError) -> Response {
    match refusal(e) {
        Ok(refusal) => back_with(back, refusal),
        Err(response) => *response,
    }
}

/// The reason to explain to the page, or the response when there is no page to explain it on
/// (missing, or a database failure).
fn refusal(e: ListingDbError) -> Result<ListingRefusal, Box<Response>> {
    Ok(match e {
        ListingDbError::NotFound => return Err(Box::new(not_found())),
        ListingDbError::Db(e) => return Err(Box::new(internal(e))),
        ListingDbError::GtinTaken => ListingRefusal::GtinTaken,
        ListingDbError::LabelTaken => ListingRefusal::LabelTaken,
        ListingDbError::UnknownReference => ListingRefusal::Invalid,
        ListingDbError::Transition(e) => e.into(),
    })
}

/// A refused photo, as the editor explains it.
fn photo_refusal(refusal: PhotoRefusal) -> ListingRefusal {
    match refusal {
        PhotoRefusal::Photo(PhotoError::TooLarge) => ListingRefusal::PhotoSize,
        PhotoRefusal::Photo(PhotoError::UnsupportedFormat) => ListingRefusal::PhotoFormat,
        PhotoRefusal::Photo(PhotoError::TooManyPixels) => ListingRefusal::PhotoPixels,
        PhotoRefusal::Photo(PhotoError::Corrupt) => ListingRefusal::PhotoCorrupt,
        PhotoRefusal::Alt => ListingRefusal::PhotoAlt,
    }
}

/// The actor when they may edit this listing's producer's listings; else the refusal.
async fn may_edit(
    state: &AppState,
    actor: Option<Extension<Actor>>,
    product_id: &str,
) -> Result<Actor, Response> {
    let actor = actor.map(|Extension(a)| a);
    let (producer_id, _) = listings::owner(&state.db, product_id)
        .await
        .map_err(internal)?
        .ok_or_else(not_found)?;
    authorize(
        actor.as_ref(),
        Action::EditListings {
            producer_id: &producer_id,
        },
    )
    .map_err(|d| denied(d, &editor(product_id)))?;
    actor.ok_or_else(not_found)
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
    fn input(&self) -> Result<app::seller::rules::ProductInput, ListingRefusal> {
        product_input(
            &self.name_vi,
            &self.name_en,
            &self.group_code,
            &self.description_vi,
            &self.description_en,
            &self.gtin,
        )
        .map_err(ListingRefusal::from)
    }
}

pub async fn create_product(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Form(form): Form<ProductForm>,
) -> Response {
    let actor = actor.map(|Extension(a)| a);
    let producer_id = form.producer_id.as_str();
    if let Err(d) = authorize(actor.as_ref(), Action::EditListings { producer_id }) {
        return denied(d, "/ban-hang");
    }
    let input = match form.input() {
        Ok(i) => i,
        Err(refusal) => return back_with("/ban-hang", refusal),
    };
    match listings::create(&state.db, producer_id, &input, Utc::now()).await {
        Ok(id) => see_other(&format!("{}?ok=1", editor(&id))),
        Err(e) => refused("/ban-hang", e),
    }
}

pub async fn update_product(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Path(product_id): Path<String>,
    Form(form): Form<ProductForm>,
) -> Response {
    let actor = match may_edit(&state, actor, &product_id).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let back = editor(&product_id);
    let input = match form.input() {
        Ok(i) => i,
        Err(refusal) => return back_with(&back, refusal),
    };
    match listings::update(&state.db, &product_id, &input, &actor.user_id, Utc::now()).await {
        Ok(s) => saved(&back, s, ""),
        Err(e) => refused(&back, e),
    }
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

pub async fn save_variant(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Path(product_id): Path<String>,
    Form(form): Form<VariantForm>,
) -> Response {
    if let Err(r) = may_edit(&state, actor, &product_id).await {
        return r;
    }
    let back = editor(&product_id);
    let now = Utc::now();
    if form.action == "archive" {
        return match listings::archive_variant(&state.db, &product_id, &form.variant_id, now).await
        {
            Ok(()) => see_other(&format!("{back}?ok=1")),
            Err(e) => refused(&back, e),
        };
    }
    let input = match variant_input(
        &form.label_vi,
        &form.unit,
        &form.net_weight_g,
        &form.price,
        &form.stock,
    ) {
        Ok(i) => i,
        Err(e) => return back_with(&back, e.into()),
    };
    let variant_id = Some(form.variant_id.as_str()).filter(|v| !v.is_empty());
    match listings::save_variant(&state.db, &product_id, variant_id, &input, now).await {
        Ok(_) => see_other(&format!("{back}?ok=1")),
        Err(e) => refused(&back, e),
    }
}

#[derive(Deserialize)]
pub struct StatusForm {
    action: String,
    #[serde(default)]
    reason: String,
}

/// The producer's own moves: publish for review, archive, restore.
pub async fn change_status(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Path(product_id): Path<String>,
    Form(form): Form<StatusForm>,
) -> Response {
    let actor = match may_edit(&state, actor, &product_id).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let back = editor(&product_id);
    let action = match form.action.as_str() {
        "publish" => ListingAction::Publish,
        "archive" => ListingAction::Archive,
        "restore" => ListingAction::Restore,
        _ => return back_with(&back, ListingRefusal::ListingState),
    };
    match listings::change_status(&state.db, &product_id, &action, &actor.user_id, Utc::now()).await
    {
        Ok(_) => see_other(&format!("{back}?ok=1")),
        Err(e) => refused(&back, e),
    }
}

/// The commune officer approves or refuses a listing waiting for review.
pub async fn decide_listing(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Path(product_id): Path<String>,
    Form(form): Form<StatusForm>,
) -> Response {
    let actor = actor.map(|Extension(a)| a);
    let (_, commune_id) = match listings::owner(&state.db, &product_id).await {
        Ok(Some(o)) => o,
        Ok(None) => return not_found(),
        Err(e) => return internal(e),
    };
    if let Err(d) = authorize(
        actor.as_ref(),
        Action::ActInCommune {
            commune_id: &commune_id,
        },
    ) {
        return denied(d, "/can-bo");
    }
    let Some(actor) = actor else {
        return not_found();
    };
    let action = match form.action.as_str() {
        "approve" => ListingAction::Approve,
        "reject" => ListingAction::Reject {
            reason: form.reason,
        },
        _ => return back_with("/can-bo", ListingRefusal::ListingState),
    };
    match listings::change_status(&state.db, &product_id, &action, &actor.user_id, Utc::now()).await
    {
        Ok(status) => see_other(&format!(
            "/can-bo?ok={}#san-pham",
            if status == app::domain::product::ProductStatus::Approved {
                "approved"
            } else {
                "rejected"
            }
        )),
        Err(ListingDbError::Transition(e)) => back_with("/can-bo", e.into()),
        Err(e) => refused("/can-bo", e),
    }
}

/// Several photos at once from the phone (multipart, the anti-forgery token in the query).
pub async fn add_photos(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Path(product_id): Path<String>,
    form: Multipart,
) -> Response {
    let actor = match may_edit(&state, actor, &product_id).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let back = editor(&product_id);
    match upload::receive(&state, form, Target::Product(&product_id), &actor.user_id).await {
        // A new photo is public: an approved listing went back to review with it.
        Ok(_) => match listings::status(&state.db, &product_id).await {
            Ok(Some(app::domain::product::ProductStatus::Pending)) => {
                saved(&back, Saved::BackToReview, "#anh")
            }
            Ok(_) => saved(&back, Saved::Changed, "#anh"),
            Err(e) => internal(e),
        },
        Err(UploadError::Refused(refusal)) => back_with(&back, photo_refusal(refusal)),
        Err(UploadError::Busy) => upload::busy(),
        Err(UploadError::Internal(e)) => internal(e),
    }
}

#[derive(Deserialize)]
pub struct PhotoForm {
    /// `up`, `down`, `delete` or `alt`.
    action: String,
    #[serde(default)]
    alt: String,
}

pub async fn change_photo(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Path((product_id, photo_id)): Path<(String, String)>,
    Form(form): Form<PhotoForm>,
) -> Response {
    let actor = match may_edit(&state, actor, &product_id).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let who = actor.user_id.as_str();
    let back = editor(&product_id);
    let done = match form.action.as_str() {
        "up" | "down" => {
            listings::move_photo(&state.db, &product_id, &photo_id, form.action == "up", who).await
        }
        "alt" => {
            let alt: String = form.alt.trim().chars().take(200).collect();
            listings::set_alt(&state.db, &product_id, &photo_id, &alt, who).await
        }
        "delete" => match listings::delete_photo(&state.db, &product_id, &photo_id, who).await {
            Ok((keys, saved)) => {
                let media = state.settings.media_dir();
                for key in keys {
                    // The rows are gone; a file that cannot be removed is only disk space.
                    let _ = tokio::fs::remove_file(media.join(&key)).await;
                }
                let _ = tokio::fs::remove_dir(media.join("photos").join(&photo_id)).await;
                Ok(saved)
            }
            Err(e) => Err(e),
        },
        _ => return back_with(&back, ListingRefusal::Invalid),
    };
    match done {
        Ok(s) => saved(&back, s, "#anh"),
        Err(e) => refused(&back, e),
    }
}

#[derive(Deserialize)]
pub struct SeasonQuery {
    tu: Option<String>,
    den: Option<String>,
}

/// `GET /ban-hang/doanh-thu.csv?tu=YYYY-MM-DD&den=YYYY-MM-DD`: the sales summary as CSV.
pub async fn sales_csv(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Query(q): Query<SeasonQuery>,
) -> Response {
    let Some(Extension(actor)) = actor else {
        return denied(app::auth::Denied::NotSignedIn, "/ban-hang/doanh-thu");
    };
    let ids = actor.producer_ids();
    if ids.is_empty() {
        return denied(app::auth::Denied::Forbidden, "/ban-hang");
    }
    let today = app::domain::time::vietnam_date(Utc::now());
    let (from, to) = season(
        q.tu.as_deref().unwrap_or(""),
        q.den.as_deref().unwrap_or(""),
        today,
    );
    let summary = match sales::summary(&state.db, &ids, from, to).await {
        Ok(s) => s,
        Err(e) => return internal(e),
    };
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
    crate::routes::csv::download(&format!("doanh-thu-{from}-{to}.csv"), &csv)
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
