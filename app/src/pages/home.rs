//! The home page: the province, its communes' signature products, and the communes to explore.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use crate::catalog::{CommuneSummary, ProductCard, ProvinceOverview};
use crate::domain::money::MoneyLocale;

/// The province as the home page shows it; `None` before any data is loaded.
#[server(prefix = "/fn")]
pub async fn get_province_overview() -> Result<Option<ProvinceOverview>, ServerFnError> {
    use crate::{db::Db, domain::time::vietnam_date};
    let db = use_context::<Db>().ok_or_else(|| ServerFnError::new("database not configured"))?;
    let today = vietnam_date(chrono::Utc::now());
    crate::db::catalog::province_overview(&db, today)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "loading the province overview failed");
            ServerFnError::new("Không tải được dữ liệu, vui lòng thử lại sau.")
        })
}

#[component]
pub fn HomePage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_province_overview());
    view! {
        <Title text=""/>
        <Meta name="description" content="Chợ đặc sản OCOP của các xã, phường tỉnh Hưng Yên: nhãn lồng, gà Đông Tảo, tương Bần, mật ong hoa nhãn và nhiều sản phẩm khác, rõ nguồn gốc."/>
        <Suspense fallback=|| view! { <p class="loading">"Đang tải…"</p> }>
            {move || overview.get().map(|result| match result {
                Ok(Some(province)) => view! { <Province province/> }.into_any(),
                Ok(None) => view! { <EmptyProvince/> }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Province(province: ProvinceOverview) -> impl IntoView {
    let communes_with_products: Vec<CommuneSummary> = province
        .communes
        .iter()
        .filter(|c| c.product_count > 0)
        .cloned()
        .collect();
    view! {
        <header class="hero">
            <p class="eyebrow">"Mỗi xã một sản phẩm · OCOP"</p>
            <h1>"Đặc sản " {province.name.clone()}</h1>
            <p class="tagline">{province.tagline.clone()}</p>
            <p class="story">{province.story.clone()}</p>
            <p class="stats">
                {format!("{} xã, phường · {} nhà sản xuất · {} sản phẩm",
                    province.communes.len(), province.producer_count, province.product_count)}
            </p>
        </header>
        <main class="page">
            <section aria-labelledby="signature">
                <h2 id="signature">"Sản phẩm tiêu biểu của các xã"</h2>
                <ul class="cards">
                    {province.signature_products.into_iter().map(|p| view! { <ProductCardView product=p/> }).collect_view()}
                </ul>
            </section>
            <section aria-labelledby="communes">
                <h2 id="communes">"Các xã, phường có đặc sản"</h2>
                <ul class="communes">
                    {communes_with_products.into_iter().map(|c| view! { <CommuneItem commune=c/> }).collect_view()}
                </ul>
            </section>
        </main>
    }
}

#[component]
fn ProductCardView(product: ProductCard) -> impl IntoView {
    let price = product
        .price_label(MoneyLocale::Vi)
        .map(|p| format!("từ {p}"));
    let stars = product.stars.map(|s| {
        let label = format!("OCOP {s} sao");
        view! { <span class="stars" aria-label=label.clone() title=label>{"★".repeat(usize::from(s))}</span> }
    });
    view! {
        <li class="card">
            {product.photo.map(|ph| view! {
                <img src=ph.src srcset=ph.srcset sizes="(max-width: 600px) 100vw, 320px"
                     width=ph.width height=ph.height alt=ph.alt loading="lazy" decoding="async"/>
            })}
            <div class="card-body">
                <h3>{product.name}</h3>
                {stars}
                <p class="where">{product.producer} " · " {product.commune}</p>
                {price.map(|p| view! { <p class="price">{p}</p> })}
            </div>
        </li>
    }
}

#[component]
fn CommuneItem(commune: CommuneSummary) -> impl IntoView {
    let former = (!commune.former_names.is_empty())
        .then(|| format!("Trước đây: {}", commune.former_names.join(", ")));
    view! {
        <li>
            <strong>{commune.full_name()}</strong>
            <span class="count">{format!("{} sản phẩm", commune.product_count)}</span>
            {former.map(|f| view! { <small>{f}</small> })}
        </li>
    }
}

#[component]
fn EmptyProvince() -> impl IntoView {
    view! {
        <main class="page narrow">
            <h1>"Chưa có dữ liệu"</h1>
            <p>"Cơ sở dữ liệu còn trống. Người vận hành có thể nạp dữ liệu mẫu bằng lệnh "<code>"ocop seed"</code>"."</p>
        </main>
    }
}
