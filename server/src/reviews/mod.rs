//! Buyer reviews on the HTTP side: the order page's review form (multipart: stars, text, up to
//! three photos through the photo pipeline), the producer's reply and the officer's hide.
//! Rules, storage and pages are in `app::reviews`.

use app::{
    auth::Action,
    db::ids::new_id,
    reviews::{
        DONE, OFFICER_PAGE, REFUSED, SELLER_PAGE,
        rules::{MAX_PHOTOS, NewReview, ReviewRefusal, may_review, parse_reason, parse_reply},
        storage,
    },
};
use axum::{
    Form, Router,
    extract::{DefaultBodyLimit, Multipart, Path, State},
    response::Response,
    routing::post,
};
use chrono::Utc;
use serde::Deserialize;
use sqlx::AnyConnection;

use crate::{
    auth::forms::see_other,
    form_error::{Asker, Context, FormError},
    photos::{
        store::{self, Target},
        upload::{self, PhotoForm, PhotoFormError, UploadError},
    },
    startup::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/don-hang/{order_no}/danh-gia/{line_id}",
            // Up to three phone photos in one request; each file is capped on its own.
            post(create_review).layer(DefaultBodyLimit::max(
                (MAX_PHOTOS + 1) * crate::photos::pipeline::MAX_BYTES,
            )),
        )
        .route(&format!("{SELLER_PAGE}/{{review_id}}/tra-loi"), post(reply))
        .route(&format!("{OFFICER_PAGE}/{{review_id}}/an"), post(hide))
}

fn refused(back: &str, refusal: ReviewRefusal) -> FormError {
    FormError::back_with(back, format!("{REFUSED}={}#danh-gia", refusal.as_str()))
}

fn upload_refused(back: &str, e: UploadError) -> FormError {
    match e {
        UploadError::Refused(_) => refused(back, ReviewRefusal::Photo),
        UploadError::Busy => upload::busy().into(),
        UploadError::Internal(e) => FormError::unavailable("storing a review photo", e),
    }
}

/// A review of one order line (`multipart/form-data`: `stars`, `text`, then up to three
/// `anh` files). Only the account that placed the order, once it is delivered, once per line;
/// the review, its photos and the product's re-indexing are one transaction.
#[tracing::instrument(skip_all, fields(order = %order_no, line = %line_id))]
pub async fn create_review(
    State(state): State<AppState>,
    asker: Asker,
    Path((order_no, line_id)): Path<(String, String)>,
    mut form: Multipart,
) -> Result<Response, FormError> {
    let back = format!("/don-hang/{order_no}");
    let actor = asker.signed_in(&back)?;
    let (facts, keys) = storage::line_facts(&state.db, &line_id, &actor.user_id)
        .await
        .context("reading an order line")?
        .ok_or(FormError::NotFound)?;
    if keys.order_no != order_no {
        return Err(FormError::NotFound);
    }
    may_review(facts).map_err(|r| refused(&back, r))?;

    // The form whole, then its photos (refused at the fourth, before decoding any).
    let sent = PhotoForm::read(&mut form, &["stars", "text"], MAX_PHOTOS)
        .await
        .map_err(|e| match e {
            PhotoFormError::TooMany => refused(&back, ReviewRefusal::TooManyPhotos),
            PhotoFormError::Upload(e) => upload_refused(&back, e),
        })?;
    let review = NewReview::parse(sent.text("stars"), sent.text("text"), sent.photo_count())
        .map_err(|r| refused(&back, r))?;
    let photos = sent
        .process(&state)
        .await
        .map_err(|e| upload_refused(&back, e))?;
    let photos = store::write_all(&state.media, &photos)
        .await
        .context("storing a review's photos")?;

    let id = new_id();
    let mut tx = state.db.begin_write().await.context("starting a review")?;
    if !storage::insert_in(&mut tx, &id, &line_id, &actor.user_id, &review, Utc::now())
        .await
        .context("writing a review")?
    {
        tx.rollback().await.context("dropping a review")?;
        // Someone was first (a second tap, two at once) or the order changed meanwhile.
        let refusal = storage::line_facts(&state.db, &line_id, &actor.user_id)
            .await
            .context("reading an order line")?
            .map_or(Err(ReviewRefusal::NotBuyer), |(f, _)| may_review(f))
            .err()
            .unwrap_or(ReviewRefusal::AlreadyReviewed);
        return Err(refused(&back, refusal));
    }
    let files = photos
        .record_in(&mut tx, Target::Review(&id), Some(&actor.user_id))
        .await
        .context("recording a review's photos")?;
    let conn: &mut AnyConnection = &mut tx;
    app::search::sync::queue(conn, &[keys.product_id.as_str()])
        .await
        .context("queueing a product for search")?;
    storage::notify_producer_of_review(conn, &id, &keys, &review, Utc::now())
        .await
        .context("telling the producer of a review")?;
    tx.commit().await.context("committing a review")?;
    files.keep();
    Ok(see_other(&format!("{back}?{DONE}=1#danh-gia")))
}

#[derive(Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    reply: String,
}

/// The producer's reply to a review of one of its products: once.
#[tracing::instrument(skip_all, fields(review = %review_id))]
pub async fn reply(
    State(state): State<AppState>,
    asker: Asker,
    Path(review_id): Path<String>,
    Form(form): Form<ReplyForm>,
) -> Result<Response, FormError> {
    let (producer_id, _, _) = storage::owner(&state.db, &review_id)
        .await
        .context("finding a review's producer")?
        .ok_or(FormError::NotFound)?;
    let producer_id = &producer_id;
    let actor = asker.may(Action::EditListings { producer_id }, SELLER_PAGE)?;
    let text = parse_reply(&form.reply).map_err(|r| refused(SELLER_PAGE, r))?;
    storage::reply(&state.db, &review_id, &actor.user_id, &text, Utc::now())
        .await
        .context("replying to a review")?
        .map_err(|r| refused(SELLER_PAGE, r))?;
    Ok(see_other(&format!("{SELLER_PAGE}?{DONE}=tra-loi")))
}

#[derive(Deserialize)]
pub struct HideForm {
    #[serde(default)]
    reason: String,
}

/// An officer of the producer's commune (or an administrator) hides a review, with a reason.
#[tracing::instrument(skip_all, fields(review = %review_id))]
pub async fn hide(
    State(state): State<AppState>,
    asker: Asker,
    Path(review_id): Path<String>,
    Form(form): Form<HideForm>,
) -> Result<Response, FormError> {
    let (_, commune_id, product_id) = storage::owner(&state.db, &review_id)
        .await
        .context("finding a review's commune")?
        .ok_or(FormError::NotFound)?;
    let commune_id = &commune_id;
    let actor = asker.may(Action::ActInCommune { commune_id }, OFFICER_PAGE)?;
    let reason = parse_reason(&form.reason).map_err(|r| refused(OFFICER_PAGE, r))?;
    storage::hide(
        &state.db,
        &review_id,
        &product_id,
        &actor.user_id,
        &reason,
        Utc::now(),
    )
    .await
    .context("hiding a review")?
    .map_err(|r| refused(OFFICER_PAGE, r))?;
    Ok(see_other(&format!("{OFFICER_PAGE}?{DONE}=an")))
}
