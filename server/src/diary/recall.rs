//! Recalling a lot over HTTP: the form (`POST /lo/{id}/thu-hoi`, from the lot page, the farm
//! diary and the officer's page), the API (`POST /api/v1/lots/{id}/recall`) and the recall
//! report's CSV (`GET /can-bo/thu-hoi.csv`). Who may recall, the transaction and the pages are
//! in `app::diary::recall`.

use app::{
    auth::{Action, Actor, Denied, authorize},
    diary::{
        form::DiaryRefusal,
        recall::{
            ReasonError,
            page::{RECALLED_OK, RecallFrom},
            storage::{self, RecallError, Recalled},
        },
        trace_storage::lot_address_of,
    },
};
use axum::{
    Extension, Form, Json,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};

use crate::{
    api::{ApiError, extract::ApiJson},
    auth::{ClientIp, forms::see_other},
    form_error::{Asker, Context, FormError},
    startup::AppState,
};

/// 409 for a write on a recalled lot that has no form to go back to (an officer's stamp).
pub(crate) fn recalled_answer() -> Response {
    (
        StatusCode::CONFLICT,
        "Lô này đã bị thu hồi. / This lot has been recalled.",
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct RecallFields {
    #[serde(default)]
    reason: String,
    /// Where the form was: `lo`, `vuon` or `can-bo` ([`RecallFrom`]).
    #[serde(default)]
    tu: String,
}

/// The page the form goes back to, and the fragment a success adds.
async fn back_to(
    state: &AppState,
    lot_id: &str,
    from: RecallFrom,
) -> Result<(String, &'static str), FormError> {
    Ok(match from {
        RecallFrom::Officer => (format!("/can-bo/thu-hoi/{lot_id}"), ""),
        RecallFrom::Plot => {
            let (_, plot, _) = app::diary::storage::lot_owner(&state.db, lot_id)
                .await
                .context("finding a lot's plot")?
                .ok_or(FormError::NotFound)?;
            match plot {
                Some(plot) => (format!("/nong-trai/vuon/{plot}"), "#lots"),
                None => ("/nong-trai".to_owned(), ""),
            }
        }
        RecallFrom::Lot => (
            lot_address_of(&state.db, lot_id)
                .await
                .context("finding a lot's address")?
                .ok_or(FormError::NotFound)?,
            "",
        ),
    })
}

/// The lot's producer and commune; 404 for no such lot.
async fn parties(state: &AppState, lot_id: &str) -> Result<(String, String), FormError> {
    storage::parties(&state.db, lot_id)
        .await
        .context("finding who may recall a lot")?
        .map(|(producer, commune, _)| (producer, commune))
        .ok_or(FormError::NotFound)
}

/// The recall form: back where it was with `?ok=thu-hoi`, or with the refusal.
#[tracing::instrument(skip_all, fields(lot = %lot_id))]
pub async fn recall_form(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    asker: Asker,
    Path(lot_id): Path<String>,
    Form(form): Form<RecallFields>,
) -> Result<Response, FormError> {
    let (producer_id, commune_id) = parties(&state, &lot_id).await?;
    let (back, fragment) = back_to(&state, &lot_id, RecallFrom::parse(&form.tu)).await?;
    let actor = asker.may(
        Action::RecallLot {
            producer_id: &producer_id,
            commune_id: &commune_id,
        },
        &back,
    )?;
    let refusal = match storage::recall_lot(
        &state.db,
        &actor.user_id,
        &lot_id,
        &form.reason,
        ip.as_deref(),
    )
    .await
    {
        Ok(_) => return Ok(see_other(&format!("{back}?ok={RECALLED_OK}{fragment}"))),
        Err(RecallError::NotFound) => return Err(FormError::NotFound),
        Err(RecallError::Db(e)) => return Err(FormError::unavailable("recalling a lot", e)),
        Err(RecallError::Reason(_)) => DiaryRefusal::RecallReason,
        Err(RecallError::AlreadyRecalled) => DiaryRefusal::Recalled,
        Err(RecallError::NotHarvested) => DiaryRefusal::RecallNotHarvested,
    };
    Err(FormError::refused(back, &refusal))
}

/// `POST /api/v1/lots/{id}/recall`.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct RecallRequest {
    /// Why the lot is recalled: 1 to 1,000 characters (lines trimmed, blank lines dropped).
    #[serde(default)]
    reason: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RecallAnswer {
    lot_id: String,
    /// Always `recalled`.
    status: &'static str,
    /// Units still for sale that left the variant's stock.
    units_withdrawn: i64,
    /// Orders whose buyer was notified.
    orders_notified: usize,
    /// UTC, RFC 3339.
    recalled_at: String,
}

/// Recalls a lot: its producer's people, the officers of the commune it grows in and
/// administrators, signed in (the session cookie). It goes off sale at once, its buyers are
/// notified, and it cannot be undone.
#[utoipa::path(post, path = "/api/v1/lots/{id}/recall",
    params(("id" = String, Path, description = "the lot id")),
    request_body = RecallRequest,
    responses((status = 201, body = RecallAnswer),
              (status = 401, description = "not signed in", body = crate::api::error::ErrorBody),
              (status = 403, description = "neither the lot's producer nor the officer of its commune", body = crate::api::error::ErrorBody),
              (status = 404, body = crate::api::error::ErrorBody),
              (status = 409, description = "`already_recalled`, or `not_harvested`", body = crate::api::error::ErrorBody),
              (status = 422, description = "`reason`: empty or too long", body = crate::api::error::ErrorBody)))]
#[tracing::instrument(skip_all, fields(lot = %lot_id))]
pub async fn recall_api(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    actor: Option<Extension<Actor>>,
    Path(lot_id): Path<String>,
    ApiJson(body): ApiJson<RecallRequest>,
) -> Result<(StatusCode, Json<RecallAnswer>), ApiError> {
    let Some(Extension(actor)) = actor else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "sign in first",
        ));
    };
    let missing = || ApiError::not_found("no lot has this id");
    if lot_id.len() > 100 {
        return Err(missing());
    }
    let (producer_id, commune_id, _) = storage::parties(&state.db, &lot_id)
        .await
        .map_err(|e| ApiError::unavailable("finding who may recall a lot", e))?
        .ok_or_else(missing)?;
    match authorize(
        Some(&actor),
        Action::RecallLot {
            producer_id: &producer_id,
            commune_id: &commune_id,
        },
    ) {
        Ok(()) => {}
        Err(Denied::NotSignedIn) => {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "sign in first",
            ));
        }
        Err(Denied::Forbidden) => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "only the lot's producer, the officers of its commune and administrators may recall it",
            ));
        }
    }
    let Recalled {
        units_withdrawn,
        orders_notified,
        recalled_at,
    } = storage::recall_lot(
        &state.db,
        &actor.user_id,
        &lot_id,
        &body.reason,
        ip.as_deref(),
    )
    .await
    .map_err(|e| match e {
        RecallError::NotFound => missing(),
        RecallError::Reason(ReasonError::TooLong) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "reason",
            "the reason is at most 1,000 characters",
        ),
        RecallError::Reason(_) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "reason",
            "say why the lot is recalled",
        ),
        RecallError::AlreadyRecalled => ApiError::new(
            StatusCode::CONFLICT,
            "already_recalled",
            "the lot is already recalled; a recall cannot be undone or repeated",
        ),
        RecallError::NotHarvested => ApiError::new(
            StatusCode::CONFLICT,
            "not_harvested",
            "the lot's harvest is not recorded: there is nothing to recall",
        ),
        RecallError::Db(e) => ApiError::unavailable("recalling a lot", e),
    })?;
    Ok((
        StatusCode::CREATED,
        Json(RecallAnswer {
            lot_id,
            status: "recalled",
            units_withdrawn,
            orders_notified,
            recalled_at,
        }),
    ))
}

/// `GET /can-bo/thu-hoi.csv`: the recall report of the officer's communes (every commune for
/// an administrator), one line per recalled lot.
#[tracing::instrument(skip_all)]
pub async fn report_csv(
    State(state): State<AppState>,
    asker: Asker,
) -> Result<Response, FormError> {
    let actor = asker.signed_in("/can-bo/thu-hoi")?;
    if !actor.is_officer() && !actor.admin {
        return Err(FormError::Forbidden(
            Denied::Forbidden,
            "/can-bo/thu-hoi".to_owned(),
        ));
    }
    let scope = (!actor.admin).then_some(actor.officer_of.as_slice());
    let rows = storage::report(&state.db, scope, app::i18n::Locale::Vi)
        .await
        .context("building the recall report")?;
    Ok(crate::routes::csv::download("thu-hoi.csv", &csv(&rows)))
}

/// The report's lines as CSV, a header first.
fn csv(rows: &[app::diary::recall::RecallReportRow]) -> String {
    use crate::routes::csv::field;
    let mut out = String::from(
        "lot_code,product,producer,plot,commune,harvested_on,reason,recalled_by,recalled_at,units_withdrawn,units_sold,orders,buyers\r\n",
    );
    for r in rows {
        let line = [
            field(&r.lot_code),
            field(r.product.as_deref().unwrap_or("")),
            field(&r.producer),
            field(r.plot.as_deref().unwrap_or("")),
            field(&r.commune),
            r.harvested_on.map(|d| d.to_string()).unwrap_or_default(),
            field(&r.reason),
            field(&r.recalled_by),
            field(&r.recalled_at),
            r.units_withdrawn.to_string(),
            r.units_sold.to_string(),
            r.orders.to_string(),
            r.buyers.to_string(),
        ];
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}
