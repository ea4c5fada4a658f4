//! The producer's carrier accounts, `/ban-hang/van-chuyen`: for GHN and GHTK, the producer's own
//! token (shown masked once saved; left empty, the stored one is kept), GHN's shop id, the
//! pick-up name, phone and address (national codes, street), and whether the account is used
//! at checkout. It shows the callback URL to register with the carrier. Members see it, owners
//! change it; the form posts to `server::seller::carriers`, which checks the credentials with
//! the carrier before saving. Its storage is `carriers_storage`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::{
    address::{
        model::ProvinceChoice,
        picker::{CommunePicker, ProvinceStep},
    },
    auth::pages::CsrfField,
    i18n::{Locale, use_locale},
    pages::{
        gate::{Gate, gate},
        refusal::Refusal,
    },
};

pub const PAGE: &str = "/ban-hang/van-chuyen";

/// The carriers a producer may set up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CarrierName {
    Ghn,
    Ghtk,
}

impl CarrierName {
    pub const ALL: [CarrierName; 2] = [CarrierName::Ghn, CarrierName::Ghtk];

    pub fn as_str(self) -> &'static str {
        match self {
            CarrierName::Ghn => "ghn",
            CarrierName::Ghtk => "ghtk",
        }
    }

    pub fn parse(text: &str) -> Option<CarrierName> {
        CarrierName::ALL.into_iter().find(|c| c.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            CarrierName::Ghn => "GHN",
            CarrierName::Ghtk => "GHTK",
        }
    }

    /// The callback URL the producer registers with the carrier: each carrier verifies its
    /// callbacks by a secret in the URL, under its own parameter name.
    pub fn callback_url(self, base: &str, producer_id: &str, secret: &str) -> String {
        let param = match self {
            CarrierName::Ghn => "token",
            CarrierName::Ghtk => "hash",
        };
        format!(
            "{}/api/v1/carriers/{}/callback/{producer_id}?{param}={secret}",
            base.trim_end_matches('/'),
            self.as_str()
        )
    }
}

/// The form as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarrierFields {
    pub producer_id: String,
    pub carrier: String,
    #[serde(default)]
    pub token: String,
    #[serde(default)]
    pub shop_id: String,
    #[serde(default)]
    pub pick_name: String,
    #[serde(default)]
    pub pick_phone: String,
    #[serde(default)]
    pub province_id: String,
    #[serde(default)]
    pub commune_id: String,
    #[serde(default)]
    pub street: String,
    /// A checkbox: present ("on") when ticked.
    #[serde(default)]
    pub enabled: Option<String>,
}

/// Why the form was refused, or what the carrier said of the credentials. Sent back as
/// `?loi=<code>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "loi", rename_all = "snake_case")]
pub enum CarrierRefusal {
    Token,
    ShopId,
    PickName,
    PickPhone,
    Commune,
    Street,
    /// Saved, but switched off: the carrier refused the token (or the shop id).
    Credentials,
    /// Saved, but switched off: the carrier does not pick up at that address.
    NotServed,
    /// Saved as asked: the carrier could not be reached to check the credentials.
    Unreachable,
    Invalid,
    #[serde(other)]
    Unknown,
}

impl Refusal for CarrierRefusal {
    fn unknown() -> Option<Self> {
        Some(CarrierRefusal::Unknown)
    }
}

/// The form, checked: what to save (the token `None` means "keep the stored one").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CarrierInput {
    pub carrier: CarrierName,
    pub token: Option<String>,
    pub shop_id: Option<i64>,
    pub pick_name: String,
    pub pick_phone: String,
    pub province: crate::address::rules::ProvinceCode,
    pub commune: crate::address::rules::CommuneCode,
    pub street: String,
    pub enabled: bool,
}

fn line(text: &str, max: usize) -> Option<String> {
    let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!t.is_empty() && t.chars().count() <= max).then_some(t)
}

impl CarrierFields {
    /// Parses the form; `has_token`: a token is stored already (an empty field keeps it).
    pub fn check(&self, has_token: bool) -> Result<CarrierInput, CarrierRefusal> {
        use crate::address::rules::{CommuneCode, ProvinceCode};
        let carrier = CarrierName::parse(self.carrier.trim()).ok_or(CarrierRefusal::Invalid)?;
        let token = self.token.trim();
        let token = if token.is_empty() {
            if !has_token {
                return Err(CarrierRefusal::Token);
            }
            None
        } else if token.len() > 200 || token.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(CarrierRefusal::Token);
        } else {
            Some(token.to_owned())
        };
        let shop_id = match carrier {
            CarrierName::Ghn => Some(
                self.shop_id
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|id| *id > 0)
                    .ok_or(CarrierRefusal::ShopId)?,
            ),
            CarrierName::Ghtk => None,
        };
        let pick_name = line(&self.pick_name, 100).ok_or(CarrierRefusal::PickName)?;
        let pick_phone = crate::domain::phone::PhoneVn::parse(&self.pick_phone)
            .map_err(|_| CarrierRefusal::PickPhone)?;
        let province =
            ProvinceCode::parse(self.province_id.trim()).map_err(|_| CarrierRefusal::Commune)?;
        let commune =
            CommuneCode::parse(self.commune_id.trim()).map_err(|_| CarrierRefusal::Commune)?;
        let street = line(&self.street, 200).ok_or(CarrierRefusal::Street)?;
        Ok(CarrierInput {
            carrier,
            token,
            shop_id,
            pick_name,
            pick_phone: pick_phone.display(),
            province,
            commune,
            street,
            enabled: self.enabled.is_some(),
        })
    }
}

/// One carrier's account as the form shows it (never the whole token).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub masked_token: Option<String>,
    pub shop_id: Option<i64>,
    pub pick_name: String,
    pub pick_phone: String,
    pub street: String,
    pub enabled: bool,
    /// The commune chosen: (code, "Phường X, Tỉnh Y").
    pub commune: Option<(String, String)>,
    pub callback_url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarriersData {
    /// (id, name) of the producers the user works for.
    pub producers: Vec<(String, String)>,
    pub producer_id: String,
    pub owner: bool,
    pub carrier: CarrierName,
    /// Whether each carrier is set up and switched on: (carrier, saved, enabled).
    pub summary: Vec<(CarrierName, bool, bool)>,
    pub account: AccountView,
    pub provinces: Vec<ProvinceChoice>,
    pub province: Option<String>,
    pub communes: Vec<(String, String)>,
}

#[server(prefix = "/fn")]
pub async fn get_carriers_page(
    producer_id: Option<String>,
    carrier: Option<String>,
    province: Option<String>,
) -> Result<Gate<Option<CarriersData>>, ServerFnError> {
    use crate::{
        address::{rules::ProvinceCode, storage as address},
        auth::MemberRole,
        pages::gate::{gated, require_signed_in},
    };
    gated(require_signed_in(PAGE), |actor, cx| async move {
        let load = async {
            let ids = actor.producer_ids();
            let producers: Vec<(String, String)> =
                crate::auth::producers::of_user(&cx.db, &actor.user_id)
                    .await?
                    .into_iter()
                    .filter(|p| ids.contains(&p.id.as_str()))
                    .map(|p| (p.id, p.name))
                    .collect();
            let Some((producer_id, _)) = producer_id
                .and_then(|id| producers.iter().find(|(p, _)| *p == id).cloned())
                .or_else(|| producers.first().cloned())
            else {
                return Ok(None);
            };
            let carrier = carrier
                .as_deref()
                .and_then(CarrierName::parse)
                .unwrap_or(CarrierName::Ghn);
            let accounts =
                crate::seller::carriers_storage::for_producer(&cx.db, &producer_id).await?;
            let summary = CarrierName::ALL
                .into_iter()
                .map(|c| {
                    let a = accounts.iter().find(|(a, _)| a.carrier == c.as_str());
                    (c, a.is_some(), a.is_some_and(|(a, _)| a.enabled))
                })
                .collect();
            let stored = accounts
                .into_iter()
                .find(|(a, _)| a.carrier == carrier.as_str());
            let base = use_context::<crate::seo::PublicUrl>().map(|u| u.0.to_string());
            // The province step's choice, else the stored pick-up's.
            let province = province
                .and_then(|p| ProvinceCode::parse(&p).ok())
                .or_else(|| {
                    stored
                        .as_ref()
                        .and_then(|(a, _)| ProvinceCode::parse(&a.pick_province_code).ok())
                });
            let account = match &stored {
                Some((a, place)) => AccountView {
                    masked_token: Some(crate::seller::carriers_storage::masked(&a.token)),
                    shop_id: a.shop_id,
                    pick_name: a.pick_name.clone(),
                    pick_phone: a.pick_phone.clone(),
                    street: a.pick_street.clone(),
                    enabled: a.enabled,
                    commune: (province.as_ref().map(|p| p.as_str())
                        == Some(a.pick_province_code.as_str()))
                    .then(|| {
                        (
                            a.pick_commune_code.clone(),
                            format!("{}, {}", place.commune, place.province),
                        )
                    }),
                    callback_url: base
                        .as_deref()
                        .map(|b| carrier.callback_url(b, &producer_id, &a.callback_secret)),
                },
                None => AccountView {
                    masked_token: None,
                    shop_id: None,
                    pick_name: String::new(),
                    pick_phone: String::new(),
                    street: String::new(),
                    enabled: true,
                    commune: None,
                    callback_url: None,
                },
            };
            let provinces = address::provinces(&cx.db)
                .await?
                .iter()
                .map(|p| ProvinceChoice::of(p, cx.locale))
                .collect();
            let communes = match &province {
                Some(p) => address::communes_of(&cx.db, p)
                    .await?
                    .iter()
                    .map(|c| (c.code.to_string(), c.label(cx.locale)))
                    .collect(),
                None => Vec::new(),
            };
            Ok::<_, sqlx::Error>(Some(CarriersData {
                owner: actor.member_role(&producer_id) == Some(MemberRole::Owner),
                producers,
                producer_id,
                carrier,
                summary,
                account,
                provinces,
                province: province.map(|p| p.to_string()),
                communes,
            }))
        };
        load.await
            .map(Gate::Allowed)
            .map_err(|e| cx.failed("loading carrier accounts", e))
    })
    .await
}

#[component]
pub fn CarriersPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || query.with(|q| (q.get("producer_id"), q.get("carrier"), q.get("province_id"))),
        |(p, c, province)| get_carriers_page(p, c, province),
    );
    gate(data, |d| view! { <CarriersView data=d/> })
}

#[component]
fn CarriersView(data: Option<CarriersData>) -> impl IntoView {
    let locale = use_locale();
    let t = CarrierTexts::of(locale);
    let notice = use_query_map().with_untracked(|q| {
        if let Some(r) = CarrierRefusal::from_query(q.latest_values().map(|(k, v)| (k.as_ref(), v)))
        {
            let ok = matches!(r, CarrierRefusal::Unreachable);
            let class = if ok { "notice" } else { "notice error" };
            Some(view! { <p class=class role="alert">{(t.error)(r)}</p> })
        } else {
            q.get("ok")
                .map(|_| view! { <p class="notice ok" role="status">{t.saved}</p> })
        }
    });
    view! {
        <Title text=t.title/>
        <main class="page narrow seller">
            <h1>{t.title}</h1>
            {notice}
            <p>{t.intro}</p>
            <p><a href="/ban-hang/giao-hang">{t.to_fees}</a></p>
            {match data {
                None => view! { <p>{t.not_member}</p> }.into_any(),
                Some(d) => view! { <CarrierForm data=d locale/> }.into_any(),
            }}
        </main>
    }
}

#[component]
fn CarrierForm(data: CarriersData, locale: Locale) -> impl IntoView {
    let t = CarrierTexts::of(locale);
    let pid = data.producer_id.clone();
    let a = data.account;
    let carrier = data.carrier;
    view! {
        {(data.producers.len() > 1).then(|| view! {
            <nav class="seller-nav">
                {data.producers.iter().map(|(id, name)| view! {
                    <a class="button secondary" href=format!("{PAGE}?producer_id={id}")>{name.clone()}</a>
                }).collect_view()}
            </nav>
        })}
        <nav class="seller-nav" aria-label=t.title>
            {data.summary.into_iter().map(|(c, saved, enabled)| {
                let state = if enabled { t.on } else if saved { t.off } else { t.not_set };
                view! {
                    <a class="button secondary" aria-current=(c == carrier).then_some("page")
                       href=format!("{PAGE}?producer_id={pid}&carrier={}", c.as_str())>
                        {c.label()} " · " {state}
                    </a>
                }
            }).collect_view()}
        </nav>
        <h2>{carrier.label()}</h2>
        {a.callback_url.clone().map(|url| view! {
            <p>{t.callback} <br/><code class="callback-url">{url}</code></p>
        })}
        {if data.owner {
            view! {
                <section class="stack" aria-label=t.pick_address>
                    <ProvinceStep action=PAGE provinces=data.provinces chosen=data.province.clone()
                                  keep=vec![("producer_id".to_owned(), pid.clone()),
                                            ("carrier".to_owned(), carrier.as_str().to_owned())]
                                  locale/>
                </section>
                <form method="post" action=PAGE class="stack carrier-account">
                    <CsrfField/>
                    <input type="hidden" name="producer_id" value=pid.clone()/>
                    <input type="hidden" name="carrier" value=carrier.as_str()/>
                    <label for="token">{t.token}</label>
                    <input id="token" name="token" autocomplete="off" maxlength="200"
                           required=a.masked_token.is_none()
                           placeholder=a.masked_token.clone().unwrap_or_default()/>
                    {a.masked_token.is_some().then(|| view! { <small>{t.token_kept}</small> })}
                    {(carrier == CarrierName::Ghn).then(|| view! {
                        <label for="shop_id">{t.shop_id}</label>
                        <input id="shop_id" name="shop_id" inputmode="numeric" required
                               value=a.shop_id.map(|s| s.to_string()).unwrap_or_default()/>
                    })}
                    <label for="pick_name">{t.pick_name}</label>
                    <input id="pick_name" name="pick_name" required maxlength="100" value=a.pick_name/>
                    <label for="pick_phone">{t.pick_phone}</label>
                    <input id="pick_phone" name="pick_phone" type="tel" required value=a.pick_phone/>
                    <fieldset>
                        <legend>{t.pick_address}</legend>
                        <CommunePicker province=data.province communes=data.communes chosen=a.commune
                                       vi=locale == Locale::Vi/>
                        <label for="street">{t.street}</label>
                        <input id="street" name="street" required maxlength="200" value=a.street/>
                    </fieldset>
                    <div class="choice">
                        <input type="checkbox" id="enabled" name="enabled" checked=a.enabled/>
                        <label for="enabled">{t.enabled}</label>
                    </div>
                    <button type="submit" class="button">{t.save}</button>
                </form>
            }.into_any()
        } else {
            view! { <p class="muted">{t.owners_only}</p> }.into_any()
        }}
    }
}

/// Every word of the page, in Vietnamese and English.
pub struct CarrierTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub to_fees: &'static str,
    pub not_member: &'static str,
    pub owners_only: &'static str,
    pub on: &'static str,
    pub off: &'static str,
    pub not_set: &'static str,
    pub callback: &'static str,
    pub token: &'static str,
    pub token_kept: &'static str,
    pub shop_id: &'static str,
    pub pick_name: &'static str,
    pub pick_phone: &'static str,
    pub pick_address: &'static str,
    pub street: &'static str,
    pub enabled: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub error: fn(CarrierRefusal) -> &'static str,
}

impl CarrierTexts {
    pub fn of(locale: Locale) -> &'static CarrierTexts {
        match locale {
            Locale::Vi => &VI,
            Locale::En => &EN,
        }
    }
}

static VI: CarrierTexts = CarrierTexts {
    title: "Đơn vị vận chuyển",
    intro: "Nhập tài khoản GHN hoặc GHTK của cơ sở để khách thấy đúng phí giao hàng khi đặt. Khi chưa có tài khoản, hoặc đơn vị vận chuyển không trả lời, phí lấy theo bảng phí giao hàng của cơ sở và ghi là ước tính.",
    to_fees: "Bảng phí giao hàng của cơ sở",
    not_member: "Bạn chưa thuộc cơ sở sản xuất nào.",
    owners_only: "Chỉ chủ cơ sở được thay đổi tài khoản vận chuyển.",
    on: "đang bật",
    off: "đã lưu, đang tắt",
    not_set: "chưa cài đặt",
    callback: "Địa chỉ nhận thông báo (callback) cần khai báo với đơn vị vận chuyển:",
    token: "Mã token API",
    token_kept: "Để trống để giữ mã đã lưu.",
    shop_id: "Mã cửa hàng (ShopId) GHN",
    pick_name: "Tên người giao hàng cho đơn vị vận chuyển",
    pick_phone: "Số điện thoại lấy hàng",
    pick_address: "Địa chỉ lấy hàng",
    street: "Số nhà, đường, thôn/xóm",
    enabled: "Dùng tài khoản này để tính phí khi khách đặt hàng",
    save: "Lưu",
    saved: "Đã lưu. Đơn vị vận chuyển đã chấp nhận tài khoản.",
    error: |r| match r {
        CarrierRefusal::Token => "Hãy nhập mã token API (không có khoảng trắng, tối đa 200 ký tự).",
        CarrierRefusal::ShopId => {
            "Mã cửa hàng GHN phải là một số dương (xem trong trang quản lý của GHN)."
        }
        CarrierRefusal::PickName => "Hãy nhập tên người giao hàng (tối đa 100 ký tự).",
        CarrierRefusal::PickPhone => "Số điện thoại lấy hàng chưa đúng (ví dụ 0912 345 678).",
        CarrierRefusal::Commune => "Hãy chọn tỉnh/thành rồi phường/xã lấy hàng.",
        CarrierRefusal::Street => "Hãy nhập số nhà, đường (tối đa 200 ký tự).",
        CarrierRefusal::Credentials => {
            "Đơn vị vận chuyển từ chối mã token hoặc mã cửa hàng. Đã lưu nhưng tài khoản đang TẮT: hãy kiểm tra lại mã rồi lưu lại."
        }
        CarrierRefusal::NotServed => {
            "Đơn vị vận chuyển không lấy hàng ở địa chỉ này. Đã lưu nhưng tài khoản đang TẮT: hãy kiểm tra địa chỉ lấy hàng."
        }
        CarrierRefusal::Unreachable => {
            "Đã lưu, nhưng chưa kiểm tra được tài khoản vì đơn vị vận chuyển không trả lời. Trong lúc đó khách thấy phí ước tính theo bảng phí của cơ sở."
        }
        CarrierRefusal::Invalid | CarrierRefusal::Unknown => "Không lưu được. Hãy thử lại.",
    },
};

static EN: CarrierTexts = CarrierTexts {
    title: "Carriers",
    intro: "Enter your GHN or GHTK account so buyers see the real delivery fee when they order. Without an account, or when the carrier does not answer, the fee comes from your delivery table and is marked as an estimate.",
    to_fees: "Your delivery fee table",
    not_member: "You do not work for a producer yet.",
    owners_only: "Only the producer's owners may change its carrier accounts.",
    on: "on",
    off: "saved, off",
    not_set: "not set up",
    callback: "Callback URL to register with the carrier:",
    token: "API token",
    token_kept: "Leave empty to keep the saved token.",
    shop_id: "GHN shop id",
    pick_name: "Sender's name for the carrier",
    pick_phone: "Pick-up phone",
    pick_address: "Pick-up address",
    street: "House number, street, hamlet",
    enabled: "Use this account for delivery fees at checkout",
    save: "Save",
    saved: "Saved. The carrier accepted the account.",
    error: |r| match r {
        CarrierRefusal::Token => "Enter the API token (no spaces, at most 200 characters).",
        CarrierRefusal::ShopId => "GHN's shop id is a positive number (see your GHN dashboard).",
        CarrierRefusal::PickName => "Enter the sender's name (at most 100 characters).",
        CarrierRefusal::PickPhone => {
            "The pick-up phone is not a Vietnamese number (e.g. 0912 345 678)."
        }
        CarrierRefusal::Commune => "Choose the province, then the commune of the pick-up address.",
        CarrierRefusal::Street => "Enter the house number and street (at most 200 characters).",
        CarrierRefusal::Credentials => {
            "The carrier refused the token or shop id. Saved, but switched OFF: check them and save again."
        }
        CarrierRefusal::NotServed => {
            "The carrier does not pick up at this address. Saved, but switched OFF: check the pick-up address."
        }
        CarrierRefusal::Unreachable => {
            "Saved, but the account could not be checked: the carrier did not answer. Meanwhile buyers see your table's estimate."
        }
        CarrierRefusal::Invalid | CarrierRefusal::Unknown => "Not saved. Please try again.",
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> CarrierFields {
        CarrierFields {
            producer_id: "p".into(),
            carrier: "ghn".into(),
            token: " tok-123456789 ".into(),
            shop_id: "885123".into(),
            pick_name: " HTX  Phố Hiến ".into(),
            pick_phone: "0912 386 000".into(),
            province_id: "33".into(),
            commune_id: "12345".into(),
            street: "12 Nguyễn Văn Linh".into(),
            enabled: Some("on".into()),
        }
    }

    #[test]
    fn a_good_form_is_read() {
        let input = fields().check(false).unwrap();
        assert_eq!(input.carrier, CarrierName::Ghn);
        assert_eq!(input.token.as_deref(), Some("tok-123456789"));
        assert_eq!(input.shop_id, Some(885_123));
        assert_eq!(input.pick_name, "HTX Phố Hiến");
        assert!(input.enabled);
    }

    #[test]
    fn an_empty_token_keeps_the_stored_one_only_when_there_is_one() {
        let f = CarrierFields {
            token: "  ".into(),
            ..fields()
        };
        assert_eq!(f.check(false), Err(CarrierRefusal::Token));
        assert_eq!(f.check(true).unwrap().token, None);
    }

    #[test]
    fn each_bad_field_says_which() {
        type Spoil = fn(&mut CarrierFields);
        let cases: [(Spoil, CarrierRefusal); 8] = [
            (|f| f.carrier = "vnpost".into(), CarrierRefusal::Invalid),
            (|f| f.token = "a b".into(), CarrierRefusal::Token),
            (|f| f.shop_id = "0".into(), CarrierRefusal::ShopId),
            (|f| f.shop_id = "x".into(), CarrierRefusal::ShopId),
            (|f| f.pick_name = " ".into(), CarrierRefusal::PickName),
            (|f| f.pick_phone = "12".into(), CarrierRefusal::PickPhone),
            (|f| f.commune_id = "".into(), CarrierRefusal::Commune),
            (|f| f.street = "".into(), CarrierRefusal::Street),
        ];
        for (spoil, want) in cases {
            let mut f = fields();
            spoil(&mut f);
            assert_eq!(f.check(true), Err(want), "{f:?}");
        }
        // GHTK has no shop id to check.
        let f = CarrierFields {
            carrier: "ghtk".into(),
            shop_id: String::new(),
            ..fields()
        };
        assert_eq!(f.check(false).unwrap().shop_id, None);
    }

    #[test]
    fn callback_urls_are_the_carriers_own_shape() {
        assert_eq!(
            CarrierName::Ghn.callback_url("https://a.vn/", "p1", "s3"),
            "https://a.vn/api/v1/carriers/ghn/callback/p1?token=s3"
        );
        assert_eq!(
            CarrierName::Ghtk.callback_url("https://a.vn", "p1", "s3"),
            "https://a.vn/api/v1/carriers/ghtk/callback/p1?hash=s3"
        );
    }
}
