//! The queue's forms: `POST /ban-hang/chuyen-khoan/{id}` and `/quan-tri/chuyen-khoan/{id}`,
//! `action=match` with `order_no`, or `action=refund` with `reference`.

use app::{
    bank_feed::{
        model::{QueuePage, QueueRefusal},
        storage::{self, QueueError},
    },
    ledger::model::BankReference,
};
use axum::{
    Form,
    extract::{Path, State},
    response::Response,
};
use chrono::Utc;
use serde::Deserialize;

use crate::{
    auth::forms::see_other,
    form_error::{Asker, FormError},
    startup::AppState,
};

#[derive(Deserialize)]
pub struct QueueForm {
    action: String,
    #[serde(default)]
    order_no: String,
    #[serde(default)]
    reference: String,
}

pub async fn seller_form(
    state: State<AppState>,
    asker: Asker,
    id: Path<String>,
    form: Form<QueueForm>,
) -> Result<Response, FormError> {
    handle(state, asker, id, form, QueuePage::Seller).await
}

pub async fn officer_form(
    state: State<AppState>,
    asker: Asker,
    id: Path<String>,
    form: Form<QueueForm>,
) -> Result<Response, FormError> {
    handle(state, asker, id, form, QueuePage::Officer).await
}

fn refused(page: QueuePage, r: QueueRefusal) -> FormError {
    FormError::back_with(page.path(), format!("loi={}", r.as_str()))
}

#[tracing::instrument(skip_all, fields(credit_id = %credit_id))]
async fn handle(
    State(state): State<AppState>,
    asker: Asker,
    Path(credit_id): Path<String>,
    Form(form): Form<QueueForm>,
    page: QueuePage,
) -> Result<Response, FormError> {
    let back = page.path();
    let actor = asker.signed_in(back)?;
    let now = Utc::now();
    let done = match form.action.as_str() {
        "match" => storage::match_by_hand(&state.db, &credit_id, &form.order_no, &actor, now).await,
        "refund" => {
            let reference = BankReference::parse(&form.reference)
                .map_err(|_| refused(page, QueueRefusal::BadReference))?;
            storage::refund_by_hand(&state.db, &credit_id, &reference, &actor, now).await
        }
        _ => return Err(refused(page, QueueRefusal::BadAction)),
    };
    match done {
        Ok(()) => Ok(see_other(&format!("{back}?ok=1"))),
        Err(QueueError::NotFound) => Err(FormError::NotFound),
        Err(QueueError::Forbidden) => Err(FormError::Forbidden(
            app::auth::Denied::Forbidden,
            back.to_owned(),
        )),
        Err(QueueError::AlreadyResolved(_)) => Err(refused(page, QueueRefusal::AlreadyResolved)),
        Err(QueueError::UnknownOrder) => Err(refused(page, QueueRefusal::UnknownOrder)),
        Err(QueueError::NotPayable) => Err(refused(page, QueueRefusal::NotPayable)),
        Err(QueueError::AmountDiffers { .. }) => Err(refused(page, QueueRefusal::AmountDiffers)),
        Err(QueueError::Db(e)) => Err(FormError::unavailable("handling a bank credit", e)),
    }
}
