//! The documents' pages: `/quy-che`, `/chinh-sach-bao-mat`, `/dieu-khoan-ban-hang`.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{
    documents::{DocKind, Insert, document},
    texts::LegalTexts,
};
use crate::{
    i18n::use_locale,
    privacy::rules::{Basis, Kept, Purpose},
    seo::Canonical,
};

#[component]
pub fn RulesPage() -> impl IntoView {
    view! { <DocumentPage kind=DocKind::Rules/> }
}

#[component]
pub fn PrivacyPage() -> impl IntoView {
    view! { <DocumentPage kind=DocKind::Privacy/> }
}

#[component]
pub fn TermsPage() -> impl IntoView {
    view! { <DocumentPage kind=DocKind::Terms/> }
}

/// `2026-12-02` as `02/12/2026`.
fn day(iso: &str) -> String {
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map(|d| d.format("%d/%m/%Y").to_string())
        .unwrap_or_else(|_| iso.to_owned())
}

#[component]
fn DocumentPage(kind: DocKind) -> impl IntoView {
    let locale = use_locale();
    let t = LegalTexts::of(locale);
    let doc = document(kind, locale);
    let others = DocKind::ALL
        .into_iter()
        .filter(move |k| *k != kind)
        .map(move |k| view! { <li><a href=k.path()>{document(k, locale).title}</a></li> })
        .collect_view();
    view! {
        <Title text=doc.title/>
        <Canonical path=kind.path().to_owned()/>
        <main class="page narrow legal">
            <h1>{doc.title}</h1>
            <p class="muted version">
                {format!("{} {} · {} {}", t.version, doc.version, t.effective, day(doc.effective))}
            </p>
            <p class="lead">{doc.summary}</p>
            {doc.sections.iter().map(|s| view! {
                <section>
                    <h2>{s.heading}</h2>
                    {s.body.iter().map(|p| view! { <p>{*p}</p> }).collect_view()}
                    {s.insert.map(|i| view! { <InsertView insert=i/> })}
                </section>
            }).collect_view()}
            <nav aria-label=t.other_documents>
                <h2>{t.other_documents}</h2>
                <ul>{others}<li><a href="/khieu-nai">{t.complaints}</a></li></ul>
            </nav>
        </main>
    }
}

#[component]
fn InsertView(insert: Insert) -> impl IntoView {
    let t = LegalTexts::of(use_locale());
    match insert {
        Insert::Purposes => view! {
            <table class="legal-table">
                <thead><tr>{t.purpose_heading.map(|h| view! { <th scope="col">{h}</th> })}</tr></thead>
                <tbody>
                    {Purpose::ALL.map(|p| {
                        let (name, use_) = t.purpose(p);
                        let basis = match p.basis() {
                            Basis::Contract => t.contract,
                            Basis::Consent => t.consent,
                        };
                        view! { <tr><th scope="row">{name}</th><td>{use_}</td><td>{basis}</td></tr> }
                    })}
                </tbody>
            </table>
        }
        .into_any(),
        Insert::Retention => view! {
            <ul class="retention">
                {Kept::ALL.map(|k| view! { <li>{t.kept(k)}</li> })}
            </ul>
        }
        .into_any(),
    }
}
