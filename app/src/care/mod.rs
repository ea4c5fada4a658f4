//! Planned care (#26): the work a farmer means to do on each plot (pruning after the harvest,
//! fertilising, flower induction, fruit bagging, a spraying round, the harvest window), each
//! with its due day; made by hand or from the care calendar of the plot's crop (one shipped for
//! longan, each commune's officers may keep their own); a task done becomes a diary entry with
//! its fields filled in; the end of the pre-harvest interval shows as a task; reminders go
//! through the notifications service.
//!
//! - [`rules`]: task states, what a task form may say, calendars and their dates (pure).
//! - [`texts`]: every word of the care screens, in Vietnamese and English.
//! - [`view`]: the plot page's task list and forms.
//! - [`calendar_page`]: the officer's calendar editor, `/can-bo/lich-cham-soc`.
//! - `storage` (server only): tasks and calendars in the database, reminders.

pub mod calendar_page;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod storage;
pub mod texts;
pub mod view;

/// The officer's calendar editor.
pub const CALENDAR_PAGE: &str = "/can-bo/lich-cham-soc";
