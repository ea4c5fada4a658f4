//! The OCOP marketplace: pages (rendered on the server, hydrated in the browser), the pure
//! domain rules, and — with the `ssr` feature — data access.

#![recursion_limit = "256"]

pub mod address;
pub mod admin;
pub mod assets;
pub mod auth;
pub mod bank_feed;
pub mod care;
pub mod catalog;
pub mod components;
pub mod diary;
pub mod domain;
pub mod farm_tokens;
pub mod forecast;
pub mod i18n;
pub mod layout;
pub mod ledger;
pub mod legal;
pub mod lot_sales;
#[cfg(feature = "ssr")]
pub mod metrics;
pub mod notify;
pub mod officer;
pub mod pages;
pub mod payments;
pub mod photos;
pub mod privacy;
pub mod returns;
pub mod reviews;
pub mod search;
pub mod security;
pub mod seller;
pub mod seo;
#[cfg(feature = "ssr")]
pub mod servers;
pub mod shop;

#[cfg(feature = "ssr")]
pub mod db;

use leptos::prelude::*;
use leptos_meta::{Link, Meta, MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    ParamSegment, SsrMode, StaticSegment,
    components::{Route, Router, Routes},
};

use crate::{
    admin::{province_page::ProvinceAdminPage, users_page::AdminUsersPage},
    auth::pages::{AccountPage, ChangePasswordPage, ForgotPasswordPage, SignInPage, SignUpPage},
    catalog::pages::{
        communes::{CommunePage, CommunesDirectory},
        home::HomePage,
        producer::ProducerPage,
        product::ProductPage,
    },
    diary::{
        farm_page::{FarmPage, LabelsPage, PlotPage},
        lot_page::LotPage,
    },
    i18n::request_locale,
    layout::SiteHeader,
    legal::footer::SiteFooter,
    officer::pages::{
        commune_editor::CommuneEditorPage,
        dashboard::OfficerPage,
        import::{ImportPage, ImportPreviewPage},
        reports::ReportPage,
    },
    pages::not_found::NotFound,
    search::page::SearchPage,
    seller::{
        page::{ListingPage, SellerPage},
        sales_page::{SalesPage, SellerOrdersPage},
    },
    shop::pages::{
        cart::CartPage,
        checkout::CheckoutPage,
        orders::{LookupPage, OrderPage, OrdersPage},
    },
};

/// The HTML document around the app; used by the server for every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = request_locale().code();
    security::apply_page_policy();
    view! {
        <!DOCTYPE html>
        <html lang=lang>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let locale = request_locale();
    provide_context(locale);
    let site_name = locale.texts().site_name;
    view! {
        <Stylesheet id="leptos" href=assets::stylesheet_href()/>
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Meta name="theme-color" content="#2f6b3a"/>
        <Title formatter=move |title: String| {
            let title = if title.is_empty() { site_name.to_owned() } else { format!("{title} · {site_name}") };
            // leptos_meta writes the server's <title> without escaping it; a product name with
            // "</title><script>" must stay text. (In the browser it is set as a plain string.)
            if cfg!(feature = "ssr") { security::escape_text(&title) } else { title }
        }/>
        <Router>
            <SiteHeader/>
            <Routes fallback=NotFound>
                // Async: the whole page is rendered before it is sent, so it works without
                // JavaScript and crawlers see the content.
                <Route path=StaticSegment("") view=HomePage ssr=SsrMode::Async/>
                <Route path=StaticSegment("xa") view=CommunesDirectory ssr=SsrMode::Async/>
                <Route path=StaticSegment("tim-kiem") view=SearchPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("xa"), ParamSegment("slug")) view=CommunePage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("san-pham"), ParamSegment("slug")) view=ProductPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("nha-san-xuat"), ParamSegment("slug")) view=ProducerPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("lo"), ParamSegment("id")) view=LotPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("01"), ParamSegment("gtin"), StaticSegment("10"), ParamSegment("lot")) view=LotPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("ban-hang") view=SellerPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("ban-hang"), StaticSegment("san-pham"), ParamSegment("id")) view=ListingPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("ban-hang"), StaticSegment("don-hang")) view=SellerOrdersPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("ban-hang"), StaticSegment("don-hang"), ParamSegment("order_no"), StaticSegment("phieu-dong-goi")) view=crate::lot_sales::packing_slip::PackingSlipPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("ban-hang"), StaticSegment("doanh-thu")) view=SalesPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("ban-hang"), StaticSegment("doi-soat-cod")) view=crate::seller::cod_page::CodPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("ban-hang"), StaticSegment("giao-hang")) view=crate::seller::delivery_page::DeliveryPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("thong-bao") view=crate::notify::page::InboxPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("ban-hang"), StaticSegment("van-chuyen")) view=crate::seller::carriers_page::CarriersPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("gio-hang") view=CartPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("thanh-toan") view=CheckoutPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("don-hang") view=OrdersPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("don-hang"), ParamSegment("order_no")) view=OrderPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("don-hang"), ParamSegment("order_no"), StaticSegment("bien-nhan")) view=crate::shop::pages::receipt::ReceiptPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("tra-cuu-don-hang") view=LookupPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("dang-nhap") view=SignInPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("dang-ky") view=SignUpPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("quen-mat-khau") view=ForgotPasswordPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("tai-khoan") view=AccountPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("tai-khoan"), StaticSegment("mat-khau")) view=ChangePasswordPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("tai-khoan"), StaticSegment("thong-bao")) view=crate::notify::preferences::PreferencesPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("tai-khoan"), StaticSegment("ma-truy-cap")) view=crate::farm_tokens::page::TokensPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("thong-bao"), StaticSegment("huy-dang-ky"), ParamSegment("token")) view=crate::notify::unsubscribe::UnsubscribePage ssr=SsrMode::Async/>
                <Route path=StaticSegment("can-bo") view=OfficerPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("can-bo"), StaticSegment("xa"), ParamSegment("id")) view=CommuneEditorPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("can-bo"), StaticSegment("nhap")) view=ImportPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("can-bo"), StaticSegment("bao-cao")) view=ReportPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("can-bo"), StaticSegment("thu-hoi")) view=crate::diary::recall::page::RecallReportPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("can-bo"), StaticSegment("danh-gia")) view=crate::reviews::view::OfficerReviewsPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("ban-hang"), StaticSegment("danh-gia")) view=crate::reviews::view::SellerReviewsPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("can-bo"), StaticSegment("lich-cham-soc")) view=crate::care::calendar_page::CalendarPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("can-bo"), StaticSegment("du-bao")) view=crate::forecast::page::ForecastPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("can-bo"), StaticSegment("thu-hoi"), ParamSegment("id")) view=crate::diary::recall::page::RecallCasePage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("can-bo"), StaticSegment("nhap"), ParamSegment("id")) view=ImportPreviewPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("nong-trai") view=FarmPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("nong-trai"), StaticSegment("vuon"), ParamSegment("id")) view=PlotPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("nong-trai"), StaticSegment("lo"), ParamSegment("id"), StaticSegment("nhan")) view=LabelsPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("quan-tri"), StaticSegment("nguoi-dung")) view=AdminUsersPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("quan-tri") view=ProvinceAdminPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("quan-tri"), StaticSegment("thong-bao-loi")) view=crate::notify::failed_page::FailedDeliveriesPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("quen-mat-khau"), StaticSegment("ma")) view=crate::auth::pages::ResetCodePage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("ban-hang"), StaticSegment("chuyen-khoan")) view=crate::bank_feed::page::SellerCreditsPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("quan-tri"), StaticSegment("chuyen-khoan")) view=crate::bank_feed::page::OfficerCreditsPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("ban-hang"), StaticSegment("sao-ke")) view=crate::ledger::pages::StatementPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("quan-tri"), StaticSegment("doi-soat")) view=crate::ledger::pages::SettlementPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("quan-tri"), StaticSegment("hoan-tien")) view=crate::payments::refunds_page::RefundsPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("quy-che") view=crate::legal::page::RulesPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("chinh-sach-bao-mat") view=crate::legal::page::PrivacyPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("dieu-khoan-ban-hang") view=crate::legal::page::TermsPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("tai-khoan"), StaticSegment("du-lieu")) view=crate::privacy::page::DataPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("ban-hang"), StaticSegment("thong-tin-phap-ly")) view=crate::seller::identity_page::IdentityPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("quan-tri"), StaticSegment("tra-hang")) view=crate::returns::view::MarketplaceReturnsPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("quan-tri"), StaticSegment("khieu-nai")) view=crate::returns::complaints_page::ComplaintsAdminPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("can-bo"), StaticSegment("khieu-nai-tra-hang")) view=crate::returns::view::OfficerReturnsPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("ban-hang"), StaticSegment("tra-hang")) view=crate::returns::view::ProducerReturnsPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("khieu-nai") view=crate::returns::complaints_page::ComplaintPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("khieu-nai"), ParamSegment("ma")) view=crate::returns::complaints_page::ComplaintStatusPage ssr=SsrMode::Async/>
            </Routes>
            <SiteFooter/>
        </Router>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Islands: the pages are server-rendered content; only components marked `#[island]`
    // ship to the browser and hydrate, which keeps the wasm small.
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
