//! The settlement ledger on the HTTP side: the administrator's payout form, a producer's
//! monthly statement as CSV and the monthly withholding report as CSV. Rules, storage, pages
//! and texts are in `app::ledger`.

use app::{
    auth::{Action, Denied},
    domain::money::Vnd,
    ledger::{
        model::{BankReference, Month},
        storage::{self, PayoutError},
        texts::LedgerRefusal,
    },
};
use axum::{
    Form, Router,
    extract::{Query, State},
    response::Response,
    routing::{get, post},
};
use chrono::Utc;
use serde::Deserialize;

use crate::{
    auth::forms::see_other,
    form_error::{Administrator, Asker, Context, FormError},
    routes::csv::{download, field},
    startup::AppState,
};

const SETTLEMENT: &str = "/quan-tri/doi-soat";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/quan-tri/doi-soat/chi-tra", post(payout))
        .route("/ban-hang/sao-ke.csv", get(statement_csv))
        .route("/quan-tri/khau-tru-thue.csv", get(withholding_csv))
}

fn refused(r: LedgerRefusal) -> FormError {
    FormError::back_with(SETTLEMENT, format!("loi={}", r.as_str()))
}

#[derive(Deserialize)]
pub struct PayoutForm {
    producer_id: String,
    amount: String,
    reference: String,
}

/// An administrator records a payout to a producer.
#[tracing::instrument(skip_all, fields(producer_id = %form.producer_id))]
pub async fn payout(
    State(state): State<AppState>,
    Administrator(admin): Administrator,
    Form(form): Form<PayoutForm>,
) -> Result<Response, FormError> {
    let amount = Vnd::parse(&form.amount)
        .ok()
        .filter(|a| a.dong() > 0)
        .ok_or_else(|| refused(LedgerRefusal::BadAmount))?;
    let reference =
        BankReference::parse(&form.reference).map_err(|_| refused(LedgerRefusal::BadReference))?;
    match storage::record_payout(
        &state.db,
        &form.producer_id,
        amount,
        &reference,
        &admin.user_id,
        Utc::now(),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!("{SETTLEMENT}?ok=1"))),
        Err(PayoutError::UnknownProducer) => Err(refused(LedgerRefusal::UnknownProducer)),
        Err(PayoutError::MoreThanOwed { .. }) => Err(refused(LedgerRefusal::MoreThanOwed)),
        Err(PayoutError::Db(e)) => Err(FormError::unavailable("recording a payout", e)),
    }
}

#[derive(Deserialize)]
pub struct MonthQuery {
    #[serde(default)]
    thang: String,
    #[serde(default)]
    co_so: String,
}

/// `GET /ban-hang/sao-ke.csv?thang=YYYY-MM&co_so={producer id}`: one producer's statement,
/// for its people (and administrators).
#[tracing::instrument(skip_all)]
pub async fn statement_csv(
    State(state): State<AppState>,
    asker: Asker,
    Query(q): Query<MonthQuery>,
) -> Result<Response, FormError> {
    let back = "/ban-hang/sao-ke";
    let actor = asker.signed_in(back)?;
    let may = app::auth::authorize(
        Some(&actor),
        Action::FulfilOrders {
            producer_id: &q.co_so,
        },
    )
    .is_ok()
        || actor.admin;
    if !may {
        return Err(FormError::Forbidden(Denied::Forbidden, back.to_owned()));
    }
    let month = Month::parse(&q.thang).map_err(|_| {
        FormError::back_with(back, format!("loi={}", LedgerRefusal::BadMonth.as_str()))
    })?;
    let s = storage::statement(&state.db, &q.co_so, month)
        .await
        .context("loading a statement")?
        .ok_or(FormError::NotFound)?;
    let mut csv = String::from("posted_at,kind,order_no,reference,amount_vnd,balance_vnd\r\n");
    csv.push_str(&format!(",opening,,,,{}\r\n", s.opening));
    let mut balance = s.opening;
    for l in &s.lines {
        balance += l.amount;
        csv.push_str(&format!(
            "{},{},{},{},{},{balance}\r\n",
            field(&l.posted_at),
            l.kind.as_str(),
            field(l.order_no.as_deref().unwrap_or("")),
            field(l.reference.as_deref().unwrap_or("")),
            l.amount,
        ));
    }
    csv.push_str(&format!(",closing,,,,{}\r\n", s.closing));
    Ok(download(&format!("sao-ke-{month}.csv"), &csv))
}

/// `GET /quan-tri/khau-tru-thue.csv?thang=YYYY-MM`: the month's withholding report.
#[tracing::instrument(skip_all)]
pub async fn withholding_csv(
    State(state): State<AppState>,
    Administrator(_): Administrator,
    Query(q): Query<MonthQuery>,
) -> Result<Response, FormError> {
    let month = Month::parse(&q.thang).map_err(|_| refused(LedgerRefusal::BadMonth))?;
    let rows = storage::withholding_report(&state.db, month)
        .await
        .context("loading the withholding report")?;
    let mut csv = String::from("producer_id,producer,revenue_vnd,vat_vnd,pit_vnd\r\n");
    let (mut revenue, mut vat, mut pit) = (0i64, 0i64, 0i64);
    for r in &rows {
        revenue += r.revenue;
        vat += r.vat;
        pit += r.pit;
        csv.push_str(&format!(
            "{},{},{},{},{}\r\n",
            field(&r.producer_id),
            field(&r.producer_name),
            r.revenue,
            r.vat,
            r.pit
        ));
    }
    csv.push_str(&format!("total,,{revenue},{vat},{pit}\r\n"));
    Ok(download(&format!("khau-tru-thue-{month}.csv"), &csv))
}
