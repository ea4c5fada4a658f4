//! Planned care on the HTTP side: the plot page's task forms (add, plan the year from the
//! calendar, skip, reopen), the officer's calendar editor, and the farm API's
//! `GET/POST /api/v1/plots/{plot_id}/tasks`. Rules, storage and pages are in `app::care`.

use app::{
    auth::Action,
    care::{
        CALENDAR_PAGE,
        calendar_page::parse_rows,
        rules::{NewTask, TaskEvent, TaskRefusal, TaskTransitionError},
        storage::{self, Changed},
        view::{ADDED, ADDED_ONE, REFUSED},
    },
    diary::storage::plot_owner,
    domain::time::vietnam_date,
};
use axum::{
    Form, Router,
    extract::{Path, State},
    response::Response,
    routing::{get, post},
};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use utoipa::OpenApi;

use crate::{
    auth::forms::see_other,
    form_error::{Asker, Context, FormError},
    startup::AppState,
};

pub mod api;
use api::{list_tasks, post_task};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/nong-trai/vuon/{plot_id}/viec", post(create_task))
        .route("/nong-trai/vuon/{plot_id}/viec/lich", post(apply_calendar))
        .route(
            "/nong-trai/vuon/{plot_id}/viec/{task_id}/bo-qua",
            post(skip_task),
        )
        .route(
            "/nong-trai/vuon/{plot_id}/viec/{task_id}/mo-lai",
            post(reopen_task),
        )
        .route(CALENDAR_PAGE, post(save_calendar))
        .route(&format!("{CALENDAR_PAGE}/mau"), post(reset_calendar))
        .route(app::forecast::CSV, get(forecast_csv))
        .route(
            "/api/v1/plots/{plot_id}/tasks",
            get(list_tasks).post(post_task),
        )
}

/// The care part of the API document (merged into `/api/openapi.json`).
#[derive(OpenApi)]
#[openapi(paths(api::list_tasks, api::post_task))]
pub struct CareApi;

fn plot_page(plot_id: &str) -> String {
    format!("/nong-trai/vuon/{plot_id}")
}

fn task_refused(plot_id: &str, refusal: TaskRefusal) -> FormError {
    FormError::back_with(
        plot_page(plot_id),
        format!("{REFUSED}={}#viec", refusal.as_str()),
    )
}

/// The plot's producer's people only (404 for a plot that does not exist).
async fn plot_writer(state: &AppState, asker: Asker, plot_id: &str) -> Result<String, FormError> {
    let (producer_id, _) = plot_owner(&state.db, plot_id)
        .await
        .context("finding a plot's producer")?
        .ok_or(FormError::NotFound)?;
    let producer_id = &producer_id;
    let actor = asker.may(Action::WriteFarmLog { producer_id }, &plot_page(plot_id))?;
    Ok(actor.user_id)
}

/// A date field as a form sends it: blank is none, anything else must be `YYYY-MM-DD`.
fn form_date(text: &str) -> Result<Option<NaiveDate>, TaskRefusal> {
    match text.trim() {
        "" => Ok(None),
        t => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| TaskRefusal::Date),
    }
}

#[derive(Deserialize)]
pub struct TaskForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    due_on: String,
    #[serde(default)]
    due_until: String,
    #[serde(default)]
    note: String,
}

#[tracing::instrument(skip_all, fields(plot = %plot_id))]
pub async fn create_task(
    State(state): State<AppState>,
    asker: Asker,
    Path(plot_id): Path<String>,
    Form(form): Form<TaskForm>,
) -> Result<Response, FormError> {
    let user_id = plot_writer(&state, asker, &plot_id).await?;
    let now = Utc::now();
    let task = form_date(&form.due_on)
        .and_then(|d| d.ok_or(TaskRefusal::Date))
        .and_then(|due_on| Ok((due_on, form_date(&form.due_until)?)))
        .and_then(|(due_on, due_until)| {
            NewTask::parse(
                &form.kind,
                &form.title,
                due_on,
                due_until,
                &form.note,
                vietnam_date(now),
            )
        })
        .map_err(|r| task_refused(&plot_id, r))?;
    storage::create(&state.db, &user_id, &plot_id, &task, now)
        .await
        .context("adding a task")?;
    Ok(see_other(&format!(
        "{}?{ADDED_ONE}=1#viec",
        plot_page(&plot_id)
    )))
}

#[tracing::instrument(skip_all, fields(plot = %plot_id))]
pub async fn apply_calendar(
    State(state): State<AppState>,
    asker: Asker,
    Path(plot_id): Path<String>,
) -> Result<Response, FormError> {
    let user_id = plot_writer(&state, asker, &plot_id).await?;
    let now = Utc::now();
    let added = storage::apply_calendar(&state.db, &user_id, &plot_id, vietnam_date(now), now)
        .await
        .context("planning a plot's year")?
        .ok_or_else(|| task_refused(&plot_id, TaskRefusal::NoCalendar))?;
    Ok(see_other(&format!(
        "{}?{ADDED}={added}#viec",
        plot_page(&plot_id)
    )))
}

async fn change_task(
    state: &AppState,
    asker: Asker,
    plot_id: &str,
    task_id: &str,
    event: TaskEvent,
) -> Result<Response, FormError> {
    plot_writer(state, asker, plot_id).await?;
    match storage::change(&state.db, plot_id, task_id, event, Utc::now())
        .await
        .context("changing a task")?
    {
        Changed::Now(_) => Ok(see_other(&format!("{}#viec", plot_page(plot_id)))),
        // Reopening an open task (a second tap) changes nothing: back to the list.
        Changed::Refused(TaskTransitionError::Open) => {
            Ok(see_other(&format!("{}#viec", plot_page(plot_id))))
        }
        Changed::Refused(TaskTransitionError::Done) => {
            Err(task_refused(plot_id, TaskRefusal::Done))
        }
        Changed::NotFound => Err(FormError::NotFound),
    }
}

#[tracing::instrument(skip_all, fields(plot = %plot_id, task = %task_id))]
pub async fn skip_task(
    State(state): State<AppState>,
    asker: Asker,
    Path((plot_id, task_id)): Path<(String, String)>,
) -> Result<Response, FormError> {
    change_task(&state, asker, &plot_id, &task_id, TaskEvent::Skip).await
}

#[tracing::instrument(skip_all, fields(plot = %plot_id, task = %task_id))]
pub async fn reopen_task(
    State(state): State<AppState>,
    asker: Asker,
    Path((plot_id, task_id)): Path<(String, String)>,
) -> Result<Response, FormError> {
    change_task(&state, asker, &plot_id, &task_id, TaskEvent::Reopen).await
}

/// The commune's calendar for a crop, from the editor's rows (`kind.N`, `title.N`, …).
#[tracing::instrument(skip_all)]
pub async fn save_calendar(
    State(state): State<AppState>,
    asker: Asker,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, FormError> {
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let (commune_id, crop) = (field("commune_id"), field("crop"));
    let back = format!("{CALENDAR_PAGE}?xa={commune_id}&cay={crop}");
    let actor = asker.may(
        Action::ActInCommune {
            commune_id: &commune_id,
        },
        &back,
    )?;
    if app::diary::register::crop_key(&crop).is_empty() {
        return Err(FormError::back_with(back, "loi=trong"));
    }
    let steps = parse_rows(form.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|r| FormError::back_with(back.clone(), format!("loi={}", r.as_str())))?;
    storage::save_calendar(
        &state.db,
        &actor.user_id,
        &commune_id,
        &crop,
        &steps,
        Utc::now(),
    )
    .await
    .context("saving a care calendar")?;
    Ok(see_other(&format!("{back}&ok=luu")))
}

#[derive(Deserialize)]
pub struct CalendarKey {
    commune_id: String,
    crop: String,
}

#[tracing::instrument(skip_all)]
pub async fn reset_calendar(
    State(state): State<AppState>,
    asker: Asker,
    Form(form): Form<CalendarKey>,
) -> Result<Response, FormError> {
    let back = format!("{CALENDAR_PAGE}?xa={}&cay={}", form.commune_id, form.crop);
    asker.may(
        Action::ActInCommune {
            commune_id: &form.commune_id,
        },
        &back,
    )?;
    storage::reset_calendar(&state.db, &form.commune_id, &form.crop)
        .await
        .context("resetting a care calendar")?;
    Ok(see_other(&format!("{back}&ok=mau")))
}

/// The supply forecast's CSV (`app::forecast`): commune, crop, week, kilograms, plots.
#[tracing::instrument(skip_all)]
pub async fn forecast_csv(
    State(state): State<AppState>,
    asker: Asker,
) -> Result<Response, FormError> {
    use crate::routes::csv::field;
    use app::forecast::{PAGE, storage::forecast};
    let actor = asker.signed_in(PAGE)?;
    if !actor.is_officer() && !actor.admin {
        return Err(FormError::Forbidden(
            app::auth::Denied::Forbidden,
            PAGE.to_owned(),
        ));
    }
    let scope = (!actor.admin).then_some(actor.officer_of.as_slice());
    let today = vietnam_date(Utc::now());
    let (rows, _) = forecast(&state.db, scope, today)
        .await
        .context("building the supply forecast")?;
    let mut out = String::from("commune,crop,week_start,expected_kg,plots\r\n");
    for r in rows {
        let line = [
            field(&r.commune),
            field(&r.crop),
            r.week.to_string(),
            r.kg.to_string(),
            r.plots.to_string(),
        ];
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    Ok(crate::routes::csv::download("du-bao-san-luong.csv", &out))
}
