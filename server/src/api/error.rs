//! Errors of the JSON API: a status code and `{"error": {"code", "message"}}`. Internal details
//! are logged, never sent.

use app::db::storage::{StorageFault, storage_fault};
use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Serialize;

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    /// Seconds, for the `Retry-After` header of a 429 (or a 503 for a storage fault).
    retry_after: Option<i64>,
    /// The storage fault behind a 503, recorded for `/healthz` on the way out.
    storage: Option<StorageFault>,
    /// The refusal in the caller's language, for a person (see [`ErrorDetail::shown`]).
    shown: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// `bad_request`, `not_found`, `ambiguous`, `unavailable`, `storage_full` (503: the server's
    /// disk is full, nothing was saved), `storage_error` (503: its storage fails), `rate_limited`,
    /// `uploads_in_progress` (429: the account has two uploads going already),
    /// or a specific refusal such as `out_of_stock`, `phone`, `empty_cart`, `order_state`,
    /// `password_change_required` (403: the session's password is a temporary one an
    /// administrator set; change it first).
    code: &'static str,
    /// What went wrong, for the developer calling the API.
    message: String,
    /// The same refusal in the words the site's pages use, in the language of the caller's
    /// `lang` cookie (Vietnamese without one), for an app to show its user as it is. Only on
    /// the farm diary's refusals.
    #[serde(skip_serializing_if = "Option::is_none")]
    shown: Option<String>,
}

impl ApiError {
    /// Any refusal with its own code, e.g. 409 `out_of_stock`.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
            storage: None,
            shown: None,
        }
    }

    /// Tells the client when to try again (`Retry-After`, in seconds).
    pub fn retry_after(mut self, seconds: i64) -> Self {
        self.retry_after = Some(seconds.max(1));
        self
    }

    /// The refusal as a person should read it (see [`ErrorDetail::shown`]).
    pub fn shown(mut self, text: Option<String>) -> Self {
        self.shown = text;
        self
    }

    /// 429: too many attempts from this client (or at this thing); try again after `wait`.
    pub fn rate_limited(wait: chrono::Duration) -> Self {
        let seconds = wait.num_seconds().max(1);
        ApiError {
            status: StatusCode::TOO_MANY_REQUESTS,
            code: "rate_limited",
            message: format!("too many attempts: try again in {seconds} seconds"),
            retry_after: Some(seconds),
            storage: None,
            shown: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "bad_request",
            message: message.into(),
            retry_after: None,
            storage: None,
            shown: None,
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::NOT_FOUND,
            code: "not_found",
            message: message.into(),
            retry_after: None,
            storage: None,
            shown: None,
        }
    }

    /// The request names more than one thing; `message` says how to pick one.
    pub fn conflict(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::CONFLICT,
            code: "ambiguous",
            message: message.into(),
            retry_after: None,
            storage: None,
            shown: None,
        }
    }

    /// The database failed: logged with its cause, reported as temporarily unavailable, or as
    /// `storage_full`/`storage_error` when the disk under it is full or failing.
    pub fn unavailable(context: &str, error: impl std::fmt::Display + 'static) -> Self {
        tracing::error!(%error, "{context} failed");
        if let Some(fault) = storage_fault_in(&error) {
            return ApiError {
                status: StatusCode::SERVICE_UNAVAILABLE,
                code: fault.code(),
                message: fault.api_message().to_owned(),
                retry_after: Some(60),
                storage: Some(fault),
                shown: None,
            };
        }
        ApiError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            code: "unavailable",
            message: "the service is temporarily unavailable, please retry".to_owned(),
            retry_after: None,
            storage: None,
            shown: None,
        }
    }
}

/// `.context("loading a product")` on a fallible step of an API handler: its error becomes
/// [`ApiError::unavailable`] saying what was being done (the API's twin of the forms'
/// `form_error::Context`).
pub trait ApiContext<T> {
    fn context(self, what: &'static str) -> Result<T, ApiError>;
}

impl<T, E: std::fmt::Display + 'static> ApiContext<T> for Result<T, E> {
    fn context(self, what: &'static str) -> Result<T, ApiError> {
        self.map_err(|e| ApiError::unavailable(what, e))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message,
                shown: self.shown,
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(fault) = self.storage {
            response.extensions_mut().insert(fault);
        }
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

/// The storage fault behind an error a handler passes on, when it is a database error (handlers
/// pass their errors by value; only `sqlx::Error` can carry one).
pub fn storage_fault_in(error: &dyn std::any::Any) -> Option<StorageFault> {
    error.downcast_ref::<sqlx::Error>().and_then(storage_fault)
}

/// Records on the database handle the storage fault a response reports (see `/healthz`).
pub async fn note_storage_fault(
    axum::extract::State(state): axum::extract::State<crate::startup::AppState>,
    response: Response,
) -> Response {
    if let Some(fault) = response.extensions().get::<StorageFault>() {
        state.db.note_fault(*fault);
    }
    response
}
