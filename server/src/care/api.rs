//! The farm API's tasks: `GET/POST /api/v1/plots/{plot_id}/tasks`, for the producer's people
//! and their devices' farm tokens.

use app::{
    care::{
        rules::{NewTask, Task, in_reading_order, pre_harvest_task},
        storage,
        texts::CareTexts,
    },
    diary::storage::{plot_diary, plot_owner},
    domain::time::vietnam_date,
    farm_tokens::Scope,
};
use axum::{
    Json,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    api::{ApiContext, ApiError, extract::ApiJson, locale},
    farm_tokens::FarmCaller,
    startup::AppState,
};

/// The producer owning a plot; a 404 for an id no plot has.
async fn plot_producer(state: &AppState, plot_id: &str) -> Result<String, ApiError> {
    if plot_id.is_empty() || plot_id.len() > 64 {
        return Err(ApiError::not_found("no such plot"));
    }
    plot_owner(&state.db, plot_id)
        .await
        .context("finding a plot's producer")?
        .map(|(producer_id, _)| producer_id)
        .ok_or_else(|| ApiError::not_found("no such plot"))
}

/// A plot's tasks: late ones first, then the coming ones by day, then the done and skipped;
/// while a spraying's pre-harvest interval runs, its end is among them (`source`
/// `pre_harvest`, no id). A task is recorded by posting its diary entry with `task_id`.
#[utoipa::path(get, path = "/api/v1/plots/{plot_id}/tasks",
    params(("plot_id" = String, Path, description = "the plot's id")),
    security((), ("farm_token" = [])),
    responses((status = 200, body = Vec<Task>),
               (status = 401, body = crate::api::error::ErrorBody),
               (status = 403, body = crate::api::error::ErrorBody),
               (status = 404, body = crate::api::error::ErrorBody),
               (status = 429, body = crate::api::error::ErrorBody)))]
#[tracing::instrument(skip_all, fields(plot = %plot_id))]
pub async fn list_tasks(
    State(state): State<AppState>,
    caller: FarmCaller,
    Path(plot_id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Vec<Task>>, ApiError> {
    let producer_id = plot_producer(&state, &plot_id).await?;
    caller.may(&producer_id, Scope::Read)?;
    let locale = locale(&headers);
    let mut tasks = storage::tasks(&state.db, &plot_id)
        .await
        .context("listing a plot's tasks")?;
    let today = vietnam_date(Utc::now());
    let (_, diary) = plot_diary(&state.db, &plot_id, locale)
        .await
        .context("reading a plot's pre-harvest interval")?
        .ok_or_else(|| ApiError::not_found("no such plot"))?;
    tasks.extend(pre_harvest_task(
        diary.phi.safe_from,
        today,
        CareTexts::of(locale).pre_harvest_title,
    ));
    Ok(Json(in_reading_order(tasks, today)))
}

/// A task as an app sends it.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewTaskBody {
    /// The diary entry kind it becomes: planting, fertilising, spraying, irrigation, pruning,
    /// flower_induction, fruit_bagging, observation, lab_test, harvest or packing.
    pub kind: String,
    pub title: String,
    #[schema(value_type = String, format = Date)]
    pub due_on: NaiveDate,
    /// The last day of its window, if it spans several days (at most 120).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub due_until: Option<NaiveDate>,
    #[serde(default)]
    pub note: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedTask {
    pub id: String,
}

/// Adds a task to a plot (a write token, or a member's session). Refusals name the field:
/// 422 `invalid_task`.
#[utoipa::path(post, path = "/api/v1/plots/{plot_id}/tasks",
    params(("plot_id" = String, Path, description = "the plot's id")),
    request_body = NewTaskBody,
    security((), ("farm_token" = [])),
    responses((status = 201, body = CreatedTask),
               (status = 401, body = crate::api::error::ErrorBody),
               (status = 403, description = "not the producer's, or a read-only token", body = crate::api::error::ErrorBody),
               (status = 404, body = crate::api::error::ErrorBody),
               (status = 422, body = crate::api::error::ErrorBody),
               (status = 429, body = crate::api::error::ErrorBody)))]
#[tracing::instrument(skip_all, fields(plot = %plot_id))]
pub async fn post_task(
    State(state): State<AppState>,
    caller: FarmCaller,
    Path(plot_id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<NewTaskBody>,
) -> Result<Response, ApiError> {
    let producer_id = plot_producer(&state, &plot_id).await?;
    caller.may(&producer_id, Scope::Write)?;
    let now = Utc::now();
    let task = NewTask::parse(
        &body.kind,
        &body.title,
        body.due_on,
        body.due_until,
        &body.note,
        vietnam_date(now),
    )
    .map_err(|r| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_task",
            (CareTexts::of(locale(&headers)).refusal)(r),
        )
    })?;
    let id = storage::create(&state.db, caller.user_id(), &plot_id, &task, now)
        .await
        .context("adding a task")?;
    Ok((StatusCode::CREATED, Json(CreatedTask { id })).into_response())
}
