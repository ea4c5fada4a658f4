//! The lots an order line came from, as the buyer's order page shows them: where it grew, when
//! it was harvested, and a link to each lot's traceability page.

use leptos::prelude::*;

use crate::{components::commune_name, i18n::Locale, lot_sales::model::LineLot};

use super::texts::LotSalesTexts;

/// "Your longan came from Vườn nhãn số 1, Xã Tân Hưng, harvested on …", one sentence per lot,
/// each with its traceability link; nothing for a line no lot covers.
#[component]
pub fn LineLots(product: String, lots: Vec<LineLot>, locale: Locale) -> impl IntoView {
    let t = LotSalesTexts::of(locale);
    let texts = locale.texts();
    let several = lots.len() > 1;
    (!lots.is_empty()).then(|| {
        view! {
            <ul class="line-lots">
                {lots.into_iter().map(|l| {
                    let day = l.harvested_on.map(|d| (texts.date)(d)).unwrap_or_default();
                    let sentence = match (&l.plot, &l.commune) {
                        (Some(plot), Some(c)) => (t.came_from)(
                            &product,
                            plot,
                            &commune_name(&c.kind, &c.name, texts),
                            &day,
                        ),
                        _ => (t.came_from_lot)(&product, &l.code, &day),
                    };
                    view! {
                        <li class="line-lot">
                            {several.then(|| view! { <strong>{(t.units_of_lot)(&l.code, l.quantity)}</strong> " · " })}
                            {sentence} " "
                            <a href=l.path.clone()>{t.trace_link} " (" <code>{l.code.clone()}</code> ")"</a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
    })
}
