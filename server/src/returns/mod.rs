//! Returns and complaints on the HTTP side: the order page's return forms (the buyer's request
//! and escalations, the producer's answer, the officer's and the marketplace's decisions), the
//! complaint form and the administrators' answers. Rules, storage and pages are in
//! `app::returns`.

use app::{
    returns::{
        ADMIN_COMPLAINTS, COMPLAINT_PAGE,
        rules::{
            ComplaintStatus, NewComplaint, NewRequest, Refusal, Resolution, ReturnActor,
            ReturnEvent, answer_reason, normalise_code,
        },
        storage::{self, ReturnError},
        view::{DONE, REFUSED},
    },
    shop::rules::order::Party,
};
use axum::{
    Form, Router,
    extract::{DefaultBodyLimit, Multipart, Path, State},
    response::Response,
    routing::post,
};
use chrono::Utc;
use serde::Deserialize;

use crate::{
    auth::{ClientIp, forms::see_other},
    form_error::{Administrator, Context, FormError},
    photos::{
        store::{self, Target},
        upload::{self, PhotoForm, PhotoFormError, UploadError},
    },
    shop::{forms::order_and_party, shopper::Shopper},
    startup::AppState,
    throttle,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/don-hang/{order_no}/tra-hang",
            // Up to three phone photos in one request; each file is capped on its own.
            post(request_return).layer(DefaultBodyLimit::max(
                (MAX_PHOTOS + 1) * crate::photos::pipeline::MAX_BYTES,
            )),
        )
        .route("/don-hang/{order_no}/tra-hang/buoc", post(return_step))
        .route(COMPLAINT_PAGE, post(file_complaint))
        .route(
            &format!("{ADMIN_COMPLAINTS}/{{code}}"),
            post(answer_complaint),
        )
}

/// Complaints filed from one address: 10 an hour.
pub const COMPLAINTS_PER_ADDRESS: app::db::rate_limits::Policy =
    app::db::rate_limits::Policy::per_window(10, chrono::Duration::hours(1));

fn order_page(order_no: &str) -> String {
    format!("/don-hang/{order_no}")
}

fn refused(order_no: &str, refusal: Refusal) -> FormError {
    FormError::back_with(
        order_page(order_no),
        format!("{REFUSED}={}#tra-hang", refusal.as_str()),
    )
}

fn failed(order_no: &str, e: ReturnError) -> FormError {
    match e {
        ReturnError::Refused(r) => refused(order_no, r),
        ReturnError::NotFound => FormError::NotFound,
        ReturnError::Db(e) => FormError::unavailable("changing a return request", e),
    }
}

/// Photos a buyer may send with a request (what arrived, the damage).
pub const MAX_PHOTOS: usize = 3;

fn upload_refused(order_no: &str, e: UploadError) -> FormError {
    match e {
        UploadError::Refused(_) => refused(order_no, Refusal::Photos),
        UploadError::Busy => upload::busy().into(),
        UploadError::Internal(e) => FormError::unavailable("storing a return photo", e),
    }
}

/// The buyer asks for a return or refund of a delivered order, within the window
/// (`multipart/form-data`: `wanted`, `reason`, `items`, then up to three `anh` photos). The
/// request, its photos, the history step and the producer's notice are one transaction.
#[tracing::instrument(skip_all, fields(order = %order_no))]
pub async fn request_return(
    State(state): State<AppState>,
    shopper: Shopper,
    Path(order_no): Path<String>,
    mut form: Multipart,
) -> Result<Response, FormError> {
    let (keys, party) = order_and_party(&state, &order_no, &shopper).await?;
    if party != Party::Buyer {
        return Err(refused(&order_no, Refusal::NotYours));
    }
    // Refused (window over, asked already) before the photos are read, decoded or uploaded;
    // the transaction checks again.
    storage::may_request(&state.db, &keys.id, Utc::now())
        .await
        .map_err(|e| failed(&order_no, e))?;
    // The form whole, then its photos (refused at the fourth, before decoding any).
    let sent = PhotoForm::read(&mut form, &["wanted", "reason", "items"], MAX_PHOTOS)
        .await
        .map_err(|e| match e {
            PhotoFormError::TooMany => refused(&order_no, Refusal::Photos),
            PhotoFormError::Upload(e) => upload_refused(&order_no, e),
        })?;
    let new = NewRequest::parse(sent.text("wanted"), sent.text("reason"), sent.text("items"))
        .map_err(|r| refused(&order_no, r))?;
    let photos = sent
        .process(&state)
        .await
        .map_err(|e| upload_refused(&order_no, e))?;
    let photos = store::write_all(&state.media, &photos)
        .await
        .context("storing a return request's photos")?;
    let user_id = shopper.actor.as_ref().map(|a| a.user_id.as_str());
    let mut tx = state
        .db
        .begin_write()
        .await
        .context("starting a return request")?;
    let id = storage::request_in(&mut tx, &keys.id, user_id, &new, Utc::now())
        .await
        .map_err(|e| failed(&order_no, e))?;
    let files = photos
        .record_in(&mut tx, Target::ReturnRequest(&id), user_id)
        .await
        .context("recording a return request's photos")?;
    tx.commit().await.context("committing a return request")?;
    files.keep();
    Ok(see_other(&format!(
        "{}?{DONE}=1#tra-hang",
        order_page(&order_no)
    )))
}

#[derive(Deserialize)]
pub struct StepForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
}

/// A step on the order's request: the producer's answer, the buyer's escalation, the
/// officer's or the marketplace's decision.
#[tracing::instrument(skip_all, fields(order = %order_no, action = %form.action))]
pub async fn return_step(
    State(state): State<AppState>,
    shopper: Shopper,
    Path(order_no): Path<String>,
    Form(form): Form<StepForm>,
) -> Result<Response, FormError> {
    let (keys, party) = order_and_party(&state, &order_no, &shopper).await?;
    let (event, needs_reason) = match form.action.as_str() {
        "accept_refund" => (ReturnEvent::Accept(Resolution::Refund), false),
        "accept_replacement" => (ReturnEvent::Accept(Resolution::Replacement), false),
        "refuse" => (ReturnEvent::Refuse, true),
        "escalate" => (
            ReturnEvent::Escalate {
                deadline_passed: false,
            },
            false,
        ),
        "uphold_refund" => (ReturnEvent::Uphold(Resolution::Refund), false),
        "uphold_replacement" => (ReturnEvent::Uphold(Resolution::Replacement), false),
        "reject" => (ReturnEvent::Reject, true),
        _ => return Err(refused(&order_no, Refusal::Choice)),
    };
    let reason = if needs_reason {
        Some(answer_reason(&form.reason).map_err(|r| refused(&order_no, r))?)
    } else {
        let r = form.reason.trim();
        if r.chars().count() > app::returns::rules::MAX_REASON {
            return Err(refused(&order_no, Refusal::TooLong));
        }
        (!r.is_empty()).then(|| r.to_owned())
    };
    let actor = shopper.actor.as_ref();
    let user_id = actor.map(|a| a.user_id.as_str());
    // An officer's party is also an administrator's: the marketplace step is theirs.
    let roles: Vec<ReturnActor> = match party {
        Party::Buyer => vec![ReturnActor::Buyer],
        Party::Producer => vec![ReturnActor::Producer],
        Party::Officer => {
            let mut roles = vec![];
            if actor.is_some_and(|a| a.is_officer_of(&keys.commune_id)) {
                roles.push(ReturnActor::Officer);
            }
            if actor.is_some_and(|a| a.admin) {
                roles.push(ReturnActor::Administrator);
            }
            roles
        }
        Party::Carrier | Party::System => vec![],
    };
    let mut outcome = Err(ReturnError::Refused(Refusal::NotYours));
    for role in roles {
        outcome = storage::change(
            &state.db,
            &keys.id,
            event,
            role,
            user_id,
            reason.as_deref(),
            Utc::now(),
        )
        .await;
        if !matches!(outcome, Err(ReturnError::Refused(Refusal::NotYours))) {
            break;
        }
    }
    outcome.map_err(|e| failed(&order_no, e))?;
    Ok(see_other(&format!(
        "{}?{DONE}=1#tra-hang",
        order_page(&order_no)
    )))
}

#[derive(Deserialize)]
pub struct ComplaintForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    order_no: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    message: String,
}

/// Anyone files a complaint; the answer is its tracking page. Bounded per address.
#[tracing::instrument(skip_all)]
pub async fn file_complaint(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    shopper: Shopper,
    Form(form): Form<ComplaintForm>,
) -> Result<Response, FormError> {
    let new = NewComplaint::parse(
        &form.name,
        &form.contact,
        &form.order_no,
        &form.category,
        &form.message,
    )
    .map_err(|r| FormError::back_with(COMPLAINT_PAGE, format!("loi={}", r.as_str())))?;
    let limit = [(
        format!("complaint:ip:{}", throttle::address_key(ip.as_deref())),
        &COMPLAINTS_PER_ADDRESS,
    )];
    if throttle::take(&state, &limit, ip.as_deref(), COMPLAINT_PAGE)
        .await
        .context("counting a complaint")?
        .is_some()
    {
        return Err(FormError::back_with(COMPLAINT_PAGE, "loi=nhieu"));
    }
    let user_id = shopper.actor.as_ref().map(|a| a.user_id.as_str());
    let code = storage::file_complaint(&state.db, &new, user_id, Utc::now())
        .await
        .context("filing a complaint")?;
    Ok(see_other(&format!("{COMPLAINT_PAGE}/{code}?moi=1")))
}

#[derive(Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    answer: String,
}

/// An administrator moves a complaint on; closing it needs an answer.
#[tracing::instrument(skip_all)]
pub async fn answer_complaint(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Path(code): Path<String>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, FormError> {
    let code = normalise_code(&code).ok_or(FormError::NotFound)?;
    let back = |r: Refusal| FormError::back_with(ADMIN_COMPLAINTS, format!("loi={}", r.as_str()));
    let status = match ComplaintStatus::parse(form.status.trim()) {
        Some(s) if s != ComplaintStatus::Received => s,
        _ => return Err(back(Refusal::Choice)),
    };
    let answer = form.answer.trim();
    if answer.chars().count() > app::returns::rules::MAX_MESSAGE {
        return Err(back(Refusal::TooLong));
    }
    if status.is_closed() && answer.is_empty() {
        return Err(back(Refusal::Message));
    }
    let moved = storage::answer_complaint(
        &state.db,
        &code,
        status,
        (!answer.is_empty()).then_some(answer),
        &admin.user_id,
        Utc::now(),
    )
    .await
    .context("answering a complaint")?;
    if !moved {
        return Err(back(Refusal::Closed));
    }
    Ok(see_other(ADMIN_COMPLAINTS))
}
