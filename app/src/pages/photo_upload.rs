//! The photo upload form. Without JavaScript it is a plain multipart form; with it (an island,
//! the only part of the page that hydrates) the files go up by `XMLHttpRequest` so a progress
//! bar can show how far a slow mobile connection has got, then the page the server redirected
//! to is opened, as the plain form would.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UploadTexts {
    pub choose: String,
    pub hint: String,
    pub alt: String,
    pub alt_hint: String,
    pub submit: String,
    pub uploading: String,
    /// Said when the connection drops before the server answers.
    pub dropped: String,
    /// Said before sending a file over the limit, followed by the files' names.
    pub too_large: String,
    /// Said when the whole upload was over what a request may carry (413).
    pub too_much: String,
    /// Said when the server is busy (503).
    pub busy: String,
    /// Said when this account has other uploads going already (429).
    pub elsewhere: String,
    /// Said when the session or the form's token ran out (401, 403).
    pub expired: String,
    /// Said for any other answer that is not a page to open (500, 502, 504…).
    pub failed: String,
}

impl UploadTexts {
    fn say(&self, problem: &Problem) -> String {
        match problem {
            Problem::TooLarge(names) => format!("{} {}", self.too_large, names.join(", ")),
            Problem::Dropped => self.dropped.clone(),
            Problem::TooMuch => self.too_much.clone(),
            Problem::Busy => self.busy.clone(),
            Problem::Elsewhere => self.elsewhere.clone(),
            Problem::Expired => self.expired.clone(),
            Problem::Failed => self.failed.clone(),
        }
    }
}

/// Why the last upload did not go through. It is said under the form and the chosen files stay,
/// so the farmer can send again without choosing them again.
#[derive(Clone, Debug, PartialEq, Eq)]
// Made only in the browser (the server renders the form without one).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Problem {
    /// These files are over [`crate::photos::MAX_PHOTO_BYTES`]: nothing was sent.
    TooLarge(Vec<String>),
    /// No answer at all: the connection dropped.
    Dropped,
    TooMuch,
    Busy,
    /// Other uploads of this account are still going (another tab, another phone).
    Elsewhere,
    Expired,
    Failed,
}

/// What the answer to the upload means; `None` when it is a page to open (XMLHttpRequest has
/// followed the server's redirect to the editor, with `?ok=1` or `?loi=…`). Opening the
/// upload's own address instead, as the island once did for every answer, showed a blank 405.
#[cfg(any(feature = "hydrate", test))]
fn problem_of(status: u16) -> Option<Problem> {
    match status {
        200..=299 => None,
        0 => Some(Problem::Dropped),
        413 => Some(Problem::TooMuch),
        503 => Some(Problem::Busy),
        429 => Some(Problem::Elsewhere),
        401 | 403 => Some(Problem::Expired),
        _ => Some(Problem::Failed),
    }
}

/// The names of the files (name, size in bytes) the server would refuse as too large.
#[cfg(any(feature = "hydrate", test))]
fn too_large(files: &[(String, f64)]) -> Vec<String> {
    files
        .iter()
        .filter(|(_, size)| *size > crate::photos::MAX_PHOTO_BYTES as f64)
        .map(|(name, _)| name.clone())
        .collect()
}

#[island]
pub fn PhotoUpload(action: String, csrf: String, texts: UploadTexts) -> impl IntoView {
    // Percent sent; None before the upload starts.
    let progress = RwSignal::new(None::<u32>);
    // Why the last try did not go through; the files stay chosen.
    let problem = RwSignal::new(None::<Problem>);
    // Effects run only in the browser: marks the form once the island is live (tests wait on it).
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        if send_with_progress(&ev, progress, problem).is_ok() {
            ev.prevent_default();
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let uploading = texts.uploading.clone();
    let said = texts.clone();
    view! {
        <form method="post" enctype="multipart/form-data" action=format!("{action}?csrf={csrf}")
              class="stack upload" data-live=move || live.get().then_some("1") on:submit=on_submit>
            // The description goes first: the server reads it before the files.
            <label for="photo-alt">{texts.alt}</label>
            <input id="photo-alt" name="alt" maxlength="200" placeholder=texts.alt_hint/>
            <label for="photo-files">{texts.choose}</label>
            <input id="photo-files" type="file" name="anh" accept="image/jpeg,image/png,image/webp" multiple required/>
            <p class="hint">{texts.hint}</p>
            {move || problem.get().map(|p| view! { <p class="error" role="alert">{said.say(&p)}</p> })}
            <button type="submit" class="button" disabled=move || progress.get().is_some()>{texts.submit}</button>
            <Show when=move || progress.get().is_some()>
                <label class="progress-line">
                    {uploading.clone()} " " {move || progress.get().unwrap_or(0)} "%"
                    <progress max="100" value=move || progress.get().unwrap_or(0)></progress>
                </label>
            </Show>
        </form>
    }
}

/// Sends the form by `XMLHttpRequest`, reporting upload progress; on an answer that is a page
/// (the editor the server redirected to, with `?ok=1` or `?loi=…`), opens it, as the plain form
/// would. Files over the limit are refused before anything is sent. Any other answer, or none
/// (the connection dropped, status 0), leaves the form as it is and says why: sending again is
/// safe, since a listing keeps one copy of each photo (`photos::store::save_photo`).
#[cfg(feature = "hydrate")]
fn send_with_progress(
    ev: &leptos::ev::SubmitEvent,
    progress: RwSignal<Option<u32>>,
    problem: RwSignal<Option<Problem>>,
) -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::{JsCast, JsValue, closure::Closure};
    let form: web_sys::HtmlFormElement = ev.target().ok_or(JsValue::NULL)?.dyn_into()?;
    let chosen: web_sys::HtmlInputElement = form
        .query_selector("input[type=file]")?
        .ok_or(JsValue::NULL)?
        .dyn_into()?;
    let files: Vec<(String, f64)> = chosen
        .files()
        .map(|list| {
            (0..list.length())
                .filter_map(|i| list.item(i))
                .map(|f| (f.name(), f.size()))
                .collect()
        })
        .unwrap_or_default();
    let over = too_large(&files);
    if !over.is_empty() {
        problem.set(Some(Problem::TooLarge(over)));
        return Ok(());
    }
    let data = web_sys::FormData::new_with_form(&form)?;
    let xhr = web_sys::XmlHttpRequest::new()?;
    xhr.open("POST", &form.action())?;
    let on_progress =
        Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                progress.set(Some((e.loaded() / e.total() * 100.0).floor() as u32));
            }
        });
    xhr.upload()?
        .set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    // One small closure per upload, kept for the page's life.
    on_progress.forget();
    let done = xhr.clone();
    let on_end = Closure::<dyn FnMut()>::new(move || {
        if let Some(p) = problem_of(done.status().unwrap_or(0)) {
            progress.set(None);
            problem.set(Some(p));
            return;
        }
        let url = done.response_url();
        if let Some(window) = web_sys::window() {
            let location = window.location();
            let _ = if url.is_empty() {
                location.reload()
            } else {
                location.assign(&url)
            };
        }
    });
    xhr.set_onloadend(Some(on_end.as_ref().unchecked_ref()));
    on_end.forget();
    // Before sending: an answer that came at once must not be overwritten.
    problem.set(None);
    progress.set(Some(0));
    xhr.send_with_opt_form_data(Some(&data))
        .inspect_err(|_| progress.set(None))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_answer_is_a_page_or_a_said_problem() {
        // Only a page is opened: anything else is said, never the upload's address.
        for status in 0..=999u16 {
            let page = (200..300).contains(&status);
            assert_eq!(problem_of(status).is_none(), page, "status {status}");
        }
        assert_eq!(problem_of(200), None, "the editor after the redirect");
        assert_eq!(problem_of(0), Some(Problem::Dropped), "no answer");
        assert_eq!(
            problem_of(413),
            Some(Problem::TooMuch),
            "over the body limit"
        );
        assert_eq!(problem_of(503), Some(Problem::Busy), "photo decoding busy");
        assert_eq!(
            problem_of(429),
            Some(Problem::Elsewhere),
            "this account's other uploads"
        );
        assert_eq!(
            problem_of(403),
            Some(Problem::Expired),
            "the form's token ran out"
        );
        assert_eq!(problem_of(401), Some(Problem::Expired));
        assert_eq!(
            problem_of(502),
            Some(Problem::Failed),
            "the proxy lost the server"
        );
        assert_eq!(
            problem_of(504),
            Some(Problem::Failed),
            "the proxy gave up waiting"
        );
        assert_eq!(problem_of(405), Some(Problem::Failed));
    }

    #[test]
    fn only_files_over_the_limit_are_named() {
        let limit = crate::photos::MAX_PHOTO_BYTES as f64;
        let files = vec![
            ("small.jpg".to_owned(), 3e6),
            ("exact.jpg".to_owned(), limit),
            ("big.jpg".to_owned(), limit + 1.0),
            ("huge.png".to_owned(), 30e6),
        ];
        assert_eq!(too_large(&files), ["big.jpg", "huge.png"]);
        assert!(too_large(&[]).is_empty());
    }

    #[test]
    fn a_too_large_refusal_names_the_files() {
        let texts = UploadTexts {
            choose: String::new(),
            hint: String::new(),
            alt: String::new(),
            alt_hint: String::new(),
            submit: String::new(),
            uploading: String::new(),
            dropped: "dropped".into(),
            too_large: "Too large:".into(),
            too_much: "much".into(),
            busy: "busy".into(),
            elsewhere: "elsewhere".into(),
            expired: "expired".into(),
            failed: "failed".into(),
        };
        let names = vec!["a.jpg".to_owned(), "b.png".to_owned()];
        assert_eq!(
            texts.say(&Problem::TooLarge(names)),
            "Too large: a.jpg, b.png"
        );
        assert_eq!(texts.say(&Problem::Busy), "busy");
        assert_eq!(texts.say(&Problem::Elsewhere), "elsewhere");
    }
}
