//! `/quan-tri`: the province administrator's page — rename a commune (the old name is kept as a
//! former name), merge two communes, commune officers, and the marketplace's bank account for
//! VietQR transfers. Plain forms.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::{
    auth::pages::CsrfField,
    i18n::{Locale, use_locale},
    pages::gate::{Gate, gate},
    seller::page::SellerNotice,
};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminData {
    /// Active communes: (id, name).
    pub communes: Vec<(String, String)>,
    /// (user id, name, commune id, commune name).
    pub officers: Vec<(String, String, String, String)>,
    /// (BIN, account number, holder).
    pub bank: (String, String, String),
    /// New producers' delivery fee, in dong.
    pub shipping: i64,
    /// Who operates the marketplace (the footer).
    pub operator: crate::legal::operator::Operator,
}

#[server(prefix = "/fn")]
pub async fn get_admin_page() -> Result<Gate<AdminData>, ServerFnError> {
    use crate::{
        auth::{Action, authorize},
        pages::gate::{gated, require},
    };
    gated(
        require("/quan-tri", |a| authorize(Some(a), Action::Administer)),
        |_, cx| async move {
            let load = async {
                Ok::<_, sqlx::Error>(AdminData {
                    communes: crate::officer::storage::commune_editor::communes_of(&cx.db, None)
                        .await?,
                    officers: crate::admin::storage::officers(&cx.db).await?,
                    bank: crate::admin::storage::bank_account(&cx.db).await?,
                    shipping: crate::admin::storage::default_shipping(&cx.db).await?,
                    operator: crate::legal::storage::operator(&cx.db).await?,
                })
            };
            load.await
                .map(Gate::Allowed)
                .map_err(|e| cx.failed("loading the administration page", e))
        },
    )
    .await
}

struct AdminTexts {
    title: &'static str,
    create: &'static str,
    kind: &'static str,
    kinds: [&'static str; 3],
    create_button: &'static str,
    users: &'static str,
    rename: &'static str,
    commune: &'static str,
    new_name: &'static str,
    rename_button: &'static str,
    rename_help: &'static str,
    merge: &'static str,
    merge_from: &'static str,
    merge_into: &'static str,
    merge_button: &'static str,
    merge_help: &'static str,
    officers: &'static str,
    login: &'static str,
    add: &'static str,
    remove: &'static str,
    bank: &'static str,
    bin: &'static str,
    account: &'static str,
    holder: &'static str,
    save: &'static str,
    bank_help: &'static str,
    shipping: &'static str,
    shipping_help: &'static str,
}

static VI: AdminTexts = AdminTexts {
    title: "Quản trị tỉnh",
    create: "Thêm xã, phường",
    kind: "Loại",
    kinds: ["Xã", "Phường", "Đặc khu"],
    create_button: "Thêm",
    users: "Người dùng (đặt lại mật khẩu)",
    rename: "Đổi tên xã",
    commune: "Xã, phường",
    new_name: "Tên mới",
    rename_button: "Đổi tên",
    rename_help: "Tên cũ được giữ làm tên trước đây: người mua vẫn tìm thấy. Địa chỉ trang không đổi.",
    merge: "Sáp nhập xã",
    merge_from: "Sáp nhập xã",
    merge_into: "vào xã",
    merge_button: "Sáp nhập",
    merge_help: "Mọi cơ sở, sản phẩm, vườn và cán bộ chuyển sang xã mới; đơn hàng giữ nguyên. Tên xã cũ thành tên trước đây.",
    officers: "Cán bộ xã",
    login: "Số điện thoại hoặc email của tài khoản",
    add: "Thêm cán bộ",
    remove: "Bỏ",
    bank: "Tài khoản nhận chuyển khoản (VietQR)",
    bin: "Mã ngân hàng (BIN, 6 số)",
    account: "Số tài khoản",
    holder: "Tên chủ tài khoản (không dấu)",
    save: "Lưu",
    bank_help: "Dùng cho cơ sở chưa có tài khoản riêng.",
    shipping: "Phí giao hàng mặc định (đồng)",
    shipping_help: "Cơ sở mới bắt đầu với phí này; mỗi cơ sở có thể đổi phí của mình.",
};

static EN: AdminTexts = AdminTexts {
    title: "Province administration",
    create: "Add a commune or ward",
    kind: "Kind",
    kinds: ["Commune (xã)", "Ward (phường)", "Special zone (đặc khu)"],
    create_button: "Add",
    users: "Users (password resets)",
    rename: "Rename a commune",
    commune: "Commune or ward",
    new_name: "New name",
    rename_button: "Rename",
    rename_help: "The old name is kept as a former name, so buyers still find it. The page address does not change.",
    merge: "Merge communes",
    merge_from: "Merge",
    merge_into: "into",
    merge_button: "Merge",
    merge_help: "Every producer, product, plot and officer moves to the remaining commune; orders stay as they are. The merged commune's name becomes a former name.",
    officers: "Commune officers",
    login: "The account's phone number or email",
    add: "Add officer",
    remove: "Remove",
    bank: "Account for bank transfers (VietQR)",
    bin: "Bank BIN (6 digits)",
    account: "Account number",
    holder: "Account holder (without diacritics)",
    save: "Save",
    bank_help: "Used for producers without an account of their own.",
    shipping: "Default delivery fee (dong)",
    shipping_help: "New producers start with this fee; each producer may change theirs.",
};

fn texts(locale: Locale) -> &'static AdminTexts {
    match locale {
        Locale::Vi => &VI,
        Locale::En => &EN,
    }
}

#[component]
pub fn ProvinceAdminPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_admin_page());
    gate(data, |d| view! { <AdminView data=d/> })
}

#[component]
fn CommuneSelect(
    id: &'static str,
    name: &'static str,
    communes: Vec<(String, String)>,
) -> impl IntoView {
    view! {
        <select id=id name=name required>
            {communes.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
        </select>
    }
}

#[component]
fn AdminView(data: AdminData) -> impl IntoView {
    let t = texts(use_locale());
    let communes = data.communes;
    let saved = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("ok").is_some())
        .then(|| view! { <p class="notice ok" role="status">"✓"</p> });
    view! {
        <Title text=t.title/>
        <main class="page narrow">
            <h1>{t.title}</h1>
            <p><a href="/quan-tri/nguoi-dung">{t.users}</a></p>
            <p>
                <a href="/quan-tri/doi-soat">{crate::ledger::texts::LedgerTexts::of(use_locale()).settlement_title}</a>
                " · "
                <a href="/quan-tri/chuyen-khoan">{crate::bank_feed::page::QueueTexts::of(use_locale()).title}</a>
            </p>
            <SellerNotice/>
            {saved}
            <OperatorForm operator=data.operator/>
            <h2 id="xa-moi">{t.create}</h2>
            <form method="post" action="/quan-tri/xa" class="stack">
                <CsrfField/>
                <label for="create-name">{t.new_name}</label>
                <input id="create-name" name="name" required maxlength="80"/>
                <label for="create-kind">{t.kind}</label>
                <select id="create-kind" name="kind">
                    <option value="xa">{t.kinds[0]}</option>
                    <option value="phuong">{t.kinds[1]}</option>
                    <option value="dac_khu">{t.kinds[2]}</option>
                </select>
                <button type="submit" class="button">{t.create_button}</button>
            </form>
            <h2 id="doi-ten">{t.rename}</h2>
            <form method="post" action="/quan-tri/xa/doi-ten" class="stack">
                <CsrfField/>
                <label for="rename-commune">{t.commune}</label>
                <CommuneSelect id="rename-commune" name="commune_id" communes=communes.clone()/>
                <label for="rename-name">{t.new_name}</label>
                <input id="rename-name" name="name" required maxlength="80"/>
                <small>{t.rename_help}</small>
                <button type="submit" class="button">{t.rename_button}</button>
            </form>
            <h2 id="sap-nhap">{t.merge}</h2>
            <form method="post" action="/quan-tri/xa/sap-nhap" class="stack">
                <CsrfField/>
                <label for="merge-from">{t.merge_from}</label>
                <CommuneSelect id="merge-from" name="from" communes=communes.clone()/>
                <label for="merge-into">{t.merge_into}</label>
                <CommuneSelect id="merge-into" name="into" communes=communes.clone()/>
                <small>{t.merge_help}</small>
                <button type="submit" class="button secondary">{t.merge_button}</button>
            </form>
            <h2 id="can-bo">{t.officers}</h2>
            <ul class="queue">
                {data.officers.into_iter().map(|(user, name, commune, commune_name)| view! {
                    <li>{name} " — " {commune_name}
                        <form method="post" action="/quan-tri/can-bo/bo" class="inline">
                            <CsrfField/>
                            <input type="hidden" name="user_id" value=user/>
                            <input type="hidden" name="commune_id" value=commune/>
                            <button type="submit" class="link-button danger">{t.remove}</button>
                        </form>
                    </li>
                }).collect_view()}
            </ul>
            <form method="post" action="/quan-tri/can-bo" class="stack">
                <CsrfField/>
                <label for="officer-login">{t.login}</label>
                <input id="officer-login" name="login" required maxlength="120"/>
                <label for="officer-commune">{t.commune}</label>
                <CommuneSelect id="officer-commune" name="commune_id" communes=communes/>
                <button type="submit" class="button">{t.add}</button>
            </form>
            <h2 id="ngan-hang">{t.bank}</h2>
            <form method="post" action="/quan-tri/ngan-hang" class="stack">
                <CsrfField/>
                <small>{t.bank_help}</small>
                <label for="bank-bin">{t.bin}</label>
                <input id="bank-bin" name="bin" required inputmode="numeric" maxlength="6" value=data.bank.0/>
                <label for="bank-no">{t.account}</label>
                <input id="bank-no" name="account_no" required maxlength="19" value=data.bank.1/>
                <label for="bank-name">{t.holder}</label>
                <input id="bank-name" name="account_name" required maxlength="50" value=data.bank.2/>
                <button type="submit" class="button">{t.save}</button>
            </form>
            <h2 id="giao-hang">{t.shipping}</h2>
            <form method="post" action="/quan-tri/giao-hang" class="stack">
                <CsrfField/>
                <small>{t.shipping_help}</small>
                <label for="shipping-base" class="visually-hidden">{t.shipping}</label>
                <input id="shipping-base" name="base" required inputmode="numeric" maxlength="12" value=data.shipping.to_string()/>
                <button type="submit" class="button">{t.save}</button>
            </form>
        </main>
    }
}

/// Who operates the marketplace, as the footer shows it.
#[component]
fn OperatorForm(operator: crate::legal::operator::Operator) -> impl IntoView {
    use crate::{
        legal::operator::{KEYS, OperatorRefusal},
        pages::refusal::Refusal,
    };
    let t = crate::legal::texts::LegalTexts::of(use_locale());
    let refused = leptos_router::hooks::use_query_map().with_untracked(|q| {
        OperatorRefusal::from_query(q.latest_values().map(|(k, v)| (k.as_ref(), v)))
    });
    let names = [
        "name",
        "address",
        "phone",
        "email",
        "business_registration",
        "representative",
        "ecommerce_registration",
        "ecommerce_record_url",
    ];
    let values = operator.values().map(str::to_owned);
    view! {
        <h2 id="van-hanh">{t.form_title}</h2>
        {refused.map(|r| view! { <p class="notice error" role="alert">{t.refusal(r)}</p> })}
        <form method="post" action="/quan-tri/van-hanh" class="stack">
            <CsrfField/>
            <small>{t.form_help}</small>
            {KEYS.iter().enumerate().map(|(i, key)| {
                let id = key.replace('_', "-");
                let kind = match names[i] {
                    "email" => "email",
                    "phone" => "tel",
                    "ecommerce_record_url" => "url",
                    _ => "text",
                };
                view! {
                    <label for=id.clone()>{t.fields[i]}</label>
                    <input id=id name=names[i] type=kind maxlength="300" required=i < 2 value=values[i].clone()/>
                }
            }).collect_view()}
            <small>{t.record_help}</small>
            <button type="submit" class="button">{t.save}</button>
        </form>
    }
}
