//! Planned care in the database: a plot's tasks, the calendars they come from, a task closed by
//! its diary entry (inside the entry's transaction) and the reminders.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{Any, Transaction};

use super::rules::{
    CalendarStep, NewTask, Task, TaskEvent, TaskSource, TaskStatus, TaskTransitionError,
    not_yet_planned, plan, remind_until, shipped,
};
use crate::{
    db::{Db, decode, ids::new_id},
    diary::{register::crop_key, rules::EntryKind},
    domain::time::{db_date, db_timestamp},
};

type TaskRow = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    Option<i64>,
);

fn task_of(row: TaskRow) -> Result<Task, sqlx::Error> {
    let (id, kind, title, note, due_on, due_until, source, status, entry_seq) = row;
    Ok(Task {
        kind: decode::text_enum("care_tasks.kind", &id, &kind, EntryKind::parse)?,
        due_on: decode::date("care_tasks.due_on", &id, &due_on)?,
        due_until: due_until
            .map(|d| decode::date("care_tasks.due_until", &id, &d))
            .transpose()?,
        source: decode::text_enum("care_tasks.source", &id, &source, TaskSource::parse)?,
        status: decode::text_enum("care_tasks.status", &id, &status, TaskStatus::parse)?,
        title,
        note,
        entry_seq,
        id: Some(id),
    })
}

/// A plot's stored tasks (not yet in reading order: see `rules::in_reading_order`).
#[tracing::instrument(skip_all, fields(plot_id = %plot_id))]
pub async fn tasks(db: &Db, plot_id: &str) -> Result<Vec<Task>, sqlx::Error> {
    let rows: Vec<TaskRow> = sqlx::query_as(TASKS)
        .bind(plot_id)
        .fetch_all(db.pool())
        .await?;
    rows.into_iter().map(task_of).collect()
}

/// One of a plot's tasks.
#[tracing::instrument(skip_all, fields(plot_id = %plot_id, task = %task_id))]
pub async fn task(db: &Db, plot_id: &str, task_id: &str) -> Result<Option<Task>, sqlx::Error> {
    let row: Option<TaskRow> = sqlx::query_as(TASK)
        .bind(plot_id)
        .bind(task_id)
        .fetch_optional(db.pool())
        .await?;
    row.map(task_of).transpose()
}

/// Adds a task made by hand; its id.
#[tracing::instrument(skip_all, fields(plot_id = %plot_id))]
pub async fn create(
    db: &Db,
    user_id: &str,
    plot_id: &str,
    task: &NewTask,
    now: DateTime<Utc>,
) -> Result<String, sqlx::Error> {
    let id = new_id();
    insert(db, &id, user_id, plot_id, task, None, now).await?;
    Ok(id)
}

async fn insert(
    db: &Db,
    id: &str,
    user_id: &str,
    plot_id: &str,
    task: &NewTask,
    calendar_key: Option<&str>,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(INSERT)
        .bind(id)
        .bind(plot_id)
        .bind(task.kind.as_str())
        .bind(&task.title)
        .bind(&task.note)
        .bind(db_date(task.due_on))
        .bind(task.due_until.map(db_date))
        .bind(if calendar_key.is_some() {
            TaskSource::Calendar.as_str()
        } else {
            TaskSource::Manual.as_str()
        })
        .bind(calendar_key)
        .bind(user_id)
        .bind(db_timestamp(now))
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}

/// The care calendar a commune follows for a crop: its officers' own, or the one shipped for
/// the crop; `None` when neither exists. The flag says whether it is the commune's own.
#[tracing::instrument(skip_all, fields(commune_id = %commune_id, crop = %crop))]
pub async fn calendar(
    db: &Db,
    commune_id: &str,
    crop: &str,
) -> Result<Option<(Vec<CalendarStep>, bool)>, sqlx::Error> {
    let key = crop_key(crop);
    let rows: Vec<(String, String, String, String, i64, i64, i64)> = sqlx::query_as(CALENDAR)
        .bind(commune_id)
        .bind(&key)
        .fetch_all(db.pool())
        .await?;
    if rows.is_empty() {
        return Ok(shipped(&key).map(|steps| (steps, false)));
    }
    let steps = rows
        .into_iter()
        .map(|(id, kind, title, note, month, day, window)| {
            Ok(CalendarStep {
                kind: decode::text_enum("care_calendar_steps.kind", &id, &kind, EntryKind::parse)?,
                title,
                note,
                month: decode::number("care_calendar_steps.month", &id, month)?,
                day: decode::number("care_calendar_steps.day", &id, day)?,
                window_days: decode::number("care_calendar_steps.window_days", &id, window)?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Some((steps, true)))
}

fn parse_db_day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// A plot's commune and crop.
async fn plot_place(db: &Db, plot_id: &str) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(PLOT_PLACE)
        .bind(plot_id)
        .fetch_optional(db.pool())
        .await
}

/// The calendar a plot's tasks would come from (its commune's, for its crop).
#[tracing::instrument(skip_all, fields(plot_id = %plot_id))]
pub async fn calendar_of_plot(
    db: &Db,
    plot_id: &str,
) -> Result<Option<(Vec<CalendarStep>, bool)>, sqlx::Error> {
    let Some((commune_id, crop)) = plot_place(db, plot_id).await? else {
        return Ok(None);
    };
    calendar(db, &commune_id, &crop).await
}

/// Adds to a plot the tasks its calendar gives for the coming year: how many were new (a task
/// the calendar gave before, on the same day, is not added again); `None` when the plot's crop
/// has no calendar.
#[tracing::instrument(skip_all, fields(plot_id = %plot_id))]
pub async fn apply_calendar(
    db: &Db,
    user_id: &str,
    plot_id: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<usize>, sqlx::Error> {
    let Some((steps, _)) = calendar_of_plot(db, plot_id).await? else {
        return Ok(None);
    };
    let existing: Vec<(String, String)> = sqlx::query_as(CALENDAR_TASKS)
        .bind(plot_id)
        .fetch_all(db.pool())
        .await?;
    let existing: Vec<(EntryKind, NaiveDate)> = existing
        .into_iter()
        .filter_map(|(kind, day)| Some((EntryKind::parse(&kind)?, parse_db_day(&day)?)))
        .collect();
    let mut added = 0;
    for planned in not_yet_planned(plan(&steps, today), &existing) {
        // The unique (plot, key) index makes a second apply (or two at once) add nothing.
        added += insert(
            db,
            &new_id(),
            user_id,
            plot_id,
            &planned.task,
            Some(&planned.key),
            now,
        )
        .await? as usize;
    }
    Ok(Some(added))
}

/// Replaces a commune's calendar for a crop with `steps`, in order.
#[tracing::instrument(skip_all, fields(commune_id = %commune_id, crop = %crop))]
pub async fn save_calendar(
    db: &Db,
    user_id: &str,
    commune_id: &str,
    crop: &str,
    steps: &[CalendarStep],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let key = crop_key(crop);
    let at = db_timestamp(now);
    let mut tx = db.begin_write().await?;
    sqlx::query(CALENDAR_DELETE)
        .bind(commune_id)
        .bind(&key)
        .execute(&mut *tx)
        .await?;
    for (position, s) in steps.iter().enumerate() {
        sqlx::query(CALENDAR_INSERT)
            .bind(new_id())
            .bind(commune_id)
            .bind(&key)
            .bind(position as i64)
            .bind(s.kind.as_str())
            .bind(&s.title)
            .bind(&s.note)
            .bind(i64::from(s.month))
            .bind(i64::from(s.day))
            .bind(i64::from(s.window_days))
            .bind(user_id)
            .bind(&at)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

/// Drops a commune's own calendar for a crop: it follows the shipped one again.
#[tracing::instrument(skip_all, fields(commune_id = %commune_id, crop = %crop))]
pub async fn reset_calendar(db: &Db, commune_id: &str, crop: &str) -> Result<(), sqlx::Error> {
    sqlx::query(CALENDAR_DELETE)
        .bind(commune_id)
        .bind(crop_key(crop))
        .execute(db.pool())
        .await?;
    Ok(())
}

/// The crops grown on a commune's plots, folded as calendars key them, with the shipped ones.
#[tracing::instrument(skip_all, fields(commune_id = %commune_id))]
pub async fn crops_of_commune(db: &Db, commune_id: &str) -> Result<Vec<String>, sqlx::Error> {
    let grown: Vec<String> = sqlx::query_scalar(COMMUNE_CROPS)
        .bind(commune_id)
        .fetch_all(db.pool())
        .await?;
    let mut keys: Vec<String> = grown
        .iter()
        .map(|c| crop_key(c))
        .chain(std::iter::once("nhan".to_owned()))
        .filter(|k| !k.is_empty())
        .collect();
    keys.sort();
    keys.dedup();
    Ok(keys)
}

/// What skipping or reopening a task came to.
#[derive(Debug)]
pub enum Changed {
    Now(TaskStatus),
    Refused(TaskTransitionError),
    NotFound,
}

/// Skips or reopens one of a plot's tasks, by the status machine; the update is conditional on
/// the status read, so a task closed meanwhile is not overwritten.
#[tracing::instrument(skip_all, fields(plot_id = %plot_id, task = %task_id, ?event))]
pub async fn change(
    db: &Db,
    plot_id: &str,
    task_id: &str,
    event: TaskEvent,
    now: DateTime<Utc>,
) -> Result<Changed, sqlx::Error> {
    let Some(task) = task(db, plot_id, task_id).await? else {
        return Ok(Changed::NotFound);
    };
    let next = match task.status.after(event) {
        Ok(next) => next,
        Err(e) => return Ok(Changed::Refused(e)),
    };
    let closed = (next != TaskStatus::Open).then(|| db_timestamp(now));
    let done = sqlx::query(CHANGE)
        .bind(task_id)
        .bind(plot_id)
        .bind(task.status.as_str())
        .bind(next.as_str())
        .bind(closed)
        .execute(db.pool())
        .await?;
    Ok(if done.rows_affected() == 1 {
        Changed::Now(next)
    } else {
        // Recorded by an entry in between: done is final.
        Changed::Refused(TaskTransitionError::Done)
    })
}

/// Closes `task_id` with the diary entry just written for it, inside the entry's transaction.
/// One conditional update: recording is refused only to a done task (`TaskStatus::after`), so
/// a Skip landing at the same moment cannot leave the recorded task skipped. A task of another
/// plot, or one already done, is left as it is: the entry stands on its own. Whether it closed.
#[tracing::instrument(skip_all, fields(plot_id = %plot_id, task = %task_id))]
pub(crate) async fn record_in(
    tx: &mut Transaction<'_, Any>,
    plot_id: &str,
    task_id: &str,
    entry_id: &str,
    now: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(RECORD)
        .bind(task_id)
        .bind(entry_id)
        .bind(now)
        .bind(plot_id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Writes the reminders due on `today`, from six in the morning (Vietnam time): each open task
/// due by tomorrow (or late, and never reminded) once, to its producer's people. Safe to run often and on several servers: a task
/// is claimed by setting `reminded_at` in the transaction that writes its notices.
#[tracing::instrument(skip_all, fields(%today))]
pub async fn remind_due(
    db: &Db,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<usize, sqlx::Error> {
    use crate::notify::{rules::Notice, storage};
    if !super::rules::reminding_hours(now) {
        return Ok(0);
    }
    let due: Vec<(String, String, String, String, String, String)> = sqlx::query_as(REMIND_DUE)
        .bind(db_date(remind_until(today)))
        .fetch_all(db.pool())
        .await?;
    let at = db_timestamp(now);
    let mut written = 0;
    for (id, plot_id, plot, title, due_on, producer_id) in due {
        // One unreadable row is logged and passed over: it must not stop every later pass.
        let due_on = match decode::date("care_tasks.due_on", &id, &due_on) {
            Ok(d) => d,
            Err(e) => {
                tracing::error!(task = %id, error = %e, "a care task's day cannot be read");
                continue;
            }
        };
        let mut tx = db.begin_write().await?;
        let claimed = sqlx::query(REMIND_CLAIM)
            .bind(&id)
            .bind(&at)
            .execute(&mut *tx)
            .await?;
        if claimed.rows_affected() != 1 {
            continue;
        }
        let notice = Notice::CareTaskDue {
            plot_id,
            plot,
            task: title,
            due_on,
        };
        storage::notify_producer_in(
            &mut tx,
            &format!("care_task_due:{id}"),
            &producer_id,
            &notice,
            &at,
        )
        .await?;
        tx.commit().await?;
        written += 1;
    }
    Ok(written)
}

crate::db::statements! {
    /// `tasks`.
    TASKS = "SELECT t.id, t.kind, t.title, t.note, t.due_on, t.due_until, t.source, t.status, e.seq
          FROM care_tasks t LEFT JOIN cultivation_log_entries e ON e.id = t.entry_id
         WHERE t.plot_id = $1 ORDER BY t.due_on, t.id";
    /// `task`.
    TASK = "SELECT t.id, t.kind, t.title, t.note, t.due_on, t.due_until, t.source, t.status, e.seq
          FROM care_tasks t LEFT JOIN cultivation_log_entries e ON e.id = t.entry_id
         WHERE t.plot_id = $1 AND t.id = $2";
    /// `insert`: a calendar task already on the plot for that step and day is skipped.
    INSERT = "INSERT INTO care_tasks (id, plot_id, kind, title, note, due_on, due_until, source,
           calendar_key, created_by, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
        ON CONFLICT (plot_id, calendar_key) DO NOTHING";
    /// `calendar`.
    CALENDAR = "SELECT id, kind, title, note, month, day, window_days FROM care_calendar_steps
         WHERE commune_id = $1 AND crop = $2 ORDER BY position";
    /// `apply_calendar`: the calendar tasks already on the plot, whatever their status.
    CALENDAR_TASKS = "SELECT kind, due_on FROM care_tasks WHERE plot_id = $1 AND source = 'calendar'";
    /// `calendar_of_plot`.
    PLOT_PLACE = "SELECT commune_id, crop FROM plots WHERE id = $1";
    /// `save_calendar`, `reset_calendar`.
    CALENDAR_DELETE = "DELETE FROM care_calendar_steps WHERE commune_id = $1 AND crop = $2";
    /// `save_calendar`.
    CALENDAR_INSERT = "INSERT INTO care_calendar_steps (id, commune_id, crop, position, kind, title, note,
           month, day, window_days, updated_by, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
    /// `crops_of_commune`.
    COMMUNE_CROPS = "SELECT DISTINCT crop FROM plots WHERE commune_id = $1 ORDER BY crop";
    /// `change`: only from the status the machine was given.
    CHANGE = "UPDATE care_tasks SET status = $4, closed_at = $5
         WHERE id = $1 AND plot_id = $2 AND status = $3";
    /// `record_in`: from open or skipped, the statuses `TaskEvent::Record` leaves (done stays).
    RECORD = "UPDATE care_tasks SET status = 'done', entry_id = $2, closed_at = $3
         WHERE id = $1 AND plot_id = $4 AND status <> 'done'";
    /// `remind_due`: open tasks due by the day given, never reminded, of approved producers.
    REMIND_DUE = "SELECT t.id, p.id, p.name, t.title, t.due_on, p.producer_id
          FROM care_tasks t JOIN plots p ON p.id = t.plot_id
          JOIN producers pr ON pr.id = p.producer_id
         WHERE t.status = 'open' AND t.reminded_at IS NULL AND t.due_on <= $1
           AND pr.status = 'active'
         ORDER BY t.due_on, t.id";
    /// `remind_due`: the claim; a second server finds it taken.
    REMIND_CLAIM = "UPDATE care_tasks SET reminded_at = $2
         WHERE id = $1 AND reminded_at IS NULL AND status = 'open'";
}
