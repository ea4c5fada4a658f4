//! `/can-bo/lich-cham-soc`: a commune officer's care calendars, one per crop grown in the
//! commune. The commune follows the calendar shipped for the crop (longan) until an officer
//! saves its own; "use the model again" drops the commune's. Plain forms posting to
//! `server::care`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::{CALENDAR_PAGE, rules::CalendarStep, rules::TaskRefusal, texts::CareTexts};
use crate::{
    auth::pages::CsrfField,
    diary::{rules::EntryKind, texts::DiaryTexts},
    i18n::use_locale,
    pages::gate::{Gate, gate},
};

/// Blank rows under a calendar, for new steps.
pub const BLANK_ROWS: usize = 3;
/// The most steps a calendar holds (a year of work is a dozen or two).
pub const MAX_STEPS: usize = 60;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarView {
    /// The communes the officer keeps calendars for: (id, name).
    pub communes: Vec<(String, String)>,
    pub commune_id: String,
    /// The crops grown in the commune and those with a shipped calendar, as keys.
    pub crops: Vec<String>,
    pub crop: String,
    pub steps: Vec<CalendarStep>,
    /// Whether `steps` are the commune's own (otherwise the shipped ones, or none).
    pub own: bool,
}

/// A crop's name for a calendar key (`diary::register::crop_key`).
pub fn crop_name(key: &str) -> String {
    match key {
        "nhan" => "Nhãn".to_owned(),
        "vai" => "Vải".to_owned(),
        "nghe" => "Nghệ".to_owned(),
        "quat" => "Quất".to_owned(),
        "cuc" => "Hoa cúc".to_owned(),
        other => other.to_owned(),
    }
}

#[server(prefix = "/fn")]
pub async fn get_calendar(
    commune: Option<String>,
    crop: Option<String>,
) -> Result<Gate<CalendarView>, ServerFnError> {
    use crate::pages::gate::{gated, require_officer};
    gated(require_officer(CALENDAR_PAGE), |actor, cx| async move {
        let scope = (!actor.admin).then_some(actor.officer_of.as_slice());
        let load = async {
            let communes =
                crate::officer::storage::commune_editor::communes_of(&cx.db, scope).await?;
            let Some(commune_id) = commune
                .filter(|c| communes.iter().any(|(id, _)| id == c))
                .or_else(|| communes.first().map(|(id, _)| id.clone()))
            else {
                return Ok(None);
            };
            let crops = super::storage::crops_of_commune(&cx.db, &commune_id).await?;
            let crop = crop
                .map(|c| crate::diary::register::crop_key(&c))
                .filter(|c| crops.contains(c))
                .or_else(|| crops.first().cloned())
                .unwrap_or_else(|| "nhan".to_owned());
            let (steps, own) = super::storage::calendar(&cx.db, &commune_id, &crop)
                .await?
                .unwrap_or_default();
            Ok::<_, sqlx::Error>(Some(CalendarView {
                communes,
                commune_id,
                crops,
                crop,
                steps,
                own,
            }))
        };
        match load.await {
            Ok(Some(view)) => Ok(Gate::Allowed(view)),
            // An administrator with no commune at all.
            Ok(None) => Ok(Gate::Forbidden),
            Err(e) => Err(cx.failed("loading a care calendar", e)),
        }
    })
    .await
}

#[component]
pub fn CalendarPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            (q.get("xa"), q.get("cay"))
        },
        |(commune, crop)| get_calendar(commune, crop),
    );
    gate(data, |view| view! { <CalendarEditor view/> })
}

#[component]
fn CalendarEditor(view: CalendarView) -> impl IntoView {
    let locale = use_locale();
    let t = CareTexts::of(locale);
    let d = DiaryTexts::of(locale);
    let query = use_query_map().get_untracked();
    let refused = query
        .get("loi")
        .and_then(|c| TaskRefusal::parse(&c))
        .map(|r| (t.refusal)(r));
    let done = match query.get("ok").as_deref() {
        Some("luu") => Some(t.saved),
        Some("mau") => Some(t.reset_done),
        _ => None,
    };
    let status = match (view.own, view.steps.is_empty()) {
        (true, _) => t.own_calendar,
        (false, false) => t.follows_shipped,
        (false, true) => t.no_template,
    };
    let rows: Vec<Option<CalendarStep>> = view
        .steps
        .iter()
        .cloned()
        .map(Some)
        .chain(std::iter::repeat_n(None, BLANK_ROWS))
        .collect();
    let commune_id = view.commune_id.clone();
    let crop = view.crop.clone();
    view! {
        <Title text=t.calendar_title/>
        <main class="page care-calendar">
            <nav class="crumbs">
                <a href="/can-bo">{crate::auth::texts::AccountTexts::of(locale).officer_title}</a>
            </nav>
            <h1>{t.calendar_title}</h1>
            <p>{t.calendar_intro}</p>
            {refused.map(|m| view! { <p class="notice error" role="alert">{m}</p> })}
            {done.map(|m| view! { <p class="notice ok" role="status">{m}</p> })}
            <form method="get" action=CALENDAR_PAGE class="inline-fields">
                <label>{t.commune_label}
                    <select name="xa">
                        {view.communes.iter().map(|(id, name)| view! {
                            <option value=id.clone() selected=*id == view.commune_id>{name.clone()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>{t.crop_label}
                    <select name="cay">
                        {view.crops.iter().map(|c| view! {
                            <option value=c.clone() selected=*c == view.crop>{crop_name(c)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <button type="submit" class="button secondary">{t.show}</button>
            </form>
            <h2>{crop_name(&view.crop)}</h2>
            <p class="muted">{status}</p>
            <form method="post" action=CALENDAR_PAGE class="stack">
                <CsrfField/>
                <input type="hidden" name="commune_id" value=commune_id.clone()/>
                <input type="hidden" name="crop" value=crop.clone()/>
                <p class="small muted">{t.blank_rows}</p>
                <div class="table-scroll">
                <table class="calendar">
                    <thead><tr>
                        <th>{t.kind_label}</th><th>{t.title_label}</th><th>{t.month_label}</th>
                        <th>{t.day_label}</th><th>{t.window_label}</th><th>{t.note_label}</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().enumerate().map(|(i, step)| {
                            let kind = step.as_ref().map(|s| s.kind);
                            let num = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
                            view! {
                                <tr>
                                    <td><select name=format!("kind.{i}") aria-label=t.kind_label>
                                        <option value="">"—"</option>
                                        {EntryKind::ALL.iter().map(|k| view! {
                                            <option value=k.as_str() selected=kind == Some(*k)>{(d.kind)(*k)}</option>
                                        }).collect_view()}
                                    </select></td>
                                    <td><input name=format!("title.{i}") maxlength="120" aria-label=t.title_label
                                               value=step.as_ref().map(|s| s.title.clone()).unwrap_or_default()/></td>
                                    <td><input name=format!("month.{i}") type="number" min="1" max="12" inputmode="numeric" aria-label=t.month_label
                                               value=num(step.as_ref().map(|s| s.month))/></td>
                                    <td><input name=format!("day.{i}") type="number" min="1" max="31" inputmode="numeric" aria-label=t.day_label
                                               value=num(step.as_ref().map(|s| s.day))/></td>
                                    <td><input name=format!("window.{i}") type="number" min="0" max="120" inputmode="numeric" aria-label=t.window_label
                                               value=num(step.as_ref().map(|s| s.window_days))/></td>
                                    <td><input name=format!("note.{i}") maxlength="1000" aria-label=t.note_label
                                               value=step.as_ref().map(|s| s.note.clone()).unwrap_or_default()/></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
                <button type="submit" class="button">{t.save}</button>
            </form>
            {view.own.then(|| view! {
                <form method="post" action=format!("{CALENDAR_PAGE}/mau") class="stack">
                    <CsrfField/>
                    <input type="hidden" name="commune_id" value=commune_id.clone()/>
                    <input type="hidden" name="crop" value=crop.clone()/>
                    <button type="submit" class="button secondary">{t.reset}</button>
                </form>
            })}
        </main>
    }
}

/// Reads the editor's rows (`kind.N`, `title.N`, `month.N`, `day.N`, `window.N`, `note.N`) in
/// row order; a row left wholly blank is dropped; the first bad row's reason refuses them all.
pub fn parse_rows<'a>(
    pairs: impl Iterator<Item = (&'a str, &'a str)>,
) -> Result<Vec<CalendarStep>, TaskRefusal> {
    use std::collections::BTreeMap;
    // Row index → the six fields.
    let mut rows: BTreeMap<usize, [&str; 6]> = BTreeMap::new();
    for (name, value) in pairs {
        let Some((field, index)) = name.split_once('.') else {
            continue;
        };
        let Ok(index) = index.parse::<usize>() else {
            continue;
        };
        let slot = match field {
            "kind" => 0,
            "title" => 1,
            "month" => 2,
            "day" => 3,
            "window" => 4,
            "note" => 5,
            _ => continue,
        };
        // Bounded: the editor numbers its rows from 0; a far index is not the editor's.
        if index >= MAX_STEPS + BLANK_ROWS {
            return Err(TaskRefusal::TooMany);
        }
        rows.entry(index).or_insert([""; 6])[slot] = value;
    }
    let filled: Vec<[&str; 6]> = rows
        .into_values()
        .filter(|r| r.iter().any(|f| !f.trim().is_empty()))
        .collect();
    if filled.len() > MAX_STEPS {
        return Err(TaskRefusal::TooMany);
    }
    let steps: Vec<CalendarStep> = filled
        .into_iter()
        .map(|[kind, title, month, day, window, note]| {
            CalendarStep::parse(kind, title, month, day, window, note)
        })
        .collect::<Result<_, _>>()?;
    if steps.is_empty() {
        return Err(TaskRefusal::Empty);
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_editor_rows_read_in_order_and_blank_ones_drop() {
        let form = [
            ("crop", "nhan"),
            ("kind.1", "harvest"),
            ("title.1", "Thu hoạch"),
            ("month.1", "7"),
            ("day.1", "25"),
            ("window.1", "30"),
            ("note.1", ""),
            ("kind.0", "pruning"),
            ("title.0", "Tỉa cành"),
            ("month.0", "8"),
            ("day.0", "25"),
            ("window.0", ""),
            ("kind.2", ""),
            ("title.2", " "),
            ("month.2", ""),
        ];
        let steps = parse_rows(form.iter().copied()).unwrap();
        assert_eq!(steps.len(), 2);
        assert_eq!(
            (steps[0].kind, steps[0].window_days),
            (EntryKind::Pruning, 0)
        );
        assert_eq!(
            (steps[1].kind, steps[1].window_days),
            (EntryKind::Harvest, 30)
        );
        // A half-filled row is refused with its reason.
        let half = [("kind.0", "pruning"), ("month.0", "8"), ("day.0", "1")];
        assert_eq!(parse_rows(half.iter().copied()), Err(TaskRefusal::Title));
        assert_eq!(
            parse_rows([("kind.0", "")].into_iter()),
            Err(TaskRefusal::Empty)
        );
        assert_eq!(
            parse_rows([("kind.63", "pruning")].into_iter()),
            Err(TaskRefusal::TooMany)
        );
        // A full calendar with its blank rows under it still saves.
        let full: Vec<(String, String)> = (0..MAX_STEPS + BLANK_ROWS)
            .flat_map(|i| {
                let filled = i < MAX_STEPS;
                [
                    (
                        format!("kind.{i}"),
                        if filled { "pruning" } else { "" }.to_owned(),
                    ),
                    (
                        format!("title.{i}"),
                        if filled { "t" } else { "" }.to_owned(),
                    ),
                    (
                        format!("month.{i}"),
                        if filled { "1" } else { "" }.to_owned(),
                    ),
                    (format!("day.{i}"), if filled { "1" } else { "" }.to_owned()),
                ]
            })
            .collect();
        let steps = parse_rows(full.iter().map(|(k, v)| (k.as_str(), v.as_str()))).unwrap();
        assert_eq!(steps.len(), MAX_STEPS);
    }
}
