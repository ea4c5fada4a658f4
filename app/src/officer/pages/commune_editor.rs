//! `/can-bo/xa/{id}`: the commune officer edits their commune's public page — its story (a plain
//! text box with a small safe formatting language) and its one signature product, whose changes
//! are kept as history. Plain forms; they work without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::{
    auth::pages::CsrfField,
    components::TextArea,
    i18n::{Locale, use_locale},
    officer::model::CommuneEditor,
    pages::gate::{Gate, gate_or_404},
    seller::page::SellerNotice,
    shop::pages::orders::local_time,
};

#[server(prefix = "/fn")]
pub async fn get_commune_editor(id: String) -> Result<Gate<Option<CommuneEditor>>, ServerFnError> {
    use crate::pages::gate::{gated, require};
    let back = format!("/can-bo/xa/{id}");
    gated(
        require(&back, |a| {
            crate::auth::authorize(
                Some(a),
                crate::auth::Action::ActInCommune { commune_id: &id },
            )
        }),
        |_, cx| async move {
            crate::officer::storage::commune_editor::editor(&cx.db, &id)
                .await
                .map(|editor| {
                    Gate::Allowed(editor.map(|e| CommuneEditor {
                        csrf: crate::auth::csrf_token(),
                        ..e
                    }))
                })
                .map_err(|e| cx.failed("loading the commune editor", e))
        },
    )
    .await
}

#[component]
pub fn CommuneEditorPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_commune_editor,
    );
    gate_or_404(data, |d| view! { <EditorView data=d/> })
}

struct EditorTexts {
    title: fn(&str) -> String,
    back: &'static str,
    public_page: &'static str,
    story: &'static str,
    story_vi: &'static str,
    story_en: &'static str,
    story_help: &'static str,
    save: &'static str,
    signature: &'static str,
    choose: &'static str,
    set_signature: &'static str,
    none: &'static str,
    history: &'static str,
    current: &'static str,
    until: fn(&str) -> String,
    by: fn(&str, &str) -> String,
    saved: &'static str,
    cover: &'static str,
    cover_alt: &'static str,
    cover_file: &'static str,
    cover_upload: &'static str,
}

static VI: EditorTexts = EditorTexts {
    title: |name| format!("Trang của {name}"),
    back: "← Về trang cán bộ",
    public_page: "Xem trang công khai",
    story: "Câu chuyện của xã",
    story_vi: "Tiếng Việt",
    story_en: "Tiếng Anh (không bắt buộc)",
    story_help: "Dòng trống tách đoạn; dòng bắt đầu bằng “- ” thành danh sách; **chữ đậm**, *chữ nghiêng*. Không dùng được HTML.",
    save: "Lưu câu chuyện",
    signature: "Sản phẩm đặc trưng (mỗi xã một sản phẩm)",
    choose: "— Chọn sản phẩm đã duyệt —",
    set_signature: "Đặt làm sản phẩm đặc trưng",
    none: "Chưa có.",
    history: "Lịch sử sản phẩm đặc trưng",
    current: "đang là sản phẩm đặc trưng",
    until: |d| format!("đến {d}"),
    by: |who, when| format!("chọn bởi {who}, {when}"),
    saved: "Đã lưu.",
    cover: "Ảnh bìa",
    cover_alt: "Mô tả ảnh (cho người dùng trình đọc màn hình)",
    cover_file: "Ảnh JPEG, PNG hoặc WebP, tối đa 20 MB",
    cover_upload: "Tải ảnh bìa lên",
};

static EN: EditorTexts = EditorTexts {
    title: |name| format!("{name}'s page"),
    back: "← Back to the officer's page",
    public_page: "See the public page",
    story: "The commune's story",
    story_vi: "Vietnamese",
    story_en: "English (optional)",
    story_help: "A blank line starts a paragraph; lines starting with “- ” make a list; **bold**, *italic*. HTML is not allowed.",
    save: "Save the story",
    signature: "Signature product (one product per commune)",
    choose: "— Choose an approved product —",
    set_signature: "Make it the signature product",
    none: "None yet.",
    history: "Signature product history",
    current: "the signature product now",
    until: |d| format!("until {d}"),
    by: |who, when| format!("chosen by {who}, {when}"),
    saved: "Saved.",
    cover: "Cover photo",
    cover_alt: "Describe the photo (for screen-reader users)",
    cover_file: "A JPEG, PNG or WebP photo, up to 20 MB",
    cover_upload: "Upload the cover photo",
};

fn texts(locale: Locale) -> &'static EditorTexts {
    match locale {
        Locale::Vi => &VI,
        Locale::En => &EN,
    }
}

#[component]
fn EditorView(data: CommuneEditor) -> impl IntoView {
    let locale = use_locale();
    let e = texts(locale);
    let name = crate::components::commune_name(&data.kind, &data.name, locale.texts());
    let base = format!("/can-bo/xa/{}", data.id);
    let saved = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("ok").is_some())
        .then(|| view! { <p class="notice ok" role="status">{e.saved}</p> });
    let current = data.signature.clone();
    view! {
        <Title text=(e.title)(&name)/>
        <main class="page narrow">
            <nav class="crumbs"><a href="/can-bo">{e.back}</a></nav>
            <h1>{(e.title)(&name)}</h1>
            <p><a href=format!("/xa/{}", data.slug)>{e.public_page}</a></p>
            <SellerNotice/>
            {saved}
            <h2 id="dac-san">{e.signature}</h2>
            <form method="post" action=format!("{base}/dac-san") class="stack">
                <CsrfField/>
                <label for="signature" class="visually-hidden">{e.signature}</label>
                <select id="signature" name="product_id" required>
                    <option value="">{e.choose}</option>
                    {data.candidates.into_iter().map(|(id, name)| {
                        let selected = current.as_deref() == Some(id.as_str());
                        view! { <option value=id selected=selected>{name}</option> }
                    }).collect_view()}
                </select>
                <button type="submit" class="button">{e.set_signature}</button>
            </form>
            <h3>{e.history}</h3>
            {data.history.is_empty().then(|| view! { <p>{e.none}</p> })}
            <ul class="history">
                {data.history.into_iter().map(|h| {
                    let when = local_time(&h.set_at);
                    let until = match &h.ended_at {
                        Some(end) => (e.until)(&local_time(end)),
                        None => e.current.to_owned(),
                    };
                    view! {
                        <li><strong>{h.product_name}</strong> " — " {until} <br/>
                            <small>{(e.by)(&h.set_by, &when)}</small></li>
                    }
                }).collect_view()}
            </ul>
            <h2 id="anh-bia">{e.cover}</h2>
            <form method="post" enctype="multipart/form-data" action=format!("{base}/anh?csrf={}", data.csrf) class="stack">
                <label for="cover-alt">{e.cover_alt}</label>
                <input id="cover-alt" name="alt" maxlength="200"/>
                <label for="cover-file">{e.cover_file}</label>
                <input id="cover-file" type="file" name="anh" required accept="image/jpeg,image/png,image/webp"/>
                <button type="submit" class="button secondary">{e.cover_upload}</button>
            </form>
            <h2 id="cau-chuyen">{e.story}</h2>
            <form method="post" action=format!("{base}/cau-chuyen") class="stack">
                <CsrfField/>
                <p id="story-help" class="muted">{e.story_help}</p>
                <label for="story-vi">{e.story_vi}</label>
                <TextArea id="story-vi" name="story_vi" rows=10 maxlength=10000 describedby="story-help" value=data.story_vi/>
                <label for="story-en">{e.story_en}</label>
                <TextArea id="story-en" name="story_en" rows=8 maxlength=10000 describedby="story-help" value=data.story_en/>
                <button type="submit" class="button">{e.save}</button>
            </form>
        </main>
    }
}
