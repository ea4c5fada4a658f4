//! The forecast's reads: each plot of the communes in scope with its area, its season's signals
//! (the last harvest, flower induction and fruit bagging, corrected entries left out) and its
//! open harvest windows.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::rules::{Expected, PlotSeason, WeekRow, expected, model, weekly};
use crate::{
    db::{Db, decode},
    diary::register::crop_key,
    domain::time::db_date,
};

/// The forecast for the communes in `scope` (every commune for an administrator: `None`), as
/// of `today`, and how many plots it counts.
#[tracing::instrument(skip_all, fields(?scope, %today))]
pub async fn forecast(
    db: &Db,
    scope: Option<&[String]>,
    today: NaiveDate,
) -> Result<(Vec<WeekRow>, usize), sqlx::Error> {
    let communes: Vec<String> = match scope {
        Some(ids) => ids.to_vec(),
        None => {
            sqlx::query_scalar(COMMUNES_WITH_PLOTS)
                .fetch_all(db.pool())
                .await?
        }
    };
    let mut expectations: Vec<(String, String, Expected)> = Vec::new();
    for commune_id in &communes {
        expectations.extend(commune(db, commune_id, today).await?);
    }
    let counted = expectations.len();
    Ok((weekly(&expectations, today), counted))
}

/// Each forecast plot of one commune: (commune name, crop key, expectation).
async fn commune(
    db: &Db,
    commune_id: &str,
    today: NaiveDate,
) -> Result<Vec<(String, String, Expected)>, sqlx::Error> {
    let plots: Vec<(String, String, Option<i64>, String)> = sqlx::query_as(PLOTS)
        .bind(commune_id)
        .fetch_all(db.pool())
        .await?;
    if plots.is_empty() {
        return Ok(Vec::new());
    }
    let mut seasons: HashMap<String, PlotSeason> = HashMap::new();
    let signals: Vec<(String, String, String)> = sqlx::query_as(SIGNALS)
        .bind(commune_id)
        .fetch_all(db.pool())
        .await?;
    for (plot_id, kind, day) in signals {
        let day = decode::date("cultivation_log_entries.occurred_on", &plot_id, &day)?;
        let season = seasons.entry(plot_id).or_default();
        match kind.as_str() {
            "harvest" => season.last_harvest = Some(day),
            "flower_induction" => season.induction = Some(day),
            "fruit_bagging" => season.bagging = Some(day),
            _ => {}
        }
    }
    let windows: Vec<(String, String, String, String)> = sqlx::query_as(WINDOWS)
        .bind(commune_id)
        .bind(db_date(today))
        .fetch_all(db.pool())
        .await?;
    for (plot_id, source, from, to) in windows {
        let from = decode::date("care_tasks.due_on", &plot_id, &from)?;
        let to = decode::date("care_tasks.due_until", &plot_id, &to)?;
        let season = seasons.entry(plot_id).or_default();
        // The earliest window still to come of each source (rows are by day).
        if source == "manual" {
            season.window.get_or_insert((from, to));
        } else {
            season.calendar_window.get_or_insert((from, to));
        }
    }
    Ok(plots
        .into_iter()
        .filter_map(|(id, crop, area, commune)| {
            let key = crop_key(&crop);
            let model = model(&key)?;
            let mut season = seasons.remove(&id).unwrap_or_default();
            season.area_m2 = area;
            Some((commune, key, expected(&season, &model, today)?))
        })
        .collect())
}

crate::db::statements! {
    /// `forecast`: an administrator's communes.
    COMMUNES_WITH_PLOTS = "SELECT DISTINCT commune_id FROM plots ORDER BY commune_id";
    /// `commune`: plots of approved producers.
    PLOTS = "SELECT p.id, p.crop, p.area_m2, c.name FROM plots p
          JOIN communes c ON c.id = p.commune_id
          JOIN producers pr ON pr.id = p.producer_id
         WHERE p.commune_id = $1 AND pr.status = 'active'
         ORDER BY p.id";
    /// `commune`: the latest day of each kind that tells the season, corrected entries left out.
    SIGNALS = "SELECT e.plot_id, e.kind, MAX(e.occurred_on) FROM cultivation_log_entries e
          JOIN plots p ON p.id = e.plot_id
         WHERE p.commune_id = $1 AND e.kind IN ('harvest', 'flower_induction', 'fruit_bagging')
           AND NOT EXISTS (SELECT 1 FROM cultivation_log_entries c WHERE c.corrects_id = e.id)
         GROUP BY e.plot_id, e.kind";
    /// `commune`: open harvest tasks not over yet, by day.
    WINDOWS = "SELECT t.plot_id, t.source, t.due_on, COALESCE(t.due_until, t.due_on) FROM care_tasks t
          JOIN plots p ON p.id = t.plot_id
         WHERE p.commune_id = $1 AND t.kind = 'harvest' AND t.status = 'open'
           AND COALESCE(t.due_until, t.due_on) >= $2
         ORDER BY t.plot_id, t.due_on";
}
