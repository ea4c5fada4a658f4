//! The queue of bank credits that paid no order by themselves: `/ban-hang/chuyen-khoan` (a
//! producer's people: credits naming its orders) and `/quan-tri/chuyen-khoan` (officers and
//! administrators: all). Each waiting credit can be matched to an order or recorded as sent
//! back; the forms post to the server crate's `bank_feed::queue_form`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{
    model::{QueuePage, QueueRefusal, QueuedCredit},
    rules::{CreditStatus, QueueReason},
};
use crate::{
    auth::pages::CsrfField,
    i18n::{Locale, use_locale},
    pages::gate::{Gate, gate},
    shop::pages::orders::local_time,
};

pub struct QueueTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub none: &'static str,
    pub received: &'static str,
    pub amount: &'static str,
    pub note: &'static str,
    pub order: &'static str,
    pub state: &'static str,
    pub match_to: &'static str,
    pub match_button: &'static str,
    pub refund_ref: &'static str,
    pub refund_button: &'static str,
    pub done: &'static str,
    pub reason: fn(QueueReason) -> &'static str,
    pub status: fn(CreditStatus) -> &'static str,
    pub refusal: fn(QueueRefusal) -> &'static str,
}

impl QueueTexts {
    pub fn of(locale: Locale) -> &'static QueueTexts {
        match locale {
            Locale::Vi => &VI,
            Locale::En => &EN,
        }
    }
}

static VI: QueueTexts = QueueTexts {
    title: "Chuyển khoản chờ đối chiếu",
    intro: "Các khoản tiền chuyển vào tài khoản của sàn mà không tự khớp được với đơn hàng: thiếu, thừa, đến sau khi đơn đã huỷ hoặc không ghi mã đơn. Khớp với đơn (khi số tiền đúng) hoặc ghi lại đã hoàn tiền cho người chuyển.",
    none: "Không có khoản chuyển khoản nào chờ đối chiếu.",
    received: "Nhận lúc",
    amount: "Số tiền",
    note: "Nội dung chuyển khoản",
    order: "Đơn hàng",
    state: "Tình trạng",
    match_to: "Mã đơn",
    match_button: "Khớp với đơn",
    refund_ref: "Mã giao dịch hoàn tiền",
    refund_button: "Đã hoàn tiền",
    done: "Đã lưu.",
    reason: |r| match r {
        QueueReason::Underpaid => "Chuyển thiếu",
        QueueReason::Overpaid => "Chuyển thừa",
        QueueReason::Late => "Đến sau khi đơn đã huỷ/hết hạn",
        QueueReason::UnknownReference => "Không có mã đơn",
        QueueReason::AlreadyPaid => "Đơn đã được thanh toán",
    },
    status: |s| match s {
        CreditStatus::Matched => "Đã tự khớp",
        CreditStatus::Unmatched => "Chờ xử lý",
        CreditStatus::MatchedByHand => "Đã khớp thủ công",
        CreditStatus::Refunded => "Đã hoàn tiền",
    },
    refusal: |r| match r {
        QueueRefusal::AlreadyResolved => "Khoản này đã được xử lý.",
        QueueRefusal::UnknownOrder => "Không có đơn hàng với mã này.",
        QueueRefusal::NotPayable => {
            "Đơn này không còn chờ chuyển khoản (đã thanh toán, đã huỷ hoặc không thanh toán bằng chuyển khoản)."
        }
        QueueRefusal::AmountDiffers => {
            "Số tiền chuyển khác số tiền của đơn: không thể khớp. Hãy hoàn tiền cho người chuyển."
        }
        QueueRefusal::BadReference => {
            "Hãy nhập mã giao dịch hoàn tiền của ngân hàng (tối đa 64 ký tự)."
        }
        QueueRefusal::BadAction => "Yêu cầu không hợp lệ.",
    },
};

static EN: QueueTexts = QueueTexts {
    title: "Bank transfers to check",
    intro: "Money that came into the marketplace's account and matched no order by itself: short, too much, after the order was cancelled or expired, or without an order number. Match it to an order (when the amount is right) or record that it was sent back.",
    none: "No bank transfer waits to be checked.",
    received: "Received",
    amount: "Amount",
    note: "Transfer note",
    order: "Order",
    state: "State",
    match_to: "Order number",
    match_button: "Match to order",
    refund_ref: "Refund transfer reference",
    refund_button: "Sent back",
    done: "Saved.",
    reason: |r| match r {
        QueueReason::Underpaid => "Short payment",
        QueueReason::Overpaid => "Overpayment",
        QueueReason::Late => "After the order was cancelled or expired",
        QueueReason::UnknownReference => "No order number",
        QueueReason::AlreadyPaid => "The order was already paid",
    },
    status: |s| match s {
        CreditStatus::Matched => "Matched automatically",
        CreditStatus::Unmatched => "Waiting",
        CreditStatus::MatchedByHand => "Matched by hand",
        CreditStatus::Refunded => "Sent back",
    },
    refusal: |r| match r {
        QueueRefusal::AlreadyResolved => "This credit was already dealt with.",
        QueueRefusal::UnknownOrder => "No order has this number.",
        QueueRefusal::NotPayable => {
            "This order no longer waits for a bank transfer (paid, cancelled, or not paid by transfer)."
        }
        QueueRefusal::AmountDiffers => {
            "The amount differs from the order's: it cannot be matched. Send it back instead."
        }
        QueueRefusal::BadReference => {
            "Enter the bank's reference of the refund transfer (up to 64 characters)."
        }
        QueueRefusal::BadAction => "Not a valid request.",
    },
};

#[server(prefix = "/fn")]
pub async fn get_credit_queue(page: String) -> Result<Gate<Vec<QueuedCredit>>, ServerFnError> {
    use crate::pages::gate::{gated, require};
    let page = QueuePage::parse(&page).unwrap_or(QueuePage::Seller);
    let access = require(page.path(), |a| match page {
        QueuePage::Seller if a.works_for_a_producer() => Ok(()),
        QueuePage::Officer if a.admin || a.is_officer() => Ok(()),
        _ => Err(crate::auth::Denied::Forbidden),
    });
    gated(access, |actor, cx| async move {
        super::storage::queue(&cx.db, &actor)
            .await
            .map(Gate::Allowed)
            .map_err(|e| cx.failed("loading the bank credit queue", e))
    })
    .await
}

#[component]
pub fn SellerCreditsPage() -> impl IntoView {
    queue_page(QueuePage::Seller)
}

#[component]
pub fn OfficerCreditsPage() -> impl IntoView {
    queue_page(QueuePage::Officer)
}

fn queue_page(page: QueuePage) -> impl IntoView {
    let data = Resource::new(|| (), move |_| get_credit_queue(page.path().to_owned()));
    gate(
        data,
        move |credits| view! { <Queue credits=credits page=page/> },
    )
}

#[component]
fn Queue(credits: Vec<QueuedCredit>, page: QueuePage) -> impl IntoView {
    let locale = use_locale();
    let t = QueueTexts::of(locale);
    let notice = use_query_map().with_untracked(|q| {
        if let Some(r) = q.get("loi").as_deref().and_then(QueueRefusal::parse) {
            Some(view! { <p class="notice error" role="alert">{(t.refusal)(r)}</p> }.into_any())
        } else {
            q.get("ok")
                .map(|_| view! { <p class="notice ok" role="status">{t.done}</p> }.into_any())
        }
    });
    view! {
        <Title text=t.title/>
        <main class="page seller">
            <h1>{t.title}</h1>
            {notice}
            <p>{t.intro}</p>
            {if credits.is_empty() {
                view! { <p>{t.none}</p> }.into_any()
            } else {
                view! {
                    <table class="sales-table credit-queue">
                        <thead><tr>
                            <th scope="col">{t.received}</th><th scope="col">{t.amount}</th>
                            <th scope="col">{t.note}</th><th scope="col">{t.order}</th>
                            <th scope="col">{t.state}</th><th scope="col"></th>
                        </tr></thead>
                        <tbody>
                            {credits.into_iter().map(|c| view! { <CreditRow credit=c page=page/> }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </main>
    }
}

#[component]
fn CreditRow(credit: QueuedCredit, page: QueuePage) -> impl IntoView {
    let locale = use_locale();
    let t = QueueTexts::of(locale);
    let action = format!("{}/{}", page.path(), credit.id);
    let state = match (credit.status, credit.reason) {
        (CreditStatus::Unmatched, Some(r)) => (t.reason)(r).to_owned(),
        (s, _) => match &credit.refund_ref {
            Some(r) => format!("{} ({r})", (t.status)(s)),
            None => (t.status)(s).to_owned(),
        },
    };
    let waiting = credit.status == CreditStatus::Unmatched;
    let order_no = credit.order_no.clone().unwrap_or_default();
    view! {
        <tr class:stands-out=waiting>
            <td>{local_time(&credit.received_at)}</td>
            <td class="price">{credit.amount.format(locale.money())}</td>
            <td>{credit.description}{credit.bank_ref.map(|r| view! { <small>{r}</small> })}</td>
            <td>{credit.order_no.map(|no| view! { <a href=format!("/don-hang/{no}")>{no.clone()}</a> })}</td>
            <td>{state}</td>
            <td>
                {waiting.then(|| view! {
                    <form method="post" action=action.clone() class="inline">
                        <CsrfField/>
                        <input type="hidden" name="action" value="match"/>
                        <label>{t.match_to}" "<input name="order_no" value=order_no required size="12"/></label>
                        <button type="submit" class="button secondary">{t.match_button}</button>
                    </form>
                    <form method="post" action=action.clone() class="inline">
                        <CsrfField/>
                        <input type="hidden" name="action" value="refund"/>
                        <label>{t.refund_ref}" "<input name="reference" required maxlength="64" size="14"/></label>
                        <button type="submit" class="button secondary">{t.refund_button}</button>
                    </form>
                })}
            </td>
        </tr>
    }
}
