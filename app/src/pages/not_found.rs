use leptos::prelude::*;
use leptos_meta::Title;

/// Shown for any path the site does not know, with a real 404 status.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
            resp.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <Title text="Không tìm thấy trang"/>
        <main class="page narrow">
            <h1>"Không tìm thấy trang này"</h1>
            <p>"Đường dẫn có thể đã cũ hoặc gõ nhầm. Hãy quay về trang chủ để xem đặc sản của các xã."</p>
            <p><a class="button" href="/">"Về trang chủ"</a></p>
        </main>
    }
}
