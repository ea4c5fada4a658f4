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
}

#[island]
pub fn PhotoUpload(action: String, csrf: String, texts: UploadTexts) -> impl IntoView {
    // Percent sent; None before the upload starts.
    let progress = RwSignal::new(None::<u32>);
    // The last upload got no answer (the connection dropped): said, and the files stay chosen.
    let dropped = RwSignal::new(false);
    // Effects run only in the browser: marks the form once the island is live (tests wait on it).
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        if send_with_progress(&ev, progress, dropped).is_ok() {
            ev.prevent_default();
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let uploading = texts.uploading.clone();
    let dropped_text = texts.dropped.clone();
    view! {
        <form method="post" enctype="multipart/form-data" action=format!("{action}?csrf={csrf}")
              class="stack upload" data-live=move || live.get().then_some("1") on:submit=on_submit>
            // The description goes first: the server reads it before the files.
            <label for="photo-alt">{texts.alt}</label>
            <input id="photo-alt" name="alt" maxlength="200" placeholder=texts.alt_hint/>
            <label for="photo-files">{texts.choose}</label>
            <input id="photo-files" type="file" name="anh" accept="image/jpeg,image/png,image/webp" multiple required/>
            <p class="hint">{texts.hint}</p>
            <Show when=move || dropped.get()>
                <p class="error" role="alert">{dropped_text.clone()}</p>
            </Show>
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

/// Sends the form by `XMLHttpRequest`, reporting upload progress; on the answer, opens the page
/// the server redirected to (the editor with `?ok=1` or `?loi=…`). Without an answer (the
/// connection dropped, status 0) the form stays as it is and says so, and that some photos may
/// have arrived (each is stored as it comes): reloading it, as before, lost the choice of files
/// and told the farmer nothing.
#[cfg(feature = "hydrate")]
fn send_with_progress(
    ev: &leptos::ev::SubmitEvent,
    progress: RwSignal<Option<u32>>,
    dropped: RwSignal<bool>,
) -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::{JsCast, JsValue, closure::Closure};
    let form: web_sys::HtmlFormElement = ev.target().ok_or(JsValue::NULL)?.dyn_into()?;
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
        if done.status().unwrap_or(0) == 0 {
            progress.set(None);
            dropped.set(true);
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
    dropped.set(false);
    progress.set(Some(0));
    xhr.send_with_opt_form_data(Some(&data))
        .inspect_err(|_| progress.set(None))?;
    Ok(())
}
