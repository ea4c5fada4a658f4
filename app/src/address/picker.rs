//! The delivery address's province and commune on a form. Without JavaScript it is two steps: a
//! small form chooses the province (the page comes back with that province's communes), then a
//! list of its communes. Once live, a type-to-filter field finds any of the country's 3,321
//! communes by name, with or without diacritics, or by a former name ("Quận Hoàn Kiếm").
//! The page never carries the whole list: the field asks `/api/v1/addresses/communes?q=`.

use leptos::prelude::*;

use crate::{
    address::{
        model::{CommuneChoice, ProvinceChoice},
        texts::AddressTexts,
    },
    i18n::Locale,
};

/// The province step: a GET form back to `action` with `province_id`; `keep` are the other
/// query pairs to carry along (what the buyer already typed).
#[component]
pub fn ProvinceStep(
    action: &'static str,
    provinces: Vec<ProvinceChoice>,
    chosen: Option<String>,
    keep: Vec<(String, String)>,
    locale: Locale,
) -> impl IntoView {
    let t = AddressTexts::of(locale);
    view! {
        <form method="get" action=action class="province-step">
            {keep.into_iter().map(|(k, v)| view! { <input type="hidden" name=k value=v/> }).collect_view()}
            <label for="province">{t.province}</label>
            <select id="province" name="province_id" required>
                <option value="">{t.choose_province}</option>
                {provinces.into_iter().map(|p| {
                    let selected = chosen.as_deref() == Some(p.code.as_str());
                    view! { <option value=p.code selected=selected>{p.label}</option> }
                }).collect_view()}
            </select>
            <button type="submit" class="button secondary">{t.show_communes}</button>
        </form>
    }
}

/// The commune step, inside the order form: it submits `province_id` and `commune_id`.
#[island]
pub fn CommunePicker(
    /// The province chosen in the first step, if any.
    province: Option<String>,
    /// That province's communes: (code, label).
    communes: Vec<(String, String)>,
    /// The commune already chosen (a refused submit), if any, with its label.
    chosen: Option<(String, String)>,
    vi: bool,
) -> impl IntoView {
    let t = AddressTexts::of(if vi { Locale::Vi } else { Locale::En });
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let province_code = RwSignal::new(province.clone().unwrap_or_default());
    let commune_code = RwSignal::new(chosen.as_ref().map(|c| c.0.clone()).unwrap_or_default());
    let chosen_label = RwSignal::new(chosen.map(|c| c.1).unwrap_or_default());
    let found = RwSignal::new(Vec::<CommuneChoice>::new());
    let asked = RwSignal::new(false);
    let latest = StoredValue::new(0u64);
    let list = StoredValue::new(communes);
    let first_step = province.clone().unwrap_or_default();
    let on_input = move |ev: leptos::ev::Event| {
        let q = event_target_value(&ev);
        let ticket = latest.get_value() + 1;
        latest.set_value(ticket);
        if q.trim().chars().count() < 2 {
            found.set(Vec::new());
            asked.set(false);
        } else {
            find_communes(q, ticket, latest, found, asked);
        }
    };
    let choose = move |c: CommuneChoice| {
        province_code.set(c.province_code.clone());
        commune_code.set(c.code.clone());
        chosen_label.set(format!("{}, {}", c.label, c.province_label));
        found.set(Vec::new());
        asked.set(false);
    };
    let no_js = {
        let province = province.clone();
        move || {
            let options = list.get_value();
            let current = commune_code.get_untracked();
            view! {
                <input type="hidden" name="province_id" value=province.clone().unwrap_or_default()/>
                <label for="commune">{t.commune}</label>
                <select id="commune" name="commune_id" required>
                    <option value="">{t.choose_commune}</option>
                    {options.into_iter().map(|(code, label)| {
                        let selected = code == current;
                        view! { <option value=code selected=selected>{label}</option> }
                    }).collect_view()}
                </select>
            }
        }
    };
    let live_view = move || {
        let options = list.get_value();
        let first_step = first_step.clone();
        view! {
            <input type="hidden" name="province_id" prop:value=move || province_code.get()/>
            <input type="hidden" name="commune_id" prop:value=move || commune_code.get()/>
            <label for="commune-find">{t.find_label}</label>
            <input id="commune-find" type="search" autocomplete="off" maxlength="100"
                   placeholder=t.find_hint aria-controls="commune-matches" aria-autocomplete="list"
                   on:input=on_input/>
            <ul id="commune-matches" class="suggestions" role="listbox"
                hidden=move || found.get().is_empty()>
                {move || found.get().into_iter().map(|c| {
                    let label = format!("{}, {}", c.label, c.province_label);
                    let pick = c.clone();
                    view! {
                        <li role="option">
                            <button type="button" class="link" on:click=move |_| choose(pick.clone())>
                                {label}
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p class="notice" role="status" hidden=move || !(asked.get() && found.get().is_empty())>
                {t.no_match}
            </p>
            {(!options.is_empty()).then(|| view! {
                <div hidden=move || province_code.get() != first_step>
                <label for="commune">{t.commune}</label>
                <select id="commune" on:change=move |ev| {
                    let code = event_target_value(&ev);
                    let label = list.get_value().into_iter()
                        .find(|(c, _)| *c == code).map(|(_, l)| l).unwrap_or_default();
                    commune_code.set(code);
                    chosen_label.set(label);
                }>
                    <option value="">{t.choose_commune}</option>
                    {options.into_iter().map(|(code, label)| {
                        let selected = code == commune_code.get_untracked();
                        view! { <option value=code selected=selected>{label}</option> }
                    }).collect_view()}
                </select>
                </div>
            })}
            <p class="chosen-address" hidden=move || commune_code.get().is_empty()>
                {t.chosen} ": " <strong>{move || chosen_label.get()}</strong>
            </p>
        }
    };
    view! {
        <div class="commune-picker" data-live=move || live.get().then_some("1")>
            {move || if live.get() { live_view().into_any() } else { no_js().into_any() }}
        </div>
    }
}

/// How long typing must pause before the field asks (one request per word, not per letter).
#[cfg(feature = "hydrate")]
const TYPING_PAUSE: std::time::Duration = std::time::Duration::from_millis(150);

/// Asks for the communes matching `q` once typing pauses; a later keystroke's answer wins.
fn find_communes(
    q: String,
    ticket: u64,
    latest: StoredValue<u64>,
    found: RwSignal<Vec<CommuneChoice>>,
    asked: RwSignal<bool>,
) {
    #[cfg(feature = "hydrate")]
    set_timeout(
        move || {
            if latest.try_get_value() != Some(ticket) {
                return;
            }
            leptos::task::spawn_local(async move {
                let answer = fetch_communes(&q).await;
                if latest.try_get_value() == Some(ticket) {
                    asked.set(answer.is_some());
                    found.set(answer.unwrap_or_default());
                }
            });
        },
        TYPING_PAUSE,
    );
    // Input events only happen in the browser.
    #[cfg(not(feature = "hydrate"))]
    let _ = (q, ticket, latest, found, asked);
}

/// Asks `/api/v1/addresses/communes` (same origin: the language cookie goes along).
#[cfg(feature = "hydrate")]
async fn fetch_communes(q: &str) -> Option<Vec<CommuneChoice>> {
    let path = format!(
        "/api/v1/addresses/communes?q={}",
        String::from(js_sys::encode_uri_component(q))
    );
    crate::pages::fetch_json::<crate::address::model::CommuneList>(&path)
        .await
        .map(|l| l.items)
}
