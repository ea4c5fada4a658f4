//! `/can-bo/du-bao`: the harvest expected week by week in the officer's communes (every commune
//! for an administrator), per crop, with what the numbers assume; the CSV beside it.

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use super::{CSV, rules::WeekRow};
use crate::{
    care::calendar_page::crop_name,
    i18n::{Locale, use_locale},
    pages::gate::{Gate, gate},
};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ForecastView {
    pub rows: Vec<WeekRow>,
    /// Plots with an expected harvest.
    pub plots: usize,
    pub today: NaiveDate,
}

#[server(prefix = "/fn")]
pub async fn get_forecast() -> Result<Gate<ForecastView>, ServerFnError> {
    use crate::pages::gate::{gated, require_officer};
    gated(require_officer(super::PAGE), |actor, cx| async move {
        let scope = (!actor.admin).then_some(actor.officer_of.as_slice());
        super::storage::forecast(&cx.db, scope, cx.today)
            .await
            .map(|(rows, plots)| {
                Gate::Allowed(ForecastView {
                    rows,
                    plots,
                    today: cx.today,
                })
            })
            .map_err(|e| cx.failed("building the supply forecast", e))
    })
    .await
}

#[component]
pub fn ForecastPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_forecast());
    gate(data, |view| view! { <ForecastTable view/> })
}

#[component]
fn ForecastTable(view: ForecastView) -> impl IntoView {
    let locale = use_locale();
    let t = ForecastTexts::of(locale);
    let peak = view.rows.iter().map(|r| r.kg).max().unwrap_or(0).max(1);
    view! {
        <Title text=t.title/>
        <main class="page forecast">
            <nav class="crumbs">
                <a href="/can-bo">{crate::auth::texts::AccountTexts::of(locale).officer_title}</a>
            </nav>
            <h1>{t.title}</h1>
            <p>{t.intro}</p>
            <p class="small muted">{t.assumptions}</p>
            <p>{(t.counted)(view.plots)} " · " <a class="button secondary" href=CSV download="">{t.csv}</a></p>
            {if view.rows.is_empty() {
                view! { <p>{t.empty}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                    <table class="sales-table forecast">
                        <thead><tr>{t.head.iter().map(|h| view! { <th>{*h}</th> }).collect_view()}</tr></thead>
                        <tbody>
                            {view.rows.into_iter().map(|r| {
                                view! {
                                    <tr>
                                        <td>{r.commune}</td>
                                        <td>{crop_name(&r.crop)}</td>
                                        <td>{r.week.format("%d/%m/%Y").to_string()}</td>
                                        <td class="num">{format_kg(r.kg, locale)}</td>
                                        <td class="num">{r.plots}</td>
                                        // The week against the busiest week (no inline style: the CSP allows none).
                                        <td aria-hidden="true"><meter min="0" max=peak value=r.kg></meter></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                }.into_any()
            }}
        </main>
    }
}

/// Kilograms with thousands grouped as the reader writes them (1.200 / 1,200).
fn format_kg(kg: i64, locale: Locale) -> String {
    let digits = kg.unsigned_abs().to_string();
    let sep = if locale == Locale::Vi { '.' } else { ',' };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    if kg < 0 {
        out.insert(0, '-');
    }
    out
}

pub struct ForecastTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub assumptions: &'static str,
    pub counted: fn(usize) -> String,
    pub csv: &'static str,
    pub empty: &'static str,
    pub head: [&'static str; 6],
}

impl ForecastTexts {
    pub fn of(locale: Locale) -> &'static ForecastTexts {
        match locale {
            Locale::Vi => &VI,
            Locale::En => &EN,
        }
    }
}

static VI: ForecastTexts = ForecastTexts {
    title: "Dự báo sản lượng thu hoạch",
    intro: "Sản lượng dự kiến theo tuần của từng xã và cây trồng trong mùa tới, tính từ nhật ký \
            canh tác (xử lý ra hoa, bao quả) và khung thu hoạch nông dân đã lập, nhân với diện \
            tích vườn. Tuần nào dồn nhiều hàng, hãy tổ chức tiêu thụ sớm.",
    assumptions: "Giả định: nhãn 1,2 kg/m², thu hoạch 210–250 ngày sau xử lý ra hoa hoặc 50–75 \
                  ngày sau bao quả; vải 1 kg/m², 165–195 ngày sau xử lý ra hoa hoặc 35–56 ngày \
                  sau bao quả. Khung thu hoạch nông dân tự đặt được ưu tiên; khung theo lịch chăm sóc \
                  chỉ dùng khi vườn chưa ghi xử lý ra hoa hay bao quả.",
    counted: |n| format!("{n} vườn có dự báo"),
    csv: "Tải CSV",
    empty: "Chưa có vườn nào ghi xử lý ra hoa, bao quả hay lập khung thu hoạch cho mùa tới.",
    head: [
        "Xã",
        "Cây trồng",
        "Tuần từ thứ Hai",
        "Sản lượng dự kiến (kg)",
        "Số vườn",
        "",
    ],
};

static EN: ForecastTexts = ForecastTexts {
    title: "Harvest supply forecast",
    intro: "The harvest expected each week per commune and crop in the coming season, from the \
            farm diaries (flower induction, fruit bagging) and the harvest windows farmers \
            planned, times the orchards' areas. Where a week piles up, organise sales early.",
    assumptions: "Assumed: longan 1.2 kg/m², harvested 210–250 days after flower induction or \
                  50–75 days after bagging; lychee 1 kg/m², 165–195 days after induction or \
                  35–56 days after bagging. A harvest window the farmer set comes first; the care \
                  calendar's window counts only for plots with no induction or bagging recorded.",
    counted: |n| format!("{n} plots forecast"),
    csv: "Download CSV",
    empty: "No plot has recorded flower induction or fruit bagging, or planned a harvest window, \
            for the coming season yet.",
    head: [
        "Commune",
        "Crop",
        "Week from Monday",
        "Expected (kg)",
        "Plots",
        "",
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kilograms_are_grouped_as_each_language_writes_them() {
        assert_eq!(format_kg(1_234_567, Locale::Vi), "1.234.567");
        assert_eq!(format_kg(1_200, Locale::En), "1,200");
        assert_eq!(format_kg(999, Locale::Vi), "999");
    }
}
