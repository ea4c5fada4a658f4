//! `/thong-bao`: the signed-in user's inbox. Works without JavaScript: opening a notice is a
//! small form that marks it read and goes to its page; one more marks them all read.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{model::Inbox, texts::NotifyTexts};
use crate::{
    auth::pages::CsrfField,
    i18n::use_locale,
    pages::gate::{Gate, gate},
    shop::pages::orders::local_time,
};

#[server(prefix = "/fn")]
pub async fn get_inbox() -> Result<Gate<Inbox>, ServerFnError> {
    use crate::pages::gate::{gated, require_signed_in};
    gated(require_signed_in("/thong-bao"), |actor, cx| async move {
        super::storage::inbox(&cx.db, &actor.user_id)
            .await
            .map(Gate::Allowed)
            .map_err(|e| cx.failed("loading an inbox", e))
    })
    .await
}

#[component]
pub fn InboxPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_inbox());
    gate(data, |inbox| view! { <InboxList inbox/> })
}

#[component]
fn InboxList(inbox: Inbox) -> impl IntoView {
    let locale = use_locale();
    let t = NotifyTexts::of(locale);
    view! {
        <Title text=t.title/>
        <main class="page narrow inbox">
            <h1>{t.title}</h1>
            {(inbox.unread > 0).then(|| view! {
                <form method="post" action="/thong-bao/da-doc" class="inline">
                    <CsrfField/>
                    <p>{(t.unread)(inbox.unread)} " " <button type="submit" class="link">{t.mark_all_read}</button></p>
                </form>
            })}
            {inbox.items.is_empty().then(|| view! { <p>{t.empty}</p> })}
            <p><a href=super::preferences::PAGE>{t.preferences_link}</a></p>
            <ul class="notices">
                {inbox.items.into_iter().map(|item| {
                    let (title, body) = super::texts::words(&item.notice, locale);
                    let class = if item.read { "notice" } else { "notice unread" };
                    view! {
                        <li class=class>
                            <form method="post" action=format!("/thong-bao/{}/mo", item.id)>
                                <CsrfField/>
                                <p class="notice-title">
                                    {(!item.read).then(|| view! { <span class="badge">{t.new_badge}</span> " " })}
                                    <strong>{title}</strong>
                                </p>
                                <p>{body}</p>
                                <p><small>{local_time(&item.created_at)}</small> " " <button type="submit" class="link">{t.open}</button></p>
                            </form>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </main>
    }
}
