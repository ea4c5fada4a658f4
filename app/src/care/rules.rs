//! Planned care as data: a task's states, what the task and calendar forms may say, the
//! calendars' dates and the order a farmer reads the list in. No I/O.

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::{diary::rules::EntryKind, text_enum};

text_enum! {
    /// Where a task stands: to do, done (a diary entry records it) or skipped by the farmer.
    pub enum TaskStatus {
        Open = "open",
        Done = "done",
        Skipped = "skipped",
    }
}

text_enum! {
    /// Where a task came from. `pre_harvest` tasks are not stored: the diary's pre-harvest
    /// interval gives them, so a later spraying moves them without anyone editing a task.
    pub enum TaskSource {
        Manual = "manual",
        Calendar = "calendar",
        PreHarvest = "pre_harvest",
    }
}

/// What can happen to a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskEvent {
    /// A diary entry was written for it.
    Record,
    /// The farmer will not do it.
    Skip,
    /// The farmer takes a skipped task up again.
    Reopen,
}

impl TaskEvent {
    pub const ALL: &'static [TaskEvent] = &[TaskEvent::Record, TaskEvent::Skip, TaskEvent::Reopen];
}

/// Why a task cannot change so.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TaskTransitionError {
    /// A done task has its diary entry: it stays done (the entry is corrected, not the task).
    #[error("the task is done")]
    Done,
    /// Reopening a task that is open.
    #[error("the task is open")]
    Open,
}

impl TaskStatus {
    /// The status after `event`. Done is final; a skipped task can still be recorded (the farmer
    /// did it after all) or reopened; skipping twice changes nothing.
    pub fn after(self, event: TaskEvent) -> Result<TaskStatus, TaskTransitionError> {
        use TaskEvent as E;
        use TaskStatus as S;
        match (self, event) {
            (S::Done, _) => Err(TaskTransitionError::Done),
            (S::Open | S::Skipped, E::Record) => Ok(S::Done),
            (S::Open | S::Skipped, E::Skip) => Ok(S::Skipped),
            (S::Skipped, E::Reopen) => Ok(S::Open),
            (S::Open, E::Reopen) => Err(TaskTransitionError::Open),
        }
    }
}

/// One task as the plot page and the farm API show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Task {
    /// None for a task the diary gives (`pre_harvest`).
    pub id: Option<String>,
    /// The diary entry the task becomes.
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub kind: EntryKind,
    pub title: String,
    pub note: String,
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = Date))]
    pub due_on: NaiveDate,
    /// The last day of its window (a harvest window), if it has one.
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = Date))]
    pub due_until: Option<NaiveDate>,
    /// manual, calendar or pre_harvest.
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub source: TaskSource,
    /// open, done or skipped.
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub status: TaskStatus,
    /// The diary entry that recorded it (its `seq` in the plot's chain).
    pub entry_seq: Option<i64>,
}

impl Task {
    /// Days past its last day, for an open task that is late; `None` otherwise.
    pub fn overdue_days(&self, today: NaiveDate) -> Option<i64> {
        let last = self.due_until.unwrap_or(self.due_on);
        (self.status == TaskStatus::Open && last < today).then(|| (today - last).num_days())
    }

    /// Whether its day (or window) is today.
    pub fn due_today(&self, today: NaiveDate) -> bool {
        self.status == TaskStatus::Open
            && self.due_on <= today
            && today <= self.due_until.unwrap_or(self.due_on)
    }
}

/// The list as a farmer reads it: late tasks first (the latest-due last), then the open ones by
/// day, then the done and skipped ones, most recent first.
pub fn in_reading_order(mut tasks: Vec<Task>, today: NaiveDate) -> Vec<Task> {
    tasks.sort_by(|a, b| {
        let rank = |t: &Task| match (t.status, t.overdue_days(today)) {
            (TaskStatus::Open, Some(_)) => 0,
            (TaskStatus::Open, None) => 1,
            (TaskStatus::Done | TaskStatus::Skipped, _) => 2,
        };
        rank(a).cmp(&rank(b)).then_with(|| match rank(a) {
            2 => b.due_on.cmp(&a.due_on),
            _ => a.due_on.cmp(&b.due_on),
        })
    });
    tasks
}

/// The task the pre-harvest interval gives: "safe to harvest from …", while a spraying's
/// interval still runs on `today`.
pub fn pre_harvest_task(
    safe_from: Option<NaiveDate>,
    today: NaiveDate,
    title: &str,
) -> Option<Task> {
    let from = safe_from.filter(|d| *d > today)?;
    Some(Task {
        id: None,
        kind: EntryKind::Harvest,
        title: title.to_owned(),
        note: String::new(),
        due_on: from,
        due_until: None,
        source: TaskSource::PreHarvest,
        status: TaskStatus::Open,
        entry_seq: None,
    })
}

/// A reminder goes out this many days before a task's day (and on the day, if it was made later).
pub const REMIND_DAYS_BEFORE: u64 = 1;
/// Reminders wait for the morning (Vietnam time): a notice at midnight wakes nobody usefully.
pub const REMIND_FROM_HOUR: u32 = 6;

/// Whether reminders may go out at `now`: from [`REMIND_FROM_HOUR`] in Vietnam (UTC+7).
pub fn reminding_hours(now: chrono::DateTime<chrono::Utc>) -> bool {
    use chrono::Timelike;
    (now + chrono::Duration::hours(7)).hour() >= REMIND_FROM_HOUR
}

/// The last due day whose open tasks are reminded of on `today`.
pub fn remind_until(today: NaiveDate) -> NaiveDate {
    today
        .checked_add_days(Days::new(REMIND_DAYS_BEFORE))
        .unwrap_or(today)
}

/// Titles and notes: what a farmer writes on a phone, not an essay.
pub const TITLE_MAX: usize = 120;
pub const NOTE_MAX: usize = 1000;
/// The longest window a task or calendar step spans.
pub const WINDOW_MAX_DAYS: u32 = 120;
/// How far back and ahead a task's day may be: a season before, two ahead.
pub const PAST_DAYS: u64 = 366;
pub const AHEAD_DAYS: u64 = 731;

text_enum! {
    /// Why a task or calendar form was refused (`?loi_viec=`).
    pub enum TaskRefusal {
        Kind = "loai",
        Title = "ten",
        Date = "ngay",
        Window = "khoang",
        Note = "ghi-chu",
        /// A calendar step's month and day.
        Day = "ngay-thang",
        /// A calendar with no step.
        Empty = "trong",
        /// A done task cannot be skipped or reopened.
        Done = "xong",
        /// No calendar for the plot's crop.
        NoCalendar = "khong-lich",
        /// More steps than a calendar holds.
        TooMany = "qua-nhieu",
    }
}

/// A task as the form or the API sent it, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTask {
    pub kind: EntryKind,
    pub title: String,
    pub note: String,
    pub due_on: NaiveDate,
    pub due_until: Option<NaiveDate>,
}

fn text(
    value: &str,
    max: usize,
    required: bool,
    refusal: TaskRefusal,
) -> Result<String, TaskRefusal> {
    let value = value.trim();
    if (required && !crate::domain::text::has_visible(value)) || value.chars().count() > max {
        return Err(refusal);
    }
    Ok(value.to_owned())
}

impl NewTask {
    /// Reads a task: its kind (a diary entry kind), a title, its day (within a season back and
    /// two ahead of `today`), the optional last day of its window and a note.
    pub fn parse(
        kind: &str,
        title: &str,
        due_on: NaiveDate,
        due_until: Option<NaiveDate>,
        note: &str,
        today: NaiveDate,
    ) -> Result<NewTask, TaskRefusal> {
        let kind = EntryKind::parse(kind.trim()).ok_or(TaskRefusal::Kind)?;
        let title = text(title, TITLE_MAX, true, TaskRefusal::Title)?;
        let note = text(note, NOTE_MAX, false, TaskRefusal::Note)?;
        let earliest = today.checked_sub_days(Days::new(PAST_DAYS));
        let latest = today.checked_add_days(Days::new(AHEAD_DAYS));
        if earliest.is_some_and(|e| due_on < e) || latest.is_some_and(|l| due_on > l) {
            return Err(TaskRefusal::Date);
        }
        if let Some(until) = due_until {
            let span = (until - due_on).num_days();
            if span < 0 || span > i64::from(WINDOW_MAX_DAYS) {
                return Err(TaskRefusal::Window);
            }
        }
        Ok(NewTask {
            kind,
            title,
            note,
            due_on,
            due_until: due_until.filter(|u| *u != due_on),
        })
    }
}

/// One step of a crop's care calendar: a kind of work, each year from `month`/`day` for
/// `window_days` more days.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarStep {
    pub kind: EntryKind,
    pub title: String,
    pub note: String,
    pub month: u32,
    pub day: u32,
    pub window_days: u32,
}

impl CalendarStep {
    /// Reads one row of the officer's calendar form.
    pub fn parse(
        kind: &str,
        title: &str,
        month: &str,
        day: &str,
        window_days: &str,
        note: &str,
    ) -> Result<CalendarStep, TaskRefusal> {
        let kind = EntryKind::parse(kind.trim()).ok_or(TaskRefusal::Kind)?;
        let title = text(title, TITLE_MAX, true, TaskRefusal::Title)?;
        let note = text(note, NOTE_MAX, false, TaskRefusal::Note)?;
        let month: u32 = month.trim().parse().map_err(|_| TaskRefusal::Day)?;
        let day: u32 = day.trim().parse().map_err(|_| TaskRefusal::Day)?;
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return Err(TaskRefusal::Day);
        }
        let window_days = match window_days.trim() {
            "" => 0,
            w => w.parse().map_err(|_| TaskRefusal::Window)?,
        };
        if window_days > WINDOW_MAX_DAYS {
            return Err(TaskRefusal::Window);
        }
        Ok(CalendarStep {
            kind,
            title,
            note,
            month,
            day,
            window_days,
        })
    }

    /// The step's day in `year`: its day of the month, or the month's last day when the month
    /// is shorter (31 April is 30 April; 29 February in a common year is the 28th).
    fn in_year(&self, year: i32) -> Option<NaiveDate> {
        (1..=self.day.min(31))
            .rev()
            .find_map(|d| NaiveDate::from_ymd_opt(year, self.month, d))
    }

    /// Its next occurrence as of `today`: the earliest whose window has not passed yet (last
    /// year's, for a window running across the new year), else this year's or next year's.
    /// (first day, last day of the window).
    pub fn next(&self, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        let year = today.year();
        [year - 1, year, year + 1].into_iter().find_map(|y| {
            let first = self.in_year(y)?;
            let last = first.checked_add_days(Days::new(u64::from(self.window_days)))?;
            (last >= today).then_some((first, last))
        })
    }
}

/// A task a calendar step gives, with the key that keeps applying the calendar again from
/// adding it twice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedTask {
    pub key: String,
    pub task: NewTask,
}

/// The tasks `steps` give for the coming year from `today`, each step once, by day.
pub fn plan(steps: &[CalendarStep], today: NaiveDate) -> Vec<PlannedTask> {
    let mut planned: Vec<PlannedTask> = steps
        .iter()
        .filter_map(|s| {
            let (first, last) = s.next(today)?;
            Some(PlannedTask {
                key: format!("{}@{first}", s.kind.as_str()),
                task: NewTask {
                    kind: s.kind,
                    title: s.title.clone(),
                    note: s.note.clone(),
                    due_on: first,
                    due_until: (last != first).then_some(last),
                },
            })
        })
        .collect();
    // By day, then key: two steps of the same kind on the same day sit together and keep one.
    planned.sort_by_key(|p| (p.task.due_on, p.key.clone()));
    planned.dedup_by(|a, b| a.key == b.key);
    planned
}

/// How near an earlier calendar task of the same kind must be for a planned one to count as
/// already there: an officer moving a step by some days does not give farmers a second task.
pub const SAME_TASK_DAYS: i64 = 30;

/// The planned tasks not already on the plot: `existing` are the plot's calendar tasks (kind,
/// first day); one of the same kind within [`SAME_TASK_DAYS`] days stands for the new one.
pub fn not_yet_planned(
    planned: Vec<PlannedTask>,
    existing: &[(EntryKind, NaiveDate)],
) -> Vec<PlannedTask> {
    planned
        .into_iter()
        .filter(|p| {
            !existing.iter().any(|(kind, day)| {
                *kind == p.task.kind && (*day - p.task.due_on).num_days().abs() <= SAME_TASK_DAYS
            })
        })
        .collect()
}

fn step(
    kind: EntryKind,
    title: &str,
    note: &str,
    month: u32,
    day: u32,
    window: u32,
) -> CalendarStep {
    CalendarStep {
        kind,
        title: title.to_owned(),
        note: note.to_owned(),
        month,
        day,
        window_days: window,
    }
}

/// The care calendar shipped for a crop (keyed as `diary::register::crop_key` folds it), for
/// communes whose officers have not written their own.
///
/// Longan (nhãn lồng) in the Red River delta: harvested late July to August; pruned and fed
/// after the harvest so the autumn flush matures; girdled in early winter to bring on flowers;
/// fed before flowering and while the fruit fills; sprayed against stink bugs at flowering and
/// against anthracnose and fruit borers just before the fruit, fingertip-sized, is bagged.
pub fn shipped(crop_key: &str) -> Option<Vec<CalendarStep>> {
    use EntryKind as K;
    match crop_key {
        "nhan" => Some(vec![
            step(
                K::Pruning,
                "Tỉa cành sau thu hoạch",
                "Cắt bỏ cành sâu bệnh, cành vượt, cành tăm; tạo tán thông thoáng.",
                8,
                25,
                20,
            ),
            step(
                K::Fertilising,
                "Bón phân phục hồi sau thu hoạch",
                "Phân chuồng hoai mục và NPK; tưới đủ ẩm để ra lộc thu.",
                9,
                5,
                10,
            ),
            step(
                K::Spraying,
                "Phun phòng sâu bệnh lộc thu",
                "Theo dõi sâu đục cuống, nhện lông nhung; chỉ phun thuốc có trong danh mục cho nhãn.",
                10,
                5,
                14,
            ),
            step(
                K::FlowerInduction,
                "Khoanh cành xử lý ra hoa",
                "Khoanh vỏ khi lộc thu đã thành thục, trời hanh khô.",
                12,
                1,
                15,
            ),
            step(
                K::Fertilising,
                "Bón phân thúc hoa",
                "Bón kali và lân trước khi nhú mầm hoa.",
                1,
                25,
                10,
            ),
            step(
                K::Spraying,
                "Phun phòng bọ xít, sương mai thời kỳ ra hoa",
                "Phun khi cần, tránh lúc hoa nở rộ để bảo vệ ong.",
                3,
                10,
                14,
            ),
            step(
                K::Fertilising,
                "Bón phân nuôi quả",
                "Bón NPK và kali khi quả bằng hạt ngô.",
                4,
                20,
                10,
            ),
            step(
                K::Spraying,
                "Phun phòng thán thư, sâu đục quả trước khi bao",
                "Phun trước khi bao quả; ghi đúng thời gian cách ly trên nhãn thuốc.",
                5,
                5,
                10,
            ),
            step(
                K::FruitBagging,
                "Bao quả",
                "Bao chùm quả khi quả bằng đầu ngón tay, sau lần phun phòng.",
                5,
                20,
                20,
            ),
            step(
                K::Harvest,
                "Thu hoạch nhãn lồng",
                "Thu khi vỏ chuyển màu vàng nâu, cùi dày, vị ngọt đậm.",
                7,
                25,
                30,
            ),
        ]),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// Every status against every event: the whole table.
    #[test]
    fn the_task_status_machine() {
        use TaskEvent as E;
        use TaskStatus as S;
        use TaskTransitionError as X;
        let expected = |s: S, e: E| -> Result<S, X> {
            match (s, e) {
                (S::Open, E::Record) => Ok(S::Done),
                (S::Open, E::Skip) => Ok(S::Skipped),
                (S::Open, E::Reopen) => Err(X::Open),
                (S::Done, E::Record) => Err(X::Done),
                (S::Done, E::Skip) => Err(X::Done),
                (S::Done, E::Reopen) => Err(X::Done),
                (S::Skipped, E::Record) => Ok(S::Done),
                (S::Skipped, E::Skip) => Ok(S::Skipped),
                (S::Skipped, E::Reopen) => Ok(S::Open),
            }
        };
        let mut cases = 0;
        for s in TaskStatus::ALL.iter().copied() {
            for e in TaskEvent::ALL.iter().copied() {
                assert_eq!(s.after(e), expected(s, e), "{s:?} on {e:?}");
                cases += 1;
            }
        }
        assert_eq!(cases, 9);
    }

    fn task(due: NaiveDate, until: Option<NaiveDate>, status: TaskStatus, title: &str) -> Task {
        Task {
            id: Some(title.to_owned()),
            kind: EntryKind::Pruning,
            title: title.to_owned(),
            note: String::new(),
            due_on: due,
            due_until: until,
            source: TaskSource::Manual,
            status,
            entry_seq: None,
        }
    }

    #[test]
    fn late_tasks_come_first_then_the_coming_ones_then_the_closed() {
        let today = d(2027, 3, 10);
        let tasks = vec![
            task(d(2027, 3, 20), None, TaskStatus::Open, "soon"),
            task(d(2027, 2, 1), None, TaskStatus::Done, "done-feb"),
            task(d(2027, 3, 1), None, TaskStatus::Open, "late-1"),
            task(d(2027, 2, 20), None, TaskStatus::Open, "late-2"),
            // A window still running is not late.
            task(
                d(2027, 3, 1),
                Some(d(2027, 3, 15)),
                TaskStatus::Open,
                "window",
            ),
            task(d(2027, 3, 5), None, TaskStatus::Skipped, "skipped-mar"),
            task(d(2027, 3, 10), None, TaskStatus::Open, "today"),
        ];
        let order: Vec<String> = in_reading_order(tasks, today)
            .into_iter()
            .map(|t| t.title)
            .collect();
        assert_eq!(
            order,
            [
                "late-2",
                "late-1",
                "window",
                "today",
                "soon",
                "skipped-mar",
                "done-feb"
            ]
        );
    }

    #[test]
    fn overdue_counts_from_the_last_day_of_the_window() {
        let today = d(2027, 3, 10);
        assert_eq!(
            task(d(2027, 3, 1), None, TaskStatus::Open, "a").overdue_days(today),
            Some(9)
        );
        assert_eq!(
            task(d(2027, 2, 1), Some(d(2027, 3, 8)), TaskStatus::Open, "b").overdue_days(today),
            Some(2)
        );
        assert_eq!(
            task(d(2027, 3, 10), None, TaskStatus::Open, "c").overdue_days(today),
            None
        );
        assert_eq!(
            task(d(2027, 3, 1), None, TaskStatus::Done, "d").overdue_days(today),
            None
        );
        assert!(task(d(2027, 3, 10), None, TaskStatus::Open, "e").due_today(today));
        assert!(task(d(2027, 3, 1), Some(d(2027, 3, 10)), TaskStatus::Open, "f").due_today(today));
        assert!(!task(d(2027, 3, 11), None, TaskStatus::Open, "g").due_today(today));
    }

    #[test]
    fn the_pre_harvest_interval_is_a_task_only_while_it_runs() {
        let today = d(2027, 7, 1);
        let t = pre_harvest_task(Some(d(2027, 7, 8)), today, "safe").unwrap();
        assert_eq!(
            (t.due_on, t.kind, t.source),
            (d(2027, 7, 8), EntryKind::Harvest, TaskSource::PreHarvest)
        );
        assert!(t.id.is_none());
        assert!(pre_harvest_task(Some(today), today, "safe").is_none());
        assert!(pre_harvest_task(None, today, "safe").is_none());
    }

    #[test]
    fn a_task_form_is_read_with_a_reason_for_each_refusal() {
        let today = d(2027, 3, 10);
        let ok = NewTask::parse(
            "pruning",
            " Tỉa cành ",
            d(2027, 3, 12),
            Some(d(2027, 3, 20)),
            "",
            today,
        )
        .unwrap();
        assert_eq!(
            (ok.kind, ok.title.as_str(), ok.due_until),
            (EntryKind::Pruning, "Tỉa cành", Some(d(2027, 3, 20)))
        );
        // A window of one day is the day.
        let one = NewTask::parse(
            "pruning",
            "x",
            d(2027, 3, 12),
            Some(d(2027, 3, 12)),
            "",
            today,
        )
        .unwrap();
        assert_eq!(one.due_until, None);
        let refused =
            |kind: &str, title: &str, on: NaiveDate, until: Option<NaiveDate>, note: &str| {
                NewTask::parse(kind, title, on, until, note, today).unwrap_err()
            };
        assert_eq!(refused("weeding", "x", today, None, ""), TaskRefusal::Kind);
        assert_eq!(
            refused("pruning", "  ", today, None, ""),
            TaskRefusal::Title
        );
        assert_eq!(
            refused("pruning", &"a".repeat(TITLE_MAX + 1), today, None, ""),
            TaskRefusal::Title
        );
        assert_eq!(
            refused("pruning", "x", d(2030, 1, 1), None, ""),
            TaskRefusal::Date
        );
        assert_eq!(
            refused("pruning", "x", d(2025, 1, 1), None, ""),
            TaskRefusal::Date
        );
        assert_eq!(
            refused("pruning", "x", today, Some(d(2027, 3, 9)), ""),
            TaskRefusal::Window
        );
        assert_eq!(
            refused("pruning", "x", today, Some(d(2027, 9, 9)), ""),
            TaskRefusal::Window
        );
        assert_eq!(
            refused("pruning", "x", today, None, &"n".repeat(NOTE_MAX + 1)),
            TaskRefusal::Note
        );
    }

    #[test]
    fn a_calendar_row_is_read_with_a_reason_for_each_refusal() {
        let s = CalendarStep::parse("fruit_bagging", "Bao quả", "5", "20", "", "").unwrap();
        assert_eq!((s.month, s.day, s.window_days), (5, 20, 0));
        assert_eq!(
            CalendarStep::parse("x", "t", "5", "1", "", ""),
            Err(TaskRefusal::Kind)
        );
        assert_eq!(
            CalendarStep::parse("harvest", "", "5", "1", "", ""),
            Err(TaskRefusal::Title)
        );
        assert_eq!(
            CalendarStep::parse("harvest", "t", "13", "1", "", ""),
            Err(TaskRefusal::Day)
        );
        assert_eq!(
            CalendarStep::parse("harvest", "t", "5", "0", "", ""),
            Err(TaskRefusal::Day)
        );
        assert_eq!(
            CalendarStep::parse("harvest", "t", "5", "x", "", ""),
            Err(TaskRefusal::Day)
        );
        assert_eq!(
            CalendarStep::parse("harvest", "t", "5", "1", "121", ""),
            Err(TaskRefusal::Window)
        );
        assert_eq!(
            CalendarStep::parse("harvest", "t", "5", "1", "-1", ""),
            Err(TaskRefusal::Window)
        );
    }

    #[test]
    fn a_step_falls_on_this_years_day_until_its_window_has_passed() {
        let harvest = step(EntryKind::Harvest, "h", "", 7, 25, 30);
        // Before the window: this year's.
        assert_eq!(
            harvest.next(d(2027, 3, 1)),
            Some((d(2027, 7, 25), d(2027, 8, 24)))
        );
        // Inside the window: still this year's.
        assert_eq!(
            harvest.next(d(2027, 8, 1)),
            Some((d(2027, 7, 25), d(2027, 8, 24)))
        );
        // After it: next year's.
        assert_eq!(
            harvest.next(d(2027, 8, 25)),
            Some((d(2028, 7, 25), d(2028, 8, 24)))
        );
        // A day the month does not have is its last day.
        let feb = step(EntryKind::Pruning, "p", "", 2, 30, 0);
        assert_eq!(
            feb.next(d(2027, 1, 1)),
            Some((d(2027, 2, 28), d(2027, 2, 28)))
        );
        assert_eq!(
            feb.next(d(2027, 3, 1)),
            Some((d(2028, 2, 29), d(2028, 2, 29)))
        );
        // A window across the new year.
        let winter = step(EntryKind::FlowerInduction, "w", "", 12, 20, 20);
        assert_eq!(
            winter.next(d(2028, 1, 5)),
            Some((d(2027, 12, 20), d(2028, 1, 9)))
        );
    }

    #[test]
    fn the_longan_calendar_plans_a_year_of_work_once() {
        let steps = shipped("nhan").unwrap();
        let today = d(2027, 9, 1);
        let planned = plan(&steps, today);
        assert_eq!(planned.len(), steps.len());
        assert!(
            planned
                .windows(2)
                .all(|w| w[0].task.due_on <= w[1].task.due_on)
        );
        // The pruning window (25 August + 20 days) still runs: it comes first, this year.
        assert_eq!(planned[0].task.kind, EntryKind::Pruning);
        assert_eq!(planned[0].task.due_on, d(2027, 8, 25));
        assert_eq!(planned[0].key, "pruning@2027-08-25");
        // The harvest is next summer's.
        let harvest = planned
            .iter()
            .find(|p| p.task.kind == EntryKind::Harvest)
            .unwrap();
        assert_eq!(
            (harvest.task.due_on, harvest.task.due_until),
            (d(2028, 7, 25), Some(d(2028, 8, 24)))
        );
        // Every shipped step reads back through the officer's form as it is.
        for s in &steps {
            let again = CalendarStep::parse(
                s.kind.as_str(),
                &s.title,
                &s.month.to_string(),
                &s.day.to_string(),
                &s.window_days.to_string(),
                &s.note,
            );
            assert_eq!(again.as_ref(), Ok(s));
        }
        assert!(shipped("vai").is_none());
    }

    #[test]
    fn reminders_cover_today_and_tomorrow_from_six_in_the_morning() {
        assert_eq!(remind_until(d(2027, 12, 31)), d(2028, 1, 1));
        let utc = |h| d(2027, 3, 1).and_hms_opt(h, 0, 0).unwrap().and_utc();
        // 22:00 UTC is 05:00 in Vietnam; 23:00 is 06:00.
        assert!(!reminding_hours(utc(22)));
        assert!(reminding_hours(utc(23)));
        assert!(reminding_hours(utc(1)));
        assert!(reminding_hours(utc(16)));
        assert!(!reminding_hours(utc(17)));
    }

    #[test]
    fn a_step_moved_by_some_days_is_not_planned_twice() {
        let planned = plan(&shipped("nhan").unwrap(), d(2027, 3, 1));
        let bagging = planned
            .iter()
            .find(|p| p.task.kind == EntryKind::FruitBagging)
            .unwrap();
        assert_eq!(bagging.task.due_on, d(2027, 5, 20));
        // The officer moved bagging from 15 May; a pruning that day does not count.
        let existing = [
            (EntryKind::FruitBagging, d(2027, 5, 15)),
            (EntryKind::Pruning, d(2027, 5, 20)),
        ];
        let left = not_yet_planned(planned.clone(), &existing);
        assert_eq!(left.len(), planned.len() - 1);
        assert!(left.iter().all(|p| p.task.kind != EntryKind::FruitBagging));
        // The year's three feedings are each their own.
        let feeding = |v: &[PlannedTask]| {
            v.iter()
                .filter(|p| p.task.kind == EntryKind::Fertilising)
                .count()
        };
        let left = not_yet_planned(planned.clone(), &[(EntryKind::Fertilising, d(2027, 4, 20))]);
        assert_eq!(feeding(&planned), 3);
        assert_eq!(feeding(&left), 2);
    }
}
