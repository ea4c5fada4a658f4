//! The plot page's task list (`#viec`): late tasks first, each with its day or window, a link
//! that opens the diary form filled in for it, and skip/reopen; the pre-harvest interval's end;
//! the button that plans the year from the crop's calendar; a form to add a task by hand. Plain
//! forms posting to `server::care`; they work without JavaScript.

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::{
    rules::{Task, TaskRefusal, TaskSource, TaskStatus},
    texts::CareTexts,
};
use crate::{
    auth::pages::CsrfField,
    components::TextArea,
    diary::{rules::EntryKind, texts::DiaryTexts},
    i18n::use_locale,
};

/// A plot's planned care, as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarePlan {
    /// In reading order (`rules::in_reading_order`), the pre-harvest task among them.
    pub tasks: Vec<Task>,
    /// The plot's crop's calendar: its number of steps and whether it is the commune's own.
    pub calendar: Option<(usize, bool)>,
}

/// Query names the task forms answer with.
pub const REFUSED: &str = "loi_viec";
pub const ADDED: &str = "viec_them";
/// A task added by hand.
pub const ADDED_ONE: &str = "viec_moi";
/// The task whose diary entry the form is filled in for.
pub const RECORDING: &str = "viec";

/// A day as the farm pages print it.
pub fn day(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// The diary form's fields for recording `task`: its kind, today, and its title and note.
pub fn entry_fields(task: &Task, today: NaiveDate) -> crate::diary::form::EntryFields {
    let note = if task.note.is_empty() {
        task.title.clone()
    } else {
        format!("{}. {}", task.title, task.note)
    };
    crate::diary::form::EntryFields {
        kind: task.kind.as_str().to_owned(),
        occurred_on: today.to_string(),
        note,
        task_id: task.id.clone().unwrap_or_default(),
        ..Default::default()
    }
}

#[component]
pub fn CareSection(plot_id: String, plan: CarePlan, today: NaiveDate) -> impl IntoView {
    let locale = use_locale();
    let t = CareTexts::of(locale);
    let d = DiaryTexts::of(locale);
    let base = format!("/nong-trai/vuon/{plot_id}/viec");
    let query = use_query_map().get_untracked();
    let refused = query
        .get(REFUSED)
        .and_then(|c| TaskRefusal::parse(&c))
        .map(|r| (t.refusal)(r));
    let added = query
        .get(ADDED)
        .and_then(|n| n.parse::<usize>().ok())
        .map(|n| (t.added)(n))
        .or_else(|| query.get(ADDED_ONE).map(|_| t.added_one.to_owned()));
    let empty = plan.tasks.is_empty();
    let (now, later, closed) = by_nearness(plan.tasks, today);
    view! {
        <section id="viec" aria-labelledby="tasks" class="care">
            <h2 id="tasks">{t.heading}</h2>
            {refused.map(|m| view! { <p class="notice error" role="alert">{m}</p> })}
            {added.map(|m| view! { <p class="notice ok" role="status">{m}</p> })}
            {empty.then(|| view! { <p class="muted">{t.none}</p> })}
            <TaskList tasks=now today base=base.clone()/>
            {(!later.is_empty()).then(|| view! {
                <details class="later">
                    <summary>{(t.later)(later.len())}</summary>
                    <TaskList tasks=later today base=base.clone()/>
                </details>
            })}
            {(!closed.is_empty()).then(|| view! {
                <details class="later">
                    <summary>{(t.closed)(closed.len())}</summary>
                    <TaskList tasks=closed today base=base.clone()/>
                </details>
            })}
            {match plan.calendar {
                Some((steps, own)) => view! {
                    <form method="post" action=format!("{base}/lich") class="stack">
                        <CsrfField/>
                        <p class="small muted">{t.from_calendar} " — " {if own { t.calendar_own } else { t.calendar_shipped }}</p>
                        <button type="submit" class="button secondary">{(t.apply)(steps)}</button>
                    </form>
                }.into_any(),
                None => view! { <p class="small muted">{t.no_calendar}</p> }.into_any(),
            }}
            <details class="add">
                <summary>{t.new_task}</summary>
                <form method="post" action=base.clone() class="stack">
                    <CsrfField/>
                    <label>{t.kind_label}
                        <select name="kind" required>
                            {EntryKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{(d.kind)(*k)}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>{t.title_label} <input name="title" required maxlength="120"/></label>
                    <label>{t.due_label} <input name="due_on" type="date" required value=today.to_string()/></label>
                    <label>{t.until_label} <input name="due_until" type="date"/></label>
                    <label>{t.note_label} <TextArea name="note" maxlength=1000 rows=2 value=String::new()/></label>
                    <button type="submit" class="button">{t.add}</button>
                </form>
            </details>
        </section>
    }
}

/// The tasks at hand (late, due within [`SOON_DAYS`], the pre-harvest interval's end), those
/// further off, and the closed ones, each in reading order: a phone shows what to do now first
/// and folds the rest.
pub fn by_nearness(tasks: Vec<Task>, today: NaiveDate) -> (Vec<Task>, Vec<Task>, Vec<Task>) {
    let soon = today
        .checked_add_days(chrono::Days::new(SOON_DAYS))
        .unwrap_or(today);
    let (open, closed): (Vec<Task>, Vec<Task>) = tasks
        .into_iter()
        .partition(|t| t.status == TaskStatus::Open);
    let (now, later) = open
        .into_iter()
        .partition(|t| t.source == TaskSource::PreHarvest || t.due_on <= soon);
    (now, later, closed)
}

/// How far ahead the list shows tasks unfolded.
pub const SOON_DAYS: u64 = 30;

#[component]
fn TaskList(tasks: Vec<Task>, today: NaiveDate, base: String) -> impl IntoView {
    let locale = use_locale();
    let t = CareTexts::of(locale);
    let d = DiaryTexts::of(locale);
    view! {
        <ul class="tasks">
            {tasks.into_iter().map(|task| {
                    let late = task.overdue_days(today);
                    let when = match (task.source, task.due_until) {
                        (TaskSource::PreHarvest, _) => (t.safe_from)(&day(task.due_on)),
                        (_, Some(until)) => (t.window)(&day(task.due_on), &day(until)),
                        (_, None) => (t.due)(&day(task.due_on)),
                    };
                    let class = match (task.status, late, task.due_today(today)) {
                        (TaskStatus::Open, Some(_), _) => "task late",
                        (TaskStatus::Open, None, true) => "task today",
                        (TaskStatus::Open, None, false) => "task",
                        (TaskStatus::Done | TaskStatus::Skipped, _, _) => "task closed",
                    };
                    let id = task.id.clone();
                    view! {
                        <li class=class>
                            <p>
                                <strong>{task.title.clone()}</strong>
                                " · " <span class="small">{(d.kind)(task.kind)}</span>
                            </p>
                            <p class="small">
                                {when}
                                {late.map(|n| view! { " · " <span class="late">{(t.late)(n)}</span> })}
                                {(late.is_none() && task.due_today(today)).then(|| view! { " · " <span class="today">{t.today}</span> })}
                                {(task.status != TaskStatus::Open).then(|| view! { " · " {(t.status)(task.status)} })}
                            </p>
                            {(task.source == TaskSource::PreHarvest).then(|| view! { <p class="small muted">{t.pre_harvest_note}</p> })}
                            {(!task.note.is_empty()).then(|| view! { <p class="small muted">{task.note.clone()}</p> })}
                            {task.entry_seq.map(|seq| view! {
                                <p class="small"><a href=format!("#e{seq}")>{(t.recorded_as)(seq)}</a></p>
                            })}
                            {id.filter(|_| task.status != TaskStatus::Done).map(|id| {
                                let open = task.status == TaskStatus::Open;
                                view! {
                                    <div class="actions">
                                        {open.then(|| view! {
                                            <a class="button" href=format!("?{RECORDING}={id}#ghi")>{t.record}</a>
                                        })}
                                        <form method="post" action=format!("{base}/{id}/{}", if open { "bo-qua" } else { "mo-lai" }) class="inline">
                                            <CsrfField/>
                                            <button type="submit" class="button secondary">{if open { t.skip } else { t.reopen }}</button>
                                        </form>
                                    </div>
                                }
                            })}
                        </li>
                    }
            }).collect_view()}
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diary::rules::EntryKind;

    #[test]
    fn tasks_at_hand_come_unfolded_the_rest_folded() {
        let today = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        let task = |days: i64, status: TaskStatus, source: TaskSource| Task {
            id: Some(format!("{days}")),
            kind: EntryKind::Pruning,
            title: String::new(),
            note: String::new(),
            due_on: today + chrono::Duration::days(days),
            due_until: None,
            source,
            status,
            entry_seq: None,
        };
        let (now, later, closed) = by_nearness(
            vec![
                task(-3, TaskStatus::Open, TaskSource::Manual),
                task(30, TaskStatus::Open, TaskSource::Calendar),
                task(31, TaskStatus::Open, TaskSource::Calendar),
                task(45, TaskStatus::Open, TaskSource::PreHarvest),
                task(-1, TaskStatus::Done, TaskSource::Manual),
                task(2, TaskStatus::Skipped, TaskSource::Calendar),
            ],
            today,
        );
        let ids = |v: &[Task]| v.iter().map(|t| t.id.clone().unwrap()).collect::<Vec<_>>();
        assert_eq!(ids(&now), ["-3", "30", "45"]);
        assert_eq!(ids(&later), ["31"]);
        assert_eq!(ids(&closed), ["-1", "2"]);
    }
}
