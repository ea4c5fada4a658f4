//! What an HTML form handler answers when it does not succeed, and who is asking. Handlers
//! return `Result<Response, FormError>` and use `?`: a refusal goes back to the form with the
//! typed reason (and what was typed), a refusal by the policy is a sign-in redirect or a 403, a
//! missing record a 404, and our own fault a 503 logged with what was being done.

use app::{
    auth::{Action, Actor, Denied, authorize},
    db::storage::StorageFault,
    pages::refusal::Refusal,
};
use axum::{
    extract::FromRequestParts,
    http::{StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};

use crate::auth::forms::{denied, see_other};

/// Why a form handler did not succeed; its [`IntoResponse`] is the answer.
#[derive(Debug)]
pub enum FormError {
    /// 303 back to the form: `back`, then the query (the typed refusal and the echoed fields,
    /// maybe a `#fragment`).
    Refused { back: String, query: String },
    /// Refused by the policy: a visitor is sent to sign in and then back to `back`, a signed-in
    /// user without the role gets 403.
    Forbidden(Denied, String),
    /// 404: no such record, or none the asker may know of.
    NotFound,
    /// Our fault (the database, a file): 503, logged with what was being done. A storage fault
    /// (disk full, read-only) is said plainly and reported to `/healthz`.
    Unavailable {
        context: &'static str,
        error: String,
        fault: Option<StorageFault>,
    },
    /// An answer decided elsewhere (a full queue's 503 with `Retry-After`, a 400).
    Answer(Box<Response>),
}

impl FormError {
    /// Back to `back` with `refusal`.
    pub fn refused(back: impl Into<String>, refusal: &impl Refusal) -> Self {
        FormError::Refused {
            back: back.into(),
            query: refusal.query(),
        }
    }

    /// Back to `back` with a query already made (an older form's own encoding).
    pub fn back_with(back: impl Into<String>, query: impl Into<String>) -> Self {
        FormError::Refused {
            back: back.into(),
            query: query.into(),
        }
    }

    /// A refusal that also sends back `more` (the typed fields, a `#fragment`); anything else
    /// unchanged.
    pub fn and(self, more: &str) -> Self {
        match self {
            FormError::Refused { back, mut query } if !more.is_empty() => {
                if !more.starts_with('#') && !query.is_empty() {
                    query.push('&');
                }
                query.push_str(more);
                FormError::Refused { back, query }
            }
            other => other,
        }
    }

    /// Our fault while doing `context`.
    pub fn unavailable(context: &'static str, error: impl std::fmt::Display + 'static) -> Self {
        FormError::Unavailable {
            context,
            fault: crate::api::error::storage_fault_in(&error),
            error: error.to_string(),
        }
    }
}

impl From<Response> for FormError {
    fn from(response: Response) -> Self {
        FormError::Answer(Box::new(response))
    }
}

impl IntoResponse for FormError {
    fn into_response(self) -> Response {
        match self {
            FormError::Refused { back, query } => {
                let sep = if back.contains('?') { '&' } else { '?' };
                see_other(&format!("{back}{sep}{query}"))
            }
            FormError::Forbidden(d, back) => denied(d, &back),
            FormError::NotFound => {
                (StatusCode::NOT_FOUND, "Không tìm thấy. / Not found.").into_response()
            }
            FormError::Unavailable {
                context,
                error,
                fault,
            } => {
                tracing::error!(error = %error, context, "a form failed");
                if let Some(fault) = fault {
                    // Said plainly: the person must know their submission was not kept.
                    let mut response = (
                        StatusCode::SERVICE_UNAVAILABLE,
                        [(header::RETRY_AFTER, "60")],
                        fault.page_message(),
                    )
                        .into_response();
                    response.extensions_mut().insert(fault);
                    return response;
                }
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Hệ thống đang bận, hãy thử lại sau. / The service is busy, please try again later.",
                )
                    .into_response()
            }
            FormError::Answer(response) => *response,
        }
    }
}

/// `.context("loading a plot")` on a fallible step: its error becomes
/// [`FormError::Unavailable`] saying what was being done.
pub trait Context<T> {
    fn context(self, what: &'static str) -> Result<T, FormError>;
}

impl<T, E: std::fmt::Display + 'static> Context<T> for Result<T, E> {
    fn context(self, what: &'static str) -> Result<T, FormError> {
        self.map_err(|e| FormError::unavailable(what, e))
    }
}

/// Who is asking: the signed-in actor, if any. Never refuses by itself; the handler says which
/// page a visitor signs in for, since a form's page is not the path it posts to.
pub struct Asker(pub Option<Actor>);

impl<S: Send + Sync> FromRequestParts<S> for Asker {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Asker(parts.extensions.get::<Actor>().cloned()))
    }
}

impl Asker {
    pub fn actor(&self) -> Option<&Actor> {
        self.0.as_ref()
    }

    /// The signed-in actor, or a visitor sent to sign in and back to `back`.
    pub fn signed_in(self, back: &str) -> Result<Actor, FormError> {
        self.0
            .ok_or_else(|| FormError::Forbidden(Denied::NotSignedIn, back.to_owned()))
    }

    /// The actor the policy allows `action`, or its refusal (sign in for `back`, or 403).
    pub fn may(self, action: Action<'_>, back: &str) -> Result<Actor, FormError> {
        authorize(self.0.as_ref(), action).map_err(|d| FormError::Forbidden(d, back.to_owned()))?;
        self.signed_in(back)
    }
}

/// The signed-in province administrator. Anyone else is refused before the form is read: a
/// visitor is sent to sign in (then back to the page the form is on), anyone else gets 403.
pub struct Administrator(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for Administrator {
    type Rejection = FormError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, FormError> {
        const USERS: &str = "/quan-tri/nguoi-dung";
        let back = if parts.uri.path().starts_with(USERS) {
            USERS
        } else {
            "/quan-tri"
        };
        let actor = parts.extensions.get::<Actor>().cloned();
        Asker(actor)
            .may(Action::Administer, back)
            .map(Administrator)
    }
}

impl FormError {
    /// A photo upload that failed: a refused file goes back to `back` with the page's reason
    /// for it, a full decoding queue is a 503 with `Retry-After`, anything else our fault.
    pub fn upload<R: Refusal>(
        back: &str,
        e: crate::photos::upload::UploadError,
        refusal: impl FnOnce(crate::photos::upload::PhotoRefusal) -> R,
    ) -> Self {
        use crate::photos::upload::{self, UploadError};
        match e {
            UploadError::Refused(r) => FormError::refused(back, &refusal(r)),
            UploadError::Busy => upload::busy().into(),
            UploadError::Internal(e) => FormError::unavailable("storing a photo", e),
        }
    }
}
