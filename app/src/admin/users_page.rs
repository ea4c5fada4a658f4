//! The province administrator's user list: find a user, set a temporary password.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::{
    auth::{
        pages::{CsrfField, FormErrorNotice},
        password_rules::MIN_PASSWORD_CHARS,
        texts::AccountTexts,
        views::UserSummary,
    },
    domain::phone::PhoneVn,
    i18n::use_locale,
    officer::form::OfficerRefusal,
    pages::{
        gate::{Gate, gate},
        refusal::Refusal,
    },
};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UsersData {
    pub q: String,
    pub users: Vec<UserSummary>,
}

#[server(prefix = "/fn")]
pub async fn get_users(q: String) -> Result<Gate<UsersData>, ServerFnError> {
    use crate::{
        auth::{Action, authorize},
        pages::gate::{gated, require},
    };
    gated(
        require("/quan-tri/nguoi-dung", |a| {
            authorize(Some(a), Action::Administer)
        }),
        |_, cx| async move {
            let q: String = q.chars().take(100).collect();
            crate::auth::producers::search_users(&cx.db, &q)
                .await
                .map(|users| Gate::Allowed(UsersData { q, users }))
                .map_err(|e| cx.failed("loading the users page", e))
        },
    )
    .await
}

struct UserTexts {
    admin_badge: &'static str,
    disable: &'static str,
    enable: &'static str,
    grant_admin: &'static str,
    revoke_admin: &'static str,
    changed: &'static str,
    yourself: &'static str,
}

fn user_texts(locale: crate::i18n::Locale) -> &'static UserTexts {
    static VI: UserTexts = UserTexts {
        admin_badge: "quản trị",
        disable: "Khóa tài khoản",
        enable: "Mở khóa",
        grant_admin: "Cấp quyền quản trị",
        revoke_admin: "Bỏ quyền quản trị",
        changed: "Đã cập nhật tài khoản.",
        yourself: "Bạn không thể tự khóa hoặc tự bỏ quyền quản trị của mình.",
    };
    static EN: UserTexts = UserTexts {
        admin_badge: "administrator",
        disable: "Disable account",
        enable: "Enable",
        grant_admin: "Make administrator",
        revoke_admin: "Remove administrator role",
        changed: "Account updated.",
        yourself: "You cannot disable yourself or remove your own administrator role.",
    };
    match locale {
        crate::i18n::Locale::Vi => &VI,
        crate::i18n::Locale::En => &EN,
    }
}

#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let data = Resource::new(q, get_users);
    gate(data, |d| view! { <UsersView data=d/> })
}

#[component]
fn UsersView(data: UsersData) -> impl IntoView {
    let locale = use_locale();
    let t = AccountTexts::of(locale);
    let ut = user_texts(locale);
    let reset = use_query_map().with_untracked(|q| q.get("ok").as_deref() == Some("reset"));
    let changed = use_query_map().with_untracked(|q| q.get("ok").as_deref() == Some("user"));
    let refused = use_query_map().with_untracked(|q| {
        let pairs = q.latest_values().map(|(k, v)| (k.as_ref(), v));
        OfficerRefusal::from_query(pairs) == Some(OfficerRefusal::Yourself)
    });
    view! {
        <Title text=t.admin_users_title/>
        <main class="page">
            <h1>{t.admin_users_title}</h1>
            <FormErrorNotice/>
            {reset.then(|| view! { <p class="notice ok" role="status">{t.reset_done}</p> })}
            {changed.then(|| view! { <p class="notice ok" role="status">{ut.changed}</p> })}
            {refused.then(|| view! { <p class="notice error" role="alert">{ut.yourself}</p> })}
            <form method="get" action="/quan-tri/nguoi-dung" class="filter" role="search">
                <label for="user-q">{t.search_users_label}</label>
                <input id="user-q" type="search" name="q" value=data.q maxlength="100"/>
                <button type="submit">{t.search_button}</button>
            </form>
            <ul class="users">
                {data.users.into_iter().map(|u| {
                    let login = u
                        .phone
                        .as_deref()
                        .and_then(|p| PhoneVn::parse(p).ok())
                        .map(|p| p.display())
                        .or(u.email.clone())
                        .unwrap_or_default();
                    let action = format!("/quan-tri/nguoi-dung/{}/mat-khau", u.id);
                    view! {
                        <li>
                            <strong>{u.display_name}</strong> " · " {login}
                            {(u.status != "active").then(|| view! { " · " <span class="badge">{t.disabled_badge}</span> })}
                            {(u.admin > 0).then(|| view! { " · " <span class="badge">{ut.admin_badge}</span> })}
                            <form method="post" action=format!("/quan-tri/nguoi-dung/{}/trang-thai", u.id) class="inline">
                                <CsrfField/>
                                {if u.status == "active" {
                                    view! { <button type="submit" name="change" value="disable" class="link-button danger">{ut.disable}</button> }.into_any()
                                } else {
                                    view! { <button type="submit" name="change" value="enable" class="link-button">{ut.enable}</button> }.into_any()
                                }}
                                {if u.admin > 0 {
                                    view! { <button type="submit" name="change" value="revoke_admin" class="link-button">{ut.revoke_admin}</button> }.into_any()
                                } else {
                                    view! { <button type="submit" name="change" value="grant_admin" class="link-button">{ut.grant_admin}</button> }.into_any()
                                }}
                            </form>
                            <form method="post" action=action class="inline">
                                <CsrfField/>
                                <label>{t.temp_password_label} " "
                                    <input name="temporary_password" type="text" required
                                        minlength=MIN_PASSWORD_CHARS maxlength="128" autocomplete="off"/>
                                </label>
                                <button type="submit" class="button secondary">{t.reset_button}</button>
                            </form>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </main>
    }
}
