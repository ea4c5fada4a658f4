//! One-click unsubscribe from a kind of email (RFC 8058): `/thong-bao/huy-dang-ky/{token}`.
//! An email of a notice that is not essential carries the link (and the `List-Unsubscribe`
//! headers); the page says what stops and has one button; a mail client's one-click POST does
//! the same without the page. Either way the account's setting for that kind and email becomes
//! off (`notification_preferences`), which `/tai-khoan/thong-bao` shows and can undo.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{rules::NoticeKind, texts::NotifyTexts};
use crate::i18n::use_locale;

/// Where the tokens' pages are.
pub const PREFIX: &str = "/thong-bao/huy-dang-ky/";

/// The path of a token's page and of its POST.
pub fn path(token: &str) -> String {
    format!("{PREFIX}{token}")
}

/// A token as [`storage::token_for`] keeps them: 64 hex digits. Anything else is not looked up.
pub fn is_token(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(feature = "ssr")]
pub mod storage {
    use super::*;
    use crate::db::Db;

    /// The account's token for `kind`: the one it has, or `candidate` (64 random hex digits
    /// from the caller) stored now. One per account and kind, so every email of that kind
    /// carries the same link.
    pub async fn token_for(
        db: &Db,
        user_id: &str,
        kind: NoticeKind,
        candidate: &str,
        at: &str,
    ) -> Result<String, sqlx::Error> {
        let mut tx = db.begin_write().await?;
        sqlx::query(INSERT)
            .bind(candidate)
            .bind(user_id)
            .bind(kind.as_str())
            .bind(at)
            .execute(&mut *tx)
            .await?;
        let token: String = sqlx::query_scalar(TOKEN)
            .bind(user_id)
            .bind(kind.as_str())
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The kind a token stops; `None` for a token that is not one.
    pub async fn kind_of(db: &Db, token: &str) -> Result<Option<NoticeKind>, sqlx::Error> {
        if !is_token(token) {
            return Ok(None);
        }
        let kind: Option<String> = sqlx::query_scalar(KIND)
            .bind(token)
            .fetch_optional(db.pool())
            .await?;
        Ok(kind.as_deref().and_then(NoticeKind::parse))
    }

    /// Switches the token's kind off for email; the kind, or `None` for an unknown token.
    /// Doing it twice changes nothing more.
    pub async fn apply(db: &Db, token: &str) -> Result<Option<NoticeKind>, sqlx::Error> {
        if !is_token(token) {
            return Ok(None);
        }
        let mut tx = db.begin_write().await?;
        let found: Option<(String, String)> = sqlx::query_as(FIND)
            .bind(token)
            .fetch_optional(&mut *tx)
            .await?;
        let Some((user_id, kind)) = found else {
            return Ok(None);
        };
        sqlx::query(SWITCH_OFF)
            .bind(&user_id)
            .bind(&kind)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(NoticeKind::parse(&kind))
    }

    crate::db::statements! {
        /// `token_for`.
        INSERT = "INSERT INTO unsubscribe_tokens (token, user_id, kind, created_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (user_id, kind) DO NOTHING";
        /// `token_for`.
        TOKEN = "SELECT token FROM unsubscribe_tokens WHERE user_id = $1 AND kind = $2";
        /// `kind_of`.
        KIND = "SELECT kind FROM unsubscribe_tokens WHERE token = $1";
        /// `apply`.
        FIND = "SELECT user_id, kind FROM unsubscribe_tokens WHERE token = $1";
        /// `apply`.
        SWITCH_OFF = "INSERT INTO notification_preferences (user_id, kind, channel, enabled)
            VALUES ($1, $2, 'email', 0)
            ON CONFLICT (user_id, kind, channel) DO UPDATE SET enabled = 0";
    }
}

/// The kind the page's token stops, if the token is one.
#[server(prefix = "/fn")]
pub async fn get_unsubscribe(token: String) -> Result<Option<NoticeKind>, ServerFnError> {
    let cx = crate::pages::PageContext::get()?;
    storage::kind_of(&cx.db, &token)
        .await
        .map_err(|e| cx.failed("reading an unsubscribe link", e))
}

#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let locale = use_locale();
    let t = NotifyTexts::of(locale);
    let token = use_params_map().with_untracked(|p| p.get("token").unwrap_or_default());
    let done = use_query_map().with_untracked(|q| q.get("xong").as_deref() == Some("1"));
    let data = Resource::new(move || token.clone(), get_unsubscribe);
    view! {
        <Title text=t.unsubscribe_title/>
        <Meta name="robots" content="noindex"/>
        <main class="page narrow">
            <h1>{t.unsubscribe_title}</h1>
            <Suspense fallback=move || view! { <p class="loading">{locale.texts().loading}</p> }>
                {move || data.get().map(|r| match r {
                    Ok(Some(kind)) if done => view! {
                        <p class="notice ok" role="status">{(t.unsubscribed)((t.kind)(kind))}</p>
                        <p><a href=super::preferences::PAGE>{t.preferences_link}</a></p>
                    }.into_any(),
                    Ok(Some(kind)) => {
                        let token = use_params_map().with_untracked(|p| p.get("token").unwrap_or_default());
                        view! {
                            <p>{(t.unsubscribe_ask)((t.kind)(kind))}</p>
                            <form method="post" action=path(&token)>
                                <button type="submit" class="button">{t.unsubscribe_button}</button>
                            </form>
                            <p><a href=super::preferences::PAGE>{t.preferences_link}</a></p>
                        }.into_any()
                    }
                    Ok(None) => view! { <p class="notice error" role="alert">{t.unsubscribe_unknown}</p> }.into_any(),
                    Err(_) => view! { <crate::pages::LoadFailed/> }.into_any(),
                })}
            </Suspense>
        </main>
    }
}
