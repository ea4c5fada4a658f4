//! The forecast as arithmetic: when a plot's harvest is expected, how much, and the weekly sums
//! per commune and crop. No I/O.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// What the forecast assumes of a crop.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CropModel {
    /// Kilograms a square metre of orchard bears in a season (a mature orchard).
    pub kg_per_m2: f64,
    /// Days from flower induction to the harvest: (first, last).
    pub from_induction: (u64, u64),
    /// Days from fruit bagging to the harvest.
    pub from_bagging: (u64, u64),
}

/// The crops forecast, keyed as `diary::register::crop_key` folds them.
///
/// Longan (nhãn lồng, Hưng Yên): girdled in December, harvested late July to August, so about
/// 7–8 months; bagged about two months before picking; 10–15 t/ha in a mature orchard.
/// Lychee (vải thiều): induced in November–December, picked in June; bagged 5–8 weeks before;
/// around 10 t/ha.
pub fn model(crop_key: &str) -> Option<CropModel> {
    match crop_key {
        "nhan" => Some(CropModel {
            kg_per_m2: 1.2,
            from_induction: (210, 250),
            from_bagging: (50, 75),
        }),
        "vai" => Some(CropModel {
            kg_per_m2: 1.0,
            from_induction: (165, 195),
            from_bagging: (35, 56),
        }),
        _ => None,
    }
}

/// What a plot's diary and tasks say of its coming harvest (dates after its last harvest).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlotSeason {
    pub area_m2: Option<i64>,
    pub last_harvest: Option<NaiveDate>,
    pub induction: Option<NaiveDate>,
    pub bagging: Option<NaiveDate>,
    /// An open harvest task's window the farmer set by hand (`care`): (first day, last day).
    pub window: Option<(NaiveDate, NaiveDate)>,
    /// An open harvest task from the care calendar: the commune's usual window, weaker than
    /// what the plot's own diary says.
    pub calendar_window: Option<(NaiveDate, NaiveDate)>,
}

/// What the expectation rests on, strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Basis {
    HarvestWindow,
    FruitBagging,
    FlowerInduction,
    CalendarWindow,
}

/// One plot's expected harvest.
#[derive(Clone, Debug, PartialEq)]
pub struct Expected {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub kg: f64,
    pub basis: Basis,
}

fn after(day: NaiveDate, days: u64) -> Option<NaiveDate> {
    day.checked_add_days(Days::new(days))
}

/// The harvest a plot is expected to bring, as of `today`, from the strongest signal of its
/// season: the farmer's own harvest window, else its fruit bagging, else its flower induction,
/// else the calendar's harvest window. A signal belongs to the season when its window ends on or
/// after the plot's last harvest (a picking that started does not end the season) and not
/// before today. `None` without an area or a signal.
pub fn expected(season: &PlotSeason, model: &CropModel, today: NaiveDate) -> Option<Expected> {
    let area = season.area_m2.filter(|a| *a > 0)?;
    let current = |(from, to): (NaiveDate, NaiveDate)| {
        to >= from && to >= today && season.last_harvest.is_none_or(|h| to >= h)
    };
    let from_signal = |day: Option<NaiveDate>, (first, last): (u64, u64)| {
        let day = day?;
        Some((after(day, first)?, after(day, last)?))
    };
    let (window, basis) = [
        (season.window, Basis::HarvestWindow),
        (
            from_signal(season.bagging, model.from_bagging),
            Basis::FruitBagging,
        ),
        (
            from_signal(season.induction, model.from_induction),
            Basis::FlowerInduction,
        ),
        (season.calendar_window, Basis::CalendarWindow),
    ]
    .into_iter()
    .find_map(|(w, basis)| Some((w.filter(|w| current(*w))?, basis)))?;
    Some(Expected {
        from: window.0,
        to: window.1,
        kg: area as f64 * model.kg_per_m2,
        basis,
    })
}

/// The Monday of `day`'s week.
pub fn week_of(day: NaiveDate) -> NaiveDate {
    day - chrono::Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// One line of the forecast: a commune's crop in one week.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeekRow {
    pub commune: String,
    pub crop: String,
    /// The week's Monday.
    pub week: NaiveDate,
    /// Kilograms expected that week, rounded.
    pub kg: i64,
    /// Plots contributing.
    pub plots: usize,
}

/// How many weeks ahead the forecast looks: a season.
pub const WEEKS: u64 = 40;

/// The weekly sums per (commune, crop) of each plot's expected harvest, spread evenly over its
/// window's days, from this week for [`WEEKS`] weeks; by commune, crop, then week.
pub fn weekly(plots: &[(String, String, Expected)], today: NaiveDate) -> Vec<WeekRow> {
    let first = week_of(today);
    let end = after(first, WEEKS * 7).unwrap_or(first);
    let mut sums: BTreeMap<(String, String, NaiveDate), (f64, usize)> = BTreeMap::new();
    for (commune, crop, e) in plots {
        let days = (e.to - e.from).num_days() + 1;
        let per_day = e.kg / days as f64;
        let mut weeks: BTreeMap<NaiveDate, f64> = BTreeMap::new();
        for d in e.from.iter_days().take(days as usize) {
            if d >= first && d < end {
                *weeks.entry(week_of(d)).or_default() += per_day;
            }
        }
        for (week, kg) in weeks {
            let slot = sums
                .entry((commune.clone(), crop.clone(), week))
                .or_default();
            slot.0 += kg;
            slot.1 += 1;
        }
    }
    sums.into_iter()
        .map(|((commune, crop, week), (kg, plots))| WeekRow {
            commune,
            crop,
            week,
            kg: kg.round() as i64,
            plots,
        })
        .filter(|r| r.kg > 0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    const LONGAN: CropModel = CropModel {
        kg_per_m2: 1.2,
        from_induction: (210, 250),
        from_bagging: (50, 75),
    };

    #[test]
    fn the_strongest_signal_of_the_season_wins() {
        let today = d(2027, 3, 1);
        let mut s = PlotSeason {
            area_m2: Some(1000),
            last_harvest: Some(d(2026, 8, 10)),
            induction: Some(d(2026, 12, 1)),
            ..PlotSeason::default()
        };
        let e = expected(&s, &LONGAN, today).unwrap();
        assert_eq!(
            (e.from, e.to, e.basis),
            (d(2027, 6, 29), d(2027, 8, 8), Basis::FlowerInduction)
        );
        assert_eq!(e.kg, 1200.0);
        s.bagging = Some(d(2027, 5, 20));
        assert_eq!(
            expected(&s, &LONGAN, today).unwrap().basis,
            Basis::FruitBagging
        );
        // The calendar's window is the weakest: the diary's bagging still wins.
        s.calendar_window = Some((d(2027, 7, 25), d(2027, 8, 24)));
        assert_eq!(
            expected(&s, &LONGAN, today).unwrap().basis,
            Basis::FruitBagging
        );
        s.window = Some((d(2027, 7, 25), d(2027, 8, 20)));
        let e = expected(&s, &LONGAN, today).unwrap();
        assert_eq!(
            (e.from, e.to, e.basis),
            (d(2027, 7, 25), d(2027, 8, 20), Basis::HarvestWindow)
        );
        // Picking started on 28 July: the window still runs, the plot is still forecast.
        s.last_harvest = Some(d(2027, 7, 28));
        let e = expected(&s, &LONGAN, d(2027, 8, 1)).unwrap();
        assert_eq!(e.basis, Basis::HarvestWindow);
        // A plot with only the calendar's window is forecast by it.
        let planned_only = PlotSeason {
            area_m2: Some(500),
            last_harvest: Some(d(2026, 8, 10)),
            calendar_window: Some((d(2027, 7, 25), d(2027, 8, 24))),
            ..PlotSeason::default()
        };
        let e = expected(&planned_only, &LONGAN, today).unwrap();
        assert_eq!((e.basis, e.kg), (Basis::CalendarWindow, 600.0));
    }

    #[test]
    fn last_seasons_work_an_unknown_area_or_a_passed_window_forecast_nothing() {
        let today = d(2027, 3, 1);
        let old = PlotSeason {
            area_m2: Some(1000),
            last_harvest: Some(d(2026, 8, 10)),
            induction: Some(d(2025, 12, 1)),
            ..PlotSeason::default()
        };
        assert_eq!(expected(&old, &LONGAN, today), None);
        let no_area = PlotSeason {
            area_m2: None,
            induction: Some(d(2026, 12, 1)),
            ..PlotSeason::default()
        };
        assert_eq!(expected(&no_area, &LONGAN, today), None);
        let passed = PlotSeason {
            area_m2: Some(1000),
            induction: Some(d(2026, 1, 1)),
            ..PlotSeason::default()
        };
        assert_eq!(expected(&passed, &LONGAN, today), None);
    }

    #[test]
    fn a_window_is_spread_over_its_weeks_and_summed_per_commune_and_crop() {
        let today = d(2027, 7, 1);
        let e = |from, to, kg| Expected {
            from,
            to,
            kg,
            basis: Basis::HarvestWindow,
        };
        // Monday 19 July to Sunday 1 August: two whole weeks, 700 kg each.
        let plots = vec![
            (
                "Tân Hưng".to_owned(),
                "nhan".to_owned(),
                e(d(2027, 7, 19), d(2027, 8, 1), 1400.0),
            ),
            (
                "Tân Hưng".to_owned(),
                "nhan".to_owned(),
                e(d(2027, 7, 26), d(2027, 7, 26), 100.0),
            ),
            (
                "Khoái Châu".to_owned(),
                "nhan".to_owned(),
                e(d(2027, 7, 19), d(2027, 7, 25), 70.0),
            ),
        ];
        let rows = weekly(&plots, today);
        let got: Vec<(&str, NaiveDate, i64, usize)> = rows
            .iter()
            .map(|r| (r.commune.as_str(), r.week, r.kg, r.plots))
            .collect();
        assert_eq!(
            got,
            [
                ("Khoái Châu", d(2027, 7, 19), 70, 1),
                ("Tân Hưng", d(2027, 7, 19), 700, 1),
                ("Tân Hưng", d(2027, 7, 26), 800, 2),
            ]
        );
        // Every kilogram inside the horizon is counted once.
        let total: i64 = rows.iter().map(|r| r.kg).sum();
        assert_eq!(total, 1570);
        assert_eq!(week_of(d(2027, 8, 1)), d(2027, 7, 26));
    }
}
