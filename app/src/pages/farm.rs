//! The farmer's cultivation log on a phone: `/nong-trai` (plots and lots), `/nong-trai/vuon/{id}`
//! (one plot's diary: record an entry in a few taps, correct one, add and sell lots) and
//! `/nong-trai/lo/{id}/nhan` (a printable sheet of lot labels with their QR code). Plain forms
//! posting to `server::routes::diary_forms`; they work without JavaScript.

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use crate::{
    auth::views::CommuneChoice,
    components::TextArea,
    i18n::use_locale,
    pages::{
        account::CsrfField,
        diary_texts::{DiaryTexts, KINDS},
        gate::{Gate, gate, gate_or_404},
        lot::{PhiLine, Timeline},
    },
    traceability::{LotLine, PlotDiary, PlotSummary, TimelineEntry},
};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FarmData {
    /// (producer id, name) of the producers the user works for.
    pub producers: Vec<(String, String)>,
    pub plots: Vec<PlotSummary>,
    pub communes: Vec<CommuneChoice>,
}

#[server(prefix = "/fn")]
pub async fn get_farm_page() -> Result<Gate<FarmData>, ServerFnError> {
    use crate::pages::gate::require_signed_in;
    let (actor, cx) = match require_signed_in("/nong-trai")? {
        Ok(found) => found,
        Err(gate) => return Ok(gate),
    };
    let ids = actor.producer_ids();
    let load = async {
        let producers = crate::db::producers::of_user(&cx.db, &actor.user_id).await?;
        let plots = crate::db::diary::plots_of(&cx.db, &ids, cx.locale).await?;
        let communes = crate::db::producers::commune_choices(&cx.db).await?;
        Ok::<_, sqlx::Error>(FarmData {
            producers: producers.into_iter().map(|p| (p.id, p.name)).collect(),
            plots,
            communes,
        })
    };
    load.await
        .map(Gate::Allowed)
        .map_err(|e| cx.failed("loading the farm page", e))
}

#[component]
pub fn FarmPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_farm_page());
    gate(data, |d| view! { <FarmView data=d/> })
}

/// The refusal or confirmation the diary forms sent back, in the reader's language.
#[component]
pub fn DiaryNotice() -> impl IntoView {
    let locale = use_locale();
    let t = DiaryTexts::of(locale);
    let query = use_query_map();
    query.with_untracked(|q| {
        if q.get("ok").is_some() {
            return Some(view! { <p class="notice ok" role="status">{t.saved}</p> }.into_any());
        }
        let date = |key: &str| {
            q.get(key)
                .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
                .map(|d| (locale.texts().date)(d))
                .unwrap_or_default()
        };
        let text = match q.get("loi")?.as_str() {
            "phi" => (t.err_phi)(
                &q.get("thuoc").unwrap_or_default(),
                &date("ngay_phun"),
                &date("an_toan"),
            ),
            "lot_code" => t.err_lot_code.to_owned(),
            "lot_taken" => t.err_lot_taken.to_owned(),
            "plot_taken" => t.err_plot_taken.to_owned(),
            "not_harvested" => t.err_not_harvested.to_owned(),
            "correction" => t.err_correction.to_owned(),
            "future" => t.err_future.to_owned(),
            "spraying" => t.err_spraying.to_owned(),
            "harvest" => t.err_harvest.to_owned(),
            "photo_size" => t.err_photo_size.to_owned(),
            "photo_format" => t.err_photo_format.to_owned(),
            "photo_pixels" => t.err_photo_pixels.to_owned(),
            "photo_corrupt" => t.err_photo_corrupt.to_owned(),
            "photo_alt" => t.err_photo_alt.to_owned(),
            _ => t.err_invalid.to_owned(),
        };
        Some(view! { <p class="notice error" role="alert">{text}</p> }.into_any())
    })
}

#[component]
fn FarmView(data: FarmData) -> impl IntoView {
    let locale = use_locale();
    let t = DiaryTexts::of(locale);
    let texts = locale.texts();
    if data.producers.is_empty() {
        return view! {
            <Title text=t.farm_title/>
            <main class="page narrow">
                <h1>{t.farm_title}</h1>
                <p>{t.no_producer}</p>
                <p><a class="button" href="/tai-khoan">{crate::auth::texts::AccountTexts::of(locale).account}</a></p>
            </main>
        }
        .into_any();
    }
    let several = data.producers.len() > 1;
    view! {
        <Title text=t.farm_title/>
        <main class="page narrow farm">
            <h1>{t.farm_title}</h1>
            <DiaryNotice/>
            <h2>{t.plots_heading}</h2>
            {data.plots.is_empty().then(|| view! { <p>{t.no_plots}</p> })}
            <ul class="plots">
                {data.plots.into_iter().map(|p| view! {
                    <li class="plot-card">
                        <a href=format!("/nong-trai/vuon/{}", p.id)><strong>{p.name}</strong></a>
                        <span class="muted">" · " {p.crop} {several.then(|| format!(" · {}", p.producer_name))}</span>
                        <p class="small">{(t.entries_count)(p.entries)} " · "
                            {match p.safe_from {
                                Some(d) => (t.safe_from)(&(texts.date)(d)),
                                None => t.safe_now.to_owned(),
                            }}
                        </p>
                        <ul class="lot-lines">
                            {p.lots.into_iter().map(|l| view! {
                                <li><a href=l.path><code>{l.code}</code></a> " · " {(t.status)(&l.status)}</li>
                            }).collect_view()}
                        </ul>
                    </li>
                }).collect_view()}
            </ul>
            <details class="add" open=true>
                <summary>{t.new_plot}</summary>
                <form method="post" action="/nong-trai/vuon" class="stack">
                    <CsrfField/>
                    {if several {
                        view! {
                            <label>{t.producer}
                                <select name="producer_id" required>
                                    {data.producers.iter().map(|(id, name)| view! { <option value=id.clone()>{name.clone()}</option> }).collect_view()}
                                </select>
                            </label>
                        }.into_any()
                    } else {
                        view! { <input type="hidden" name="producer_id" value=data.producers[0].0.clone()/> }.into_any()
                    }}
                    <label>{t.plot_name} <input name="name" required maxlength="100" placeholder="Vườn nhãn số 1"/></label>
                    <label>{t.crop} <input name="crop" required maxlength="100" placeholder="nhãn lồng"/></label>
                    <label>{t.commune}
                        <select name="commune_id" required>
                            {data.communes.into_iter().map(|c| view! { <option value=c.id>{c.name}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>{t.area_label} <input name="area_m2" type="number" min="1" inputmode="numeric"/></label>
                    <label>{t.growing_code_label} <input name="growing_area_code" maxlength="40"/></label>
                    <button type="submit" class="button">{t.add_plot}</button>
                </form>
            </details>
        </main>
    }
    .into_any()
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PlotPageData {
    pub diary: PlotDiary,
    pub today: NaiveDate,
}

/// Whether the actor may see and write this producer's farm screens.
#[cfg(feature = "ssr")]
fn writes_farm_log(actor: &crate::auth::Actor, producer_id: &str) -> bool {
    use crate::auth::{Action, authorize};
    authorize(Some(actor), Action::WriteFarmLog { producer_id }).is_ok()
}

#[server(prefix = "/fn")]
pub async fn get_plot_page(id: String) -> Result<Gate<Option<PlotPageData>>, ServerFnError> {
    use crate::pages::gate::require_signed_in;
    let back = format!("/nong-trai/vuon/{id}");
    let (actor, cx) = match require_signed_in(&back)? {
        Ok(found) => found,
        Err(gate) => return Ok(gate),
    };
    let Some((producer_id, diary)) = crate::db::diary::plot_diary(&cx.db, &id, cx.locale)
        .await
        .map_err(|e| cx.failed("loading a plot", e))?
    else {
        return Ok(Gate::Allowed(None));
    };
    if !writes_farm_log(&actor, &producer_id) {
        return Ok(Gate::Forbidden);
    }
    Ok(Gate::Allowed(Some(PlotPageData {
        diary,
        today: cx.today,
    })))
}

#[component]
pub fn PlotPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_plot_page,
    );
    gate_or_404(data, |d| view! { <PlotView data=d/> })
}

/// What the entry form starts with: blank, the entry being corrected, or what the farmer typed
/// before a refusal (sent back in the query, so nothing typed is lost).
#[derive(Clone, Debug, Default, PartialEq)]
struct EntryPrefill {
    kind: Option<String>,
    occurred_on: Option<String>,
    lot_id: Option<String>,
    input_name: Option<String>,
    active_ingredient: Option<String>,
    target: Option<String>,
    dose: Option<String>,
    phi_days: Option<String>,
    quantity_kg: Option<String>,
    note: String,
}

impl EntryPrefill {
    fn of_entry(e: &TimelineEntry, lots: &[LotLine]) -> Self {
        EntryPrefill {
            kind: Some(e.kind.clone()),
            occurred_on: Some(e.occurred_on.to_string()),
            lot_id: lots
                .iter()
                .find(|l| e.lot_code.as_deref() == Some(l.code.as_str()))
                .map(|l| l.id.clone()),
            input_name: e.input_name.clone(),
            active_ingredient: e.active_ingredient.clone(),
            target: e.target.clone(),
            dose: e.dose.clone(),
            phi_days: e.phi_days.map(|d| d.to_string()),
            quantity_kg: e.quantity_kg.map(|q| q.to_string()),
            note: e.note.clone(),
        }
    }

    /// From the form's own field names (as the server echoes them).
    fn typed(field: impl Fn(&str) -> Option<String>) -> Self {
        EntryPrefill {
            kind: field("kind"),
            occurred_on: field("occurred_on"),
            lot_id: field("lot_id"),
            input_name: field("input_name"),
            active_ingredient: field("active_ingredient"),
            target: field("target"),
            dose: field("dose"),
            phi_days: field("phi_days"),
            quantity_kg: field("quantity_kg"),
            note: field("note").unwrap_or_default(),
        }
    }
}

#[component]
fn PlotView(data: PlotPageData) -> impl IntoView {
    let locale = use_locale();
    let t = DiaryTexts::of(locale);
    let diary = data.diary;
    let base = format!("/nong-trai/vuon/{}", diary.plot.id);
    let query = use_query_map().get_untracked();
    // `sua`: the entry being corrected; `corrects_id`: the same, sent back after a refusal.
    let correcting = query
        .get("sua")
        .or_else(|| query.get("corrects_id"))
        .and_then(|id| diary.entries.iter().find(|e| e.id == id).cloned());
    let today = data.today.to_string();
    let p = if query.get("loi").is_some() {
        EntryPrefill::typed(|name| query.get(name))
    } else {
        correcting
            .as_ref()
            .map(|e| EntryPrefill::of_entry(e, &diary.plot.lots))
            .unwrap_or_default()
    };
    view! {
        <Title text=diary.plot.name.clone()/>
        <main class="page narrow farm">
            <nav class="crumbs"><a href="/nong-trai">{t.farm_title}</a></nav>
            <h1>{diary.plot.name.clone()}</h1>
            <p class="muted">{diary.facts.crop.clone()} " · " {diary.facts.commune.name.clone()}</p>
            <DiaryNotice/>
            <PhiLine phi=diary.phi.clone() locale/>
            {match diary.chain.broken_at_seq {
                None => view! { <p class="chain ok small">"✓ " {(t.chain_intact)(diary.chain.entries)}</p> }.into_any(),
                Some(seq) => view! { <p class="chain broken" role="alert">"⚠ " {(t.chain_broken)(seq)}</p> }.into_any(),
            }}

            <section id="ghi" aria-labelledby="new-entry">
                <h2 id="new-entry">{t.new_entry}</h2>
                {correcting.as_ref().map(|e| view! { <p class="notice">{(t.correcting)(e.seq)}</p> })}
                <form method="post" action=format!("{base}/ghi") class="stack entry-form">
                    <CsrfField/>
                    {correcting.as_ref().map(|e| view! { <input type="hidden" name="corrects_id" value=e.id.clone()/> })}
                    <label>{t.kind_label}
                        <select name="kind" required>
                            {KINDS.iter().map(|k| view! {
                                <option value=*k selected=p.kind.as_deref() == Some(*k)>{(t.kind)(k)}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <label>{t.date_label}
                        <input type="date" name="occurred_on" required max=today.clone()
                               value=p.occurred_on.clone().unwrap_or(today.clone())/>
                    </label>
                    <label>{t.lot_label}
                        <select name="lot_id">
                            <option value="">{t.no_lot}</option>
                            {diary.plot.lots.iter().map(|l| view! {
                                <option value=l.id.clone() selected=p.lot_id.as_deref() == Some(l.id.as_str())>{l.code.clone()}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <label>{t.input_label} <input name="input_name" maxlength="200" value=p.input_name.clone()/></label>
                    <label>{t.ingredient_label} <input name="active_ingredient" maxlength="200" value=p.active_ingredient.clone()/></label>
                    <label>{t.target_label} <input name="target" maxlength="200" value=p.target.clone()/></label>
                    <label>{t.dose_label} <input name="dose" maxlength="200" value=p.dose.clone()/></label>
                    <label>{t.phi_label} <input name="phi_days" type="number" min="0" max="365" inputmode="numeric" value=p.phi_days.clone()/></label>
                    <label>{t.quantity_label} <input name="quantity_kg" type="number" min="1" inputmode="numeric" value=p.quantity_kg.clone()/></label>
                    <label>{t.note_label} <TextArea name="note" maxlength=2000 rows=2 value=p.note.clone()/></label>
                    <button type="submit" class="button">{t.record}</button>
                </form>
            </section>

            <section aria-labelledby="lots">
                <h2 id="lots">{t.lots_heading}</h2>
                <ul class="lot-lines">
                    {diary.plot.lots.iter().map(|l| {
                        let sellable = l.status == "harvested";
                        view! {
                            <li>
                                <code>{l.code.clone()}</code> " · " {(t.status)(&l.status)}
                                " · " {l.variant.clone().unwrap_or_else(|| t.not_listed.to_owned())}
                                <p class="small">
                                    <a href=l.path.clone()>{t.trace_page}</a> " · "
                                    <a href=format!("/nong-trai/lo/{}/nhan", l.id)>{t.print_labels}</a>
                                </p>
                                {sellable.then(|| view! {
                                    <form method="post" action=format!("/nong-trai/lo/{}/ban", l.id) class="inline">
                                        <CsrfField/>
                                        <button type="submit" class="button secondary">{t.put_on_sale}</button>
                                    </form>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <details class="add">
                    <summary>{t.new_lot}</summary>
                    <form method="post" action=format!("{base}/lo") class="stack">
                        <CsrfField/>
                        <label>{t.lot_code_label} <input name="lot_code" required maxlength="20" autocapitalize="characters" placeholder="NL-2027-01"/></label>
                        <label>{t.sold_as}
                            <select name="variant_id">
                                <option value="">{t.not_listed}</option>
                                {diary.variants.iter().map(|(id, label)| view! { <option value=id.clone()>{label.clone()}</option> }).collect_view()}
                            </select>
                        </label>
                        <label>{t.grade} <input name="grade" maxlength="40" placeholder="Loại 1"/></label>
                        <button type="submit" class="button">{t.add_lot}</button>
                    </form>
                </details>
            </section>

            <section aria-labelledby="log">
                <h2 id="log">{t.timeline}</h2>
                <Timeline entries=diary.entries locale correct_href=Some(base)/>
            </section>
        </main>
    }
}

#[server(prefix = "/fn")]
pub async fn get_labels_page(
    id: String,
) -> Result<Gate<Option<crate::traceability::LotTrace>>, ServerFnError> {
    use crate::pages::gate::require_signed_in;
    let back = format!("/nong-trai/lo/{id}/nhan");
    let (actor, cx) = match require_signed_in(&back)? {
        Ok(found) => found,
        Err(gate) => return Ok(gate),
    };
    let owner = crate::db::diary::lot_owner(&cx.db, &id)
        .await
        .map_err(|e| cx.failed("loading a lot", e))?;
    let Some((producer_id, _, _)) = owner else {
        return Ok(Gate::Allowed(None));
    };
    if !writes_farm_log(&actor, &producer_id) {
        return Ok(Gate::Forbidden);
    }
    let trace = crate::db::traceability::lot_trace(&cx.db, &id, cx.locale)
        .await
        .map_err(|e| cx.failed("loading a lot", e))?;
    Ok(Gate::Allowed(trace))
}

#[component]
pub fn LabelsPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_labels_page,
    );
    gate_or_404(data, |d| view! { <LabelsView data=d/> })
}

/// Eight labels per A4 sheet; on screen, a preview with a print button.
#[component]
fn LabelsView(data: crate::traceability::LotTrace) -> impl IntoView {
    let locale = use_locale();
    let t = DiaryTexts::of(locale);
    let texts = locale.texts();
    let product = data
        .product
        .as_ref()
        .map(|p| match &p.variant {
            Some(v) => format!("{} · {v}", p.name),
            None => p.name.clone(),
        })
        .unwrap_or_else(|| data.plot.crop.clone());
    let harvested = data
        .lot
        .harvested_on
        .map(|d| (texts.date)(d))
        .unwrap_or_else(|| t.not_harvested.to_owned());
    let qr = format!("/lo/{}/qr.svg", data.lot.id);
    let label = move || {
        view! {
            <div class="label">
                <img src=qr.clone() width="110" height="110" alt=t.qr_alt/>
                <div>
                    <p class="label-product">{product.clone()}</p>
                    <p>{t.lot} " " <strong>{data.lot.code.clone()}</strong></p>
                    <p>{t.harvested_on} ": " {harvested.clone()}</p>
                    <p>{data.producer.name.clone()}</p>
                    <p class="small">{data.plot.commune.name.clone()}</p>
                </div>
            </div>
        }
    };
    view! {
        <Title text=t.labels_title/>
        <main class="page labels-page">
            <p class="no-print">{t.print} " · " <a href=data.path.clone()>{t.trace_page}</a></p>
            <div class="label-sheet">
                {(0..8).map(|_| label()).collect_view()}
            </div>
        </main>
    }
}
