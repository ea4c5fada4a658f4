//! Sign in, sign up, forgotten password and the account page. Plain forms posting to the
//! server's handlers (`server::auth::forms`), so they work without JavaScript.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::{
    auth::views::{CommuneChoice, MyProducer},
    auth::{
        Actor, CHANGE_PASSWORD_PATH, CSRF_FIELD, MemberRole,
        codes::{CodeChannels, CodeRefusal, Contact},
        csrf_token, current_actor,
        form_error::FormError,
        password_rules::MIN_PASSWORD_CHARS,
        texts::{AccountTexts, CodeTexts},
    },
    domain::product::ProducerKind,
    i18n::use_locale,
    pages::{
        gate::{Gate, gate},
        refusal::Refusal,
    },
};

/// The hidden anti-forgery field every form carries.
#[component]
pub fn CsrfField() -> impl IntoView {
    view! { <input type="hidden" name=CSRF_FIELD value=csrf_token()/> }
}

/// The refusal the server sent back with `?loi=…`, in the reader's language.
#[component]
pub fn FormErrorNotice() -> impl IntoView {
    let query = use_query_map();
    let t = AccountTexts::of(use_locale());
    let error = query
        .with_untracked(|q| FormError::from_query(q.latest_values().map(|(k, v)| (k.as_ref(), v))));
    error.map(|e| view! { <p class="notice error" role="alert">{e.message(t)}</p> })
}

/// A code form's refusal (`?loi=…` of [`CodeRefusal`]), in the reader's language.
#[component]
pub fn CodeErrorNotice() -> impl IntoView {
    use crate::pages::refusal::Refusal;
    let query = use_query_map();
    let t = CodeTexts::of(use_locale());
    let error = query.with_untracked(|q| {
        CodeRefusal::from_query(q.latest_values().map(|(k, v)| (k.as_ref(), v)))
    });
    error.map(|e| view! { <p class="notice error" role="alert">{e.message(t)}</p> })
}

/// A confirmation the server sent back with `?ok=…`.
#[component]
fn OkNotice(code: &'static str, text: &'static str) -> impl IntoView {
    let query = use_query_map();
    let shown = query.with_untracked(|q| q.get("ok").as_deref() == Some(code));
    shown.then(|| view! { <p class="notice ok" role="status">{text}</p> })
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let t = AccountTexts::of(use_locale());
    let query = use_query_map();
    let (login, next) = query.with_untracked(|q| {
        (
            q.get("login").unwrap_or_default(),
            q.get("next").unwrap_or_default(),
        )
    });
    view! {
        <Title text=t.login_title/>
        <Meta name="robots" content="noindex"/>
        <main class="page narrow">
            <h1>{t.login_title}</h1>
            <OkNotice code="mat-khau-moi" text=CodeTexts::of(use_locale()).reset_done/>
            <OkNotice code="tai-khoan-da-xoa" text=crate::privacy::texts::PrivacyTexts::of(use_locale()).deleted/>
            <p>{t.login_intro}</p>
            <FormErrorNotice/>
            <form method="post" action="/dang-nhap" class="stack">
                <CsrfField/>
                <input type="hidden" name="next" value=next/>
                <label for="login">{t.login_label}</label>
                <input id="login" name="login" value=login required autocomplete="username"
                    inputmode="email" placeholder=t.login_hint maxlength="254"/>
                <label for="password">{t.password_label}</label>
                <input id="password" name="password" type="password" required
                    autocomplete="current-password" maxlength="128"/>
                <button type="submit" class="button">{t.login_button}</button>
            </form>
            <p><a href="/quen-mat-khau">{t.forgot_link}</a></p>
            <p>{t.no_account} " " <a href="/dang-ky">{t.sign_up}</a></p>
        </main>
    }
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let t = AccountTexts::of(use_locale());
    let query = use_query_map();
    let (name, login) = query.with_untracked(|q| {
        (
            q.get("name").unwrap_or_default(),
            q.get("login").unwrap_or_default(),
        )
    });
    view! {
        <Title text=t.signup_title/>
        <Meta name="robots" content="noindex"/>
        <main class="page narrow">
            <h1>{t.signup_title}</h1>
            <FormErrorNotice/>
            <form method="post" action="/dang-ky" class="stack">
                <CsrfField/>
                <label for="name">{t.name_label}</label>
                <input id="name" name="name" value=name required autocomplete="name" maxlength="100"/>
                <label for="login">{t.login_label}</label>
                <input id="login" name="login" value=login required autocomplete="username"
                    placeholder=t.login_hint maxlength="254"/>
                <label for="password">{t.password_label}</label>
                <input id="password" name="password" type="password" required
                    autocomplete="new-password" minlength=MIN_PASSWORD_CHARS maxlength="128"
                    aria-describedby="password-hint"/>
                <p id="password-hint" class="hint">{(t.password_hint)(MIN_PASSWORD_CHARS)}</p>
                <label for="password_again">{t.password_confirm_label}</label>
                <input id="password_again" name="password_again" type="password" required
                    autocomplete="new-password" maxlength="128"/>
                <crate::privacy::page::SignUpChoices/>
                <button type="submit" class="button">{t.signup_button}</button>
            </form>
            <p>{t.have_account} " " <a href="/dang-nhap">{t.sign_in}</a></p>
        </main>
    }
}

/// `/quen-mat-khau`: asks for the phone or email a code goes to. Posts to the server, which
/// answers the same way whether or not an account has it.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let t = AccountTexts::of(use_locale());
    let c = CodeTexts::of(use_locale());
    let query = use_query_map();
    let login = query.with_untracked(|q| q.get("login").unwrap_or_default());
    // With no channel set up no code can go anywhere: say so rather than offer a form that
    // would never deliver.
    let channels = use_context::<CodeChannels>().unwrap_or_default();
    let form = (channels.phone || channels.email).then(|| {
        view! {
            <p>{t.forgot_body}</p>
            <FormErrorNotice/>
            <form method="post" action="/quen-mat-khau" class="stack">
                <CsrfField/>
                <label for="login">{t.login_label}</label>
                <input id="login" name="login" value=login required autocomplete="username"
                    placeholder=t.login_hint maxlength="254"/>
                <button type="submit" class="button">{c.forgot_button}</button>
            </form>
        }
    });
    let unavailable = form
        .is_none()
        .then(|| view! { <p class="notice" role="status">{c.reset_unavailable}</p> });
    view! {
        <Title text=t.forgot_title/>
        <Meta name="robots" content="noindex"/>
        <main class="page narrow">
            <h1>{t.forgot_title}</h1>
            {unavailable}
            {form}
            <p>{t.forgot_officer}</p>
            <p><a href="/dang-nhap">{t.sign_in}</a></p>
        </main>
    }
}

/// `/quen-mat-khau/ma`: the code and the new password. What it says does not depend on whether
/// a code was sent (the page cannot know, and must not tell).
#[component]
pub fn ResetCodePage() -> impl IntoView {
    let t = AccountTexts::of(use_locale());
    let c = CodeTexts::of(use_locale());
    let query = use_query_map();
    let login = query.with_untracked(|q| q.get("login").unwrap_or_default());
    view! {
        <Title text=c.reset_title/>
        <Meta name="robots" content="noindex"/>
        <main class="page narrow">
            <h1>{c.reset_title}</h1>
            <p role="status">{c.reset_sent}</p>
            <FormErrorNotice/>
            <CodeErrorNotice/>
            <form method="post" action="/quen-mat-khau/ma" class="stack">
                <CsrfField/>
                <label for="login">{t.login_label}</label>
                <input id="login" name="login" value=login required autocomplete="username" maxlength="254"/>
                <label for="code">{c.code_label}</label>
                <input id="code" name="code" required inputmode="numeric" autocomplete="one-time-code"
                    pattern="[0-9 ]{6,7}" maxlength="7"/>
                <label for="password">{t.new_password_label}</label>
                <input id="password" name="password" type="password" required autocomplete="new-password"
                    minlength=MIN_PASSWORD_CHARS maxlength="128" aria-describedby="password-hint"/>
                <p id="password-hint" class="hint">{(t.password_hint)(MIN_PASSWORD_CHARS)}</p>
                <label for="password_again">{t.password_confirm_label}</label>
                <input id="password_again" name="password_again" type="password" required
                    autocomplete="new-password" maxlength="128"/>
                <button type="submit" class="button">{c.reset_button}</button>
            </form>
            <p><a href="/quen-mat-khau">{c.ask_again}</a></p>
        </main>
    }
}

/// What the account page shows.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AccountData {
    pub actor: Actor,
    pub login: String,
    pub producers: Vec<MyProducer>,
    pub officer_communes: Vec<String>,
    pub communes: Vec<CommuneChoice>,
    /// The account's phone and email, as shown, and whether each is verified.
    pub contacts: Vec<ContactLine>,
}

/// One of the account's contacts on its page.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ContactLine {
    pub contact: Contact,
    pub shown: String,
    pub verified: bool,
}

#[server(prefix = "/fn")]
pub async fn get_account() -> Result<Gate<AccountData>, ServerFnError> {
    use crate::pages::gate::{gated, require_signed_in};
    gated(require_signed_in("/tai-khoan"), |actor, cx| async move {
        let db = &cx.db;
        let load = async {
            type Row = (
                Option<String>,
                Option<String>,
                Option<String>,
                Option<String>,
            );
            let (phone, email, phone_verified, email_verified): Row =
                sqlx::query_as(sql::GET_ACCOUNT)
                    .bind(&actor.user_id)
                    .fetch_one(db.pool())
                    .await?;
            let phone_shown = phone
                .and_then(|p| crate::domain::phone::PhoneVn::parse(&p).ok())
                .map(|p| p.display());
            let login = phone_shown.clone().or(email.clone()).unwrap_or_default();
            let mut contacts = Vec::new();
            if let Some(shown) = phone_shown {
                contacts.push(ContactLine {
                    contact: Contact::Phone,
                    shown,
                    verified: phone_verified.is_some(),
                });
            }
            if let Some(shown) = email {
                contacts.push(ContactLine {
                    contact: Contact::Email,
                    shown,
                    verified: email_verified.is_some(),
                });
            }
            let communes = crate::auth::producers::commune_choices(db).await?;
            Ok::<_, sqlx::Error>(AccountData {
                producers: crate::auth::producers::of_user(db, &actor.user_id).await?,
                officer_communes: communes
                    .iter()
                    .filter(|c| actor.officer_of.contains(&c.id))
                    .map(|c| c.name.clone())
                    .collect(),
                communes,
                login,
                actor: actor.clone(),
                contacts,
            })
        };
        load.await
            .map(Gate::Allowed)
            .map_err(|e| cx.failed("loading the account page", e))
    })
    .await
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_account());
    gate(data, |d| view! { <AccountView data=d/> })
}

#[component]
fn AccountView(data: AccountData) -> impl IntoView {
    let locale = use_locale();
    let t = AccountTexts::of(locale);
    let texts = locale.texts();
    let actor = data.actor;
    let mut roles: Vec<String> = vec![t.role_buyer.to_owned()];
    if actor.admin {
        roles.push(t.role_admin.to_owned());
    }
    if !data.officer_communes.is_empty() {
        roles.push((t.role_officer_of)(&data.officer_communes.join(", ")));
    }
    for p in data.producers.iter().filter(|p| p.status == "active") {
        let role = if MemberRole::parse(&p.role) == Some(MemberRole::Owner) {
            (t.role_owner_of)(&p.name)
        } else {
            (t.role_staff_of)(&p.name)
        };
        roles.push(role);
    }
    let kinds = ProducerKind::ALL;
    view! {
        <Title text=t.account_title/>
        <main class="page narrow account">
            <h1>{t.account_title}</h1>
            <p>{actor.display_name.clone()} " · " {data.login}</p>
            {actor.must_change_password.then(|| view! {
                <p class="notice error" role="alert">{t.must_change_password}</p>
            })}
            <FormErrorNotice/>
            <OkNotice code="password" text=t.password_changed/>
            <OkNotice code="applied" text=t.applied_notice/>
            <h2>{t.roles_heading}</h2>
            <ul class="roles">{roles.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
            {actor.works_for_a_producer().then(|| view! {
                <p><a class="button" href="/ban-hang">{crate::seller::texts::SellerTexts::of(use_locale()).shop_title}</a> " " <a class="button secondary" href="/nong-trai">{crate::diary::texts::DiaryTexts::of(use_locale()).farm_title}</a> " " <a class="button secondary" href=crate::farm_tokens::PAGE>{crate::farm_tokens::texts::TokenTexts::of(use_locale()).title}</a></p>
            })}
            {(actor.is_officer() || actor.admin).then(|| view! {
                <p><a class="button" href="/can-bo">{t.officer_title}</a></p>
            })}
            {actor.admin.then(|| view! {
                <p><a class="button" href="/quan-tri/nguoi-dung">{t.admin_users_title}</a></p>
            })}

            {(!data.producers.is_empty()).then(|| view! {
                <h2>{t.applications_heading}</h2>
                <ul class="producers">
                    {data.producers.into_iter().map(|p| view! {
                        <li>
                            <strong>{p.name}</strong> " · " {p.commune_name} " · "
                            <span class=format!("status {}", p.status)>{t.status(&p.status)}</span>
                            {p.status_reason.map(|r| view! { <span class="reason">" — " {r}</span> })}
                        </li>
                    }).collect_view()}
                </ul>
            })}

            <ContactsSection contacts=data.contacts/>

            <h2 id="mat-khau">{t.change_password_heading}</h2>
            <ChangePasswordForm/>
            <p><a href=crate::notify::preferences::PAGE>
                {crate::notify::texts::NotifyTexts::of(use_locale()).preferences_link}
            </a></p>

            <h2 id="ban-hang">{t.apply_heading}</h2>
            <p>{t.apply_intro}</p>
            {leptos_router::hooks::use_query_map().with_untracked(|q| {
                use crate::pages::refusal::Refusal;
                crate::seller::identity::IdentityRefusal::from_query(q.latest_values().map(|(k, v)| (k.as_ref(), v)))
            }).map(|r| view! {
                <p class="notice error" role="alert">{crate::seller::identity::IdentityTexts::of(use_locale()).refusal(r)}</p>
            })}
            <form method="post" action="/tai-khoan/ban-hang" class="stack">
                <CsrfField/>
                <label for="producer-name">{t.producer_name_label}</label>
                <input id="producer-name" name="name" required maxlength="150"/>
                <label for="producer-kind">{t.producer_kind_label}</label>
                <select id="producer-kind" name="kind" required>
                    <option value="">{t.choose}</option>
                    {kinds.iter().map(|k| view! {
                        <option value=k.as_str()>{(texts.producer_kind)(k.as_str())}</option>
                    }).collect_view()}
                </select>
                <label for="producer-commune">{t.commune_label}</label>
                <select id="producer-commune" name="commune_id" required>
                    <option value="">{t.choose}</option>
                    {data.communes.into_iter().map(|c| view! {
                        <option value=c.id>{crate::components::commune_name(&c.kind, &c.name, texts)}</option>
                    }).collect_view()}
                </select>
                <fieldset class="identity-fields">
                    <legend>{crate::seller::identity::IdentityTexts::of(use_locale()).application_note}</legend>
                    <crate::seller::identity_page::IdentityInputs current=None organisation=false optional=true/>
                </fieldset>
                <button type="submit" class="button">{t.apply_button}</button>
            </form>

            <form method="post" action="/dang-xuat">
                <CsrfField/>
                <button type="submit" class="button secondary">{t.sign_out}</button>
            </form>
        </main>
    }
}

/// The account's phone and email, verified or not, with the forms that send and take a code
/// for each unverified one (posting to `server::auth::codes`).
#[component]
fn ContactsSection(contacts: Vec<ContactLine>) -> impl IntoView {
    let c = CodeTexts::of(use_locale());
    let t = AccountTexts::of(use_locale());
    // Which contacts a code can reach on this site (the server provides its channels).
    let channels = use_context::<CodeChannels>().unwrap_or_default();
    let lines = contacts
        .into_iter()
        .map(|line| {
            let label = match line.contact {
                Contact::Phone => c.phone_label,
                Contact::Email => c.email_label,
            };
            let value = line.contact.as_str();
            let code_id = format!("code-{value}");
            let reachable = channels.reaches(line.contact);
            let cannot_send = (!line.verified && !reachable)
                .then(|| view! { <span class="hint">" " {c.cannot_send_hint}</span> });
            let forms = (!line.verified && reachable).then(|| {
                view! {
                    <form method="post" action="/tai-khoan/xac-minh/gui" class="inline">
                        <CsrfField/>
                        <input type="hidden" name="contact" value=value/>
                        <button type="submit" class="button secondary">{c.send_code}</button>
                    </form>
                    <form method="post" action="/tai-khoan/xac-minh" class="inline">
                        <CsrfField/>
                        <input type="hidden" name="contact" value=value/>
                        <label for=code_id.clone()>{c.code_label}</label>
                        <input id=code_id name="code" required inputmode="numeric"
                            autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7"/>
                        <button type="submit" class="button">{c.confirm_code}</button>
                    </form>
                }
            });
            view! {
                <li class=format!("contact {value}")>
                    <strong>{label}</strong> " " {line.shown} " · "
                    <span class=if line.verified { "status active" } else { "status pending" }>
                        {if line.verified { c.verified } else { c.unverified }}
                    </span>
                    {cannot_send}
                    {forms}
                </li>
            }
        })
        .collect_view();
    view! {
        <h2 id="lien-he">{c.contacts_heading}</h2>
        <OkNotice code="ma-da-gui" text=c.code_sent/>
        <OkNotice code="da-xac-minh" text=c.contact_verified/>
        <CodeErrorNotice/>
        <OkNotice code="da-doi-lien-he" text=c.contact_changed/>
        <OkNotice code="da-doi-lien-he-ma" text=c.contact_changed_sent/>
        <ul class="contacts">{lines}</ul>
        <p class="hint">{c.unverified_hint}</p>
        <h3>{c.change_heading}</h3>
        <form method="post" action="/tai-khoan/lien-he" class="stack">
            <CsrfField/>
            <label for="contact-value">{c.change_label}</label>
            <input id="contact-value" name="value" required maxlength="254" autocomplete="email"
                aria-describedby="contact-hint"/>
            <p id="contact-hint" class="hint">{c.change_hint}</p>
            <label for="contact-current">{t.current_password_label}</label>
            <input id="contact-current" name="current" type="password" required
                autocomplete="current-password" maxlength="128"/>
            <button type="submit" class="button">{c.change_button}</button>
        </form>
    }
}

/// The change-password form (posting to the server's handler).
#[component]
fn ChangePasswordForm() -> impl IntoView {
    let t = AccountTexts::of(use_locale());
    view! {
        <form method="post" action=CHANGE_PASSWORD_PATH class="stack">
            <CsrfField/>
            <label for="current">{t.current_password_label}</label>
            <input id="current" name="current" type="password" required autocomplete="current-password" maxlength="128"/>
            <label for="password">{t.new_password_label}</label>
            <input id="password" name="password" type="password" required autocomplete="new-password"
                minlength=MIN_PASSWORD_CHARS maxlength="128"/>
            <label for="password_again">{t.password_confirm_label}</label>
            <input id="password_again" name="password_again" type="password" required autocomplete="new-password" maxlength="128"/>
            <button type="submit" class="button">{t.change_password_button}</button>
        </form>
    }
}

/// Whether the signed-in user holds a temporary password (and must change it now).
#[server(prefix = "/fn")]
pub async fn get_change_password() -> Result<Gate<bool>, ServerFnError> {
    use crate::pages::gate::{gated, require_signed_in};
    gated(
        require_signed_in(CHANGE_PASSWORD_PATH),
        |actor, _| async move { Ok(Gate::Allowed(actor.must_change_password)) },
    )
    .await
}

/// `/tai-khoan/mat-khau`: changing one's password. The only page a session opened with an
/// administrator's temporary password may see (the server sends every other request here).
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_change_password());
    gate(data, |temporary| {
        let t = AccountTexts::of(use_locale());
        view! {
            <Title text=t.change_password_heading/>
            <Meta name="robots" content="noindex"/>
            <main class="page narrow account">
                <h1>{t.change_password_heading}</h1>
                {temporary.then(|| view! {
                    <p class="notice error" role="alert">{t.must_change_password}</p>
                    <p>{t.temporary_password_hint}</p>
                })}
                <FormErrorNotice/>
                <ChangePasswordForm/>
                <form method="post" action="/dang-xuat">
                    <CsrfField/>
                    <button type="submit" class="button secondary">{t.sign_out}</button>
                </form>
            </main>
        }
    })
}

/// The header's account link: "Sign in" for visitors, the user's name otherwise.
#[component]
pub fn AccountLink() -> impl IntoView {
    let t = AccountTexts::of(use_locale());
    match current_actor() {
        Some(actor) => {
            let label = (t.signed_in_as)(&actor.display_name);
            let notify = crate::notify::texts::NotifyTexts::of(use_locale());
            let unread = actor.unread_notices;
            let count = match unread {
                0 => String::new(),
                1..=99 => unread.to_string(),
                _ => "99+".to_owned(),
            };
            view! {
                <a class="inbox-link" href="/thong-bao" aria-label=(notify.bell)(unread) title=(notify.bell)(unread)>
                    // Drawn, not an emoji: phones without an emoji font show a box instead.
                    <svg class="bell" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
                        <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1z"/>
                    </svg>
                    {(unread > 0).then(|| view! { <span class="count" aria-hidden="true">{count}</span> })}
                </a>
                <a class="account-link" href="/tai-khoan" aria-label=label>{actor.display_name}</a>
            }
            .into_any()
        }
        None => view! { <a class="account-link" href="/dang-nhap">{t.sign_in}</a> }.into_any(),
    }
}

/// The page's SQL (server only), prepared on both engines by the `sql` integration test.
#[cfg(feature = "ssr")]
pub(crate) mod sql {
    crate::db::statements! {
        /// `get_account`.
        GET_ACCOUNT = "SELECT phone, email, phone_verified_at, email_verified_at FROM users WHERE id = $1";
    }
}
