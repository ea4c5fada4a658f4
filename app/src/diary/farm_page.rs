//! The farmer's cultivation log on a phone: `/nong-trai` (plots and lots), `/nong-trai/vuon/{id}`
//! (one plot's diary: record an entry in a few taps, correct one, add and sell lots) and
//! `/nong-trai/lo/{id}/nhan` (a printable sheet of lot labels with their QR code). Plain forms
//! posting to `server::diary::forms`; they work without JavaScript.

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use crate::{
    auth::{pages::CsrfField, views::CommuneChoice},
    care::view::CareSection,
    components::TextArea,
    diary::{
        form::{DiaryRefusal, EntryFields, Saved, field},
        lot_page::{PhiLine, Timeline},
        model::{LotLine, PlotDiary, PlotSummary, TimelineEntry},
        offline::OfflineQueue,
        recall::{
            page::{RECALLED_OK, RecallForm, RecallFrom},
            recallable,
            texts::RecallTexts,
        },
        rules::EntryKind,
        texts::{DiaryTexts, refusal_text},
    },
    i18n::use_locale,
    lot_sales::rules::MAX_UNITS,
    pages::{
        gate::{Gate, gate, gate_or_404},
        refusal::Refusal,
    },
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
    use crate::pages::gate::{gated, require_signed_in};
    gated(require_signed_in("/nong-trai"), |actor, cx| async move {
        let ids = actor.producer_ids();
        let load = async {
            let producers = crate::auth::producers::of_user(&cx.db, &actor.user_id).await?;
            let plots = crate::diary::storage::plots_of(&cx.db, &ids, cx.locale).await?;
            let communes = crate::auth::producers::commune_choices(&cx.db).await?;
            Ok::<_, sqlx::Error>(FarmData {
                producers: producers.into_iter().map(|p| (p.id, p.name)).collect(),
                plots,
                communes,
            })
        };
        load.await
            .map(Gate::Allowed)
            .map_err(|e| cx.failed("loading the farm page", e))
    })
    .await
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
        if q.get("ok").as_deref() == Some(RECALLED_OK) {
            let text = RecallTexts::of(locale).recalled_notice;
            return Some(view! { <p class="notice ok" role="status">{text}</p> }.into_any());
        }
        if q.get("ok").is_some() {
            // What the plant-protection register noted on the spraying just recorded.
            let saved = Saved::from_query(q.latest_values().map(|(k, v)| (k.as_ref(), v)));
            let filled = saved
                .as_ref()
                .and_then(|s| s.phi_filled.map(|d| (t.saved_phi_filled)(d, s.seq)));
            let unregistered = saved
                .as_ref()
                .filter(|s| s.unregistered)
                .map(|s| (t.saved_unregistered)(s.seq));
            return Some(
                view! {
                    <p class="notice ok" role="status">{t.saved}</p>
                    {filled.map(|text| view! { <p class="notice" role="status">{text}</p> })}
                    {unregistered.map(|text| view! { <p class="notice warn" role="alert">"⚠ " {text}</p> })}
                }
                .into_any(),
            );
        }
        let refusal = DiaryRefusal::from_query(q.latest_values().map(|(k, v)| (k.as_ref(), v)))?;
        let text = refusal_text(&refusal, locale);
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
            <OfflineQueue/>
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
                                <li><a href=l.path><code>{l.code}</code></a> " · " {t.status_of(&l.status)}</li>
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
    /// The plot's planned care (`care`).
    pub care: crate::care::view::CarePlan,
}

/// Whether the actor may see and write this producer's farm screens.
#[cfg(feature = "ssr")]
fn writes_farm_log(actor: &crate::auth::Actor, producer_id: &str) -> bool {
    use crate::auth::{Action, authorize};
    authorize(Some(actor), Action::WriteFarmLog { producer_id }).is_ok()
}

#[server(prefix = "/fn")]
pub async fn get_plot_page(id: String) -> Result<Gate<Option<PlotPageData>>, ServerFnError> {
    use crate::pages::gate::{gated, require_signed_in};
    let back = format!("/nong-trai/vuon/{id}");
    gated(require_signed_in(&back), |actor, cx| async move {
        let Some((producer_id, diary)) = crate::diary::storage::plot_diary(&cx.db, &id, cx.locale)
            .await
            .map_err(|e| cx.failed("loading a plot", e))?
        else {
            return Ok(Gate::Allowed(None));
        };
        if !writes_farm_log(&actor, &producer_id) {
            return Ok(Gate::Forbidden);
        }
        let care = async {
            let tasks = crate::care::storage::tasks(&cx.db, &id).await?;
            let calendar = crate::care::storage::calendar_of_plot(&cx.db, &id).await?;
            Ok::<_, sqlx::Error>((tasks, calendar))
        };
        let (mut tasks, calendar) = care
            .await
            .map_err(|e| cx.failed("loading a plot's tasks", e))?;
        let safe = crate::care::texts::CareTexts::of(cx.locale).pre_harvest_title;
        tasks.extend(crate::care::rules::pre_harvest_task(
            diary.phi.safe_from,
            cx.today,
            safe,
        ));
        Ok(Gate::Allowed(Some(PlotPageData {
            diary,
            today: cx.today,
            care: crate::care::view::CarePlan {
                tasks: crate::care::rules::in_reading_order(tasks, cx.today),
                calendar: calendar.map(|(steps, own)| (steps.len(), own)),
            },
        })))
    })
    .await
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

/// The entry form filled with the entry being corrected.
fn fields_of_entry(e: &TimelineEntry, lots: &[LotLine]) -> EntryFields {
    let text = |t: &Option<String>| t.clone().unwrap_or_default();
    EntryFields {
        kind: e.kind.clone(),
        occurred_on: e.occurred_on.to_string(),
        lot_id: lots
            .iter()
            .find(|l| e.lot_code.as_deref() == Some(l.code.as_str()))
            .map(|l| l.id.clone())
            .unwrap_or_default(),
        input_name: text(&e.input_name),
        active_ingredient: text(&e.active_ingredient),
        target: text(&e.target),
        dose: text(&e.dose),
        phi_days: e.phi_days.map(|d| d.to_string()).unwrap_or_default(),
        quantity_kg: e.quantity_kg.map(|q| q.to_string()).unwrap_or_default(),
        note: e.note.clone(),
        // The form says which entry it corrects on its own (a hidden input).
        corrects_id: String::new(),
        task_id: String::new(),
    }
}

/// A field's value attribute: none for a blank field, as the browser shows an empty input.
fn filled(value: &str) -> Option<String> {
    Some(value.to_owned()).filter(|v| !v.is_empty())
}

#[component]
fn PlotView(data: PlotPageData) -> impl IntoView {
    let locale = use_locale();
    let t = DiaryTexts::of(locale);
    let diary = data.diary;
    let base = format!("/nong-trai/vuon/{}", diary.plot.id);
    let query = use_query_map().get_untracked();
    // What a refusal sent back: the fields as typed (see `EntryFields`).
    let echoed = EntryFields::from_query(query.latest_values().map(|(k, v)| (k.as_ref(), v)));
    // `sua`: the entry being corrected; `corrects_id`: the same, sent back after a refusal.
    let correcting = query
        .get("sua")
        .or_else(|| filled(&echoed.corrects_id))
        .and_then(|id| diary.entries.iter().find(|e| e.id == id).cloned());
    let today = data.today.to_string();
    let refused = DiaryRefusal::from_query(query.latest_values().map(|(k, v)| (k.as_ref(), v)));
    // `viec`: the planned task the entry records (`care`), its fields filled in.
    let recording = query
        .get(crate::care::view::RECORDING)
        .or_else(|| filled(&echoed.task_id))
        .and_then(|id| {
            data.care
                .tasks
                .iter()
                .find(|t| t.id.as_deref() == Some(id.as_str()))
                .cloned()
        });
    let p = if refused.is_some() {
        echoed
    } else if let Some(task) = recording.as_ref().filter(|_| correcting.is_none()) {
        crate::care::view::entry_fields(task, data.today)
    } else {
        correcting
            .as_ref()
            .map(|e| fields_of_entry(e, &diary.plot.lots))
            .unwrap_or_default()
    };
    let care_texts = crate::care::texts::CareTexts::of(locale);
    view! {
        <Title text=diary.plot.name.clone()/>
        <main class="page narrow farm">
            <nav class="crumbs"><a href="/nong-trai">{t.farm_title}</a></nav>
            <h1>{diary.plot.name.clone()}</h1>
            <p class="muted">{diary.facts.crop.clone()} " · " {diary.facts.commune.name.clone()}</p>
            <DiaryNotice/>
            <OfflineQueue plot_id=diary.plot.id.clone()/>
            <PhiLine phi=diary.phi.clone() locale/>
            {match diary.chain.broken_at_seq {
                None => view! { <p class="chain ok small">"✓ " {(t.chain_intact)(diary.chain.entries)}</p> }.into_any(),
                Some(seq) => view! { <p class="chain broken" role="alert">"⚠ " {(t.chain_broken)(seq)}</p> }.into_any(),
            }}

            <section id="ghi" aria-labelledby="new-entry">
                <h2 id="new-entry">{t.new_entry}</h2>
                {correcting.as_ref().map(|e| view! { <p class="notice">{(t.correcting)(e.seq)}</p> })}
                {recording.as_ref().filter(|_| correcting.is_none()).map(|task| view! {
                    <p class="notice">{care_texts.recording} " " <strong>{task.title.clone()}</strong></p>
                })}
                <form method="post" action=format!("{base}/ghi") class="stack entry-form">
                    <CsrfField/>
                    {filled(&p.task_id).filter(|_| correcting.is_none()).map(|id| view! { <input type="hidden" name=field::TASK_ID value=id/> })}
                    {correcting.as_ref().map(|e| view! { <input type="hidden" name=field::CORRECTS_ID value=e.id.clone()/> })}
                    <label>{t.kind_label}
                        <select name=field::KIND required>
                            {EntryKind::ALL.iter().map(|k| view! {
                                <option value=k.as_str() selected=p.kind == k.as_str()>{(t.kind)(*k)}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <label>{t.date_label}
                        <input type="date" name=field::OCCURRED_ON required max=today.clone()
                               value=filled(&p.occurred_on).unwrap_or(today.clone())/>
                    </label>
                    <label>{t.lot_label}
                        <select name=field::LOT_ID>
                            <option value="">{t.no_lot}</option>
                            {diary.plot.lots.iter().map(|l| view! {
                                <option value=l.id.clone() selected=p.lot_id == l.id>{l.code.clone()}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <label>{t.input_label} <input name=field::INPUT_NAME maxlength="200" value=filled(&p.input_name)/></label>
                    <label>{t.ingredient_label} <input name=field::ACTIVE_INGREDIENT maxlength="200" value=filled(&p.active_ingredient)/></label>
                    <label>{t.target_label} <input name=field::TARGET maxlength="200" value=filled(&p.target)/></label>
                    <label>{t.dose_label} <input name=field::DOSE maxlength="200" value=filled(&p.dose)/></label>
                    <label>{t.phi_label} <input name=field::PHI_DAYS type="number" min="0" max="365" inputmode="numeric" value=filled(&p.phi_days)/></label>
                    <label>{t.quantity_label} <input name=field::QUANTITY_KG type="number" min="1" inputmode="numeric" value=filled(&p.quantity_kg)/></label>
                    <label>{t.note_label} <TextArea name=field::NOTE maxlength=2000 rows=2 value=p.note.clone()/></label>
                    <button type="submit" class="button">{t.record}</button>
                </form>
            </section>

            <CareSection plot_id=diary.plot.id.clone() plan=data.care today=data.today/>

            <section aria-labelledby="lots">
                <h2 id="lots">{t.lots_heading}</h2>
                <ul class="lot-lines">
                    {diary.plot.lots.iter().map(|l| {
                        let sellable = l.status == "harvested";
                        view! {
                            <li>
                                <code>{l.code.clone()}</code> " · " {t.status_of(&l.status)}
                                " · " {l.variant.clone().unwrap_or_else(|| t.not_listed.to_owned())}
                                <p class="small">
                                    <a href=l.path.clone()>{t.trace_page}</a> " · "
                                    <a href=format!("/nong-trai/lo/{}/nhan", l.id)>{t.print_labels}</a>
                                </p>
                                {l.units_left.filter(|_| l.status == "on_sale").map(|n| view! {
                                    <p class="small units-left">{(t.units_left)(n)}</p>
                                })}
                                {sellable.then(|| view! {
                                    <form method="post" action=format!("/nong-trai/lo/{}/ban", l.id) class="stack put-on-sale">
                                        <CsrfField/>
                                        // Sold as a variant: its units feed the variant's stock.
                                        {l.variant.is_some().then(|| view! {
                                            <label>{t.units_label}
                                                <input name="units" type="number" min="1" max=MAX_UNITS inputmode="numeric"
                                                       required=l.default_units.is_none()
                                                       value=l.default_units.map(|n| n.to_string())/>
                                            </label>
                                            <p class="small muted">{match l.default_units {
                                                Some(n) => (t.units_hint)(n),
                                                None => t.units_needed.to_owned(),
                                            }}</p>
                                        })}
                                        <button type="submit" class="button secondary">{t.put_on_sale}</button>
                                    </form>
                                })}
                                {recallable(&l.status).then(|| view! { <RecallForm lot_id=l.id.clone() from=RecallFrom::Plot/> })}
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
) -> Result<Gate<Option<crate::diary::model::LotTrace>>, ServerFnError> {
    use crate::pages::gate::{gated, require_signed_in};
    let back = format!("/nong-trai/lo/{id}/nhan");
    gated(require_signed_in(&back), |actor, cx| async move {
        let owner = crate::diary::storage::lot_owner(&cx.db, &id)
            .await
            .map_err(|e| cx.failed("loading a lot", e))?;
        let Some((producer_id, _, _)) = owner else {
            return Ok(Gate::Allowed(None));
        };
        if !writes_farm_log(&actor, &producer_id) {
            return Ok(Gate::Forbidden);
        }
        let trace = crate::diary::trace_storage::lot_trace(&cx.db, &id, cx.locale, None)
            .await
            .map_err(|e| cx.failed("loading a lot", e))?;
        Ok(Gate::Allowed(trace))
    })
    .await
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
fn LabelsView(data: crate::diary::model::LotTrace) -> impl IntoView {
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
    // The code carries the chain head's digest as printed; so does the text under it.
    let digest = data.anchors.head_digest.clone();
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
                    {digest.clone().map(|d| view! { <p class="small">{t.head_digest} " " {d}</p> })}
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
