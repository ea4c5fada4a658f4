//! `/can-bo/nhap`: the officer uploads the commune's OCOP product list (.xlsx or .csv);
//! `/can-bo/nhap/{id}`: the preview — what each row will create or update, and every row's error
//! with its number — and the button that imports it, in one transaction. Plain forms.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use crate::{
    auth::pages::CsrfField,
    i18n::{Locale, use_locale},
    officer::{
        import_form::ImportRefusal,
        model::{Change, ImportPreview},
    },
    pages::{
        gate::{Gate, gate, gate_or_404},
        refusal::Refusal,
    },
};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UploadData {
    /// (id, name) of the communes the officer may import into.
    pub communes: Vec<(String, String)>,
    pub csrf: String,
}

#[server(prefix = "/fn")]
pub async fn get_import_page() -> Result<Gate<UploadData>, ServerFnError> {
    use crate::pages::gate::{gated, require_officer};
    gated(require_officer("/can-bo/nhap"), |actor, cx| async move {
        let scope = (!actor.admin).then_some(actor.officer_of.as_slice());
        let communes = crate::officer::storage::commune_editor::communes_of(&cx.db, scope)
            .await
            .map_err(|e| cx.failed("loading communes", e))?;
        Ok(Gate::Allowed(UploadData {
            communes,
            csrf: crate::auth::csrf_token(),
        }))
    })
    .await
}

#[server(prefix = "/fn")]
pub async fn get_import_preview(id: String) -> Result<Gate<Option<ImportPreview>>, ServerFnError> {
    use crate::pages::gate::{gated, require};
    let cx = crate::pages::PageContext::get()?;
    let batch = crate::officer::storage::ocop_import::batch(&cx.db, &id)
        .await
        .map_err(|e| cx.failed("loading an import", e))?;
    let Some(batch) = batch else {
        return Ok(Gate::Allowed(None));
    };
    gated(
        require(&format!("/can-bo/nhap/{id}"), |a| {
            crate::auth::authorize(
                Some(a),
                crate::auth::Action::ActInCommune {
                    commune_id: &batch.commune_id,
                },
            )
        }),
        |_, cx| async move {
            crate::officer::storage::ocop_import::preview_batch(
                &cx.db,
                &id,
                &batch,
                chrono::Utc::now(),
            )
            .await
            .map(|p| Gate::Allowed(Some(p)))
            .map_err(|e| cx.failed("previewing an import", e))
        },
    )
    .await
}

struct ImportTexts {
    title: &'static str,
    intro: &'static str,
    columns: &'static str,
    commune: &'static str,
    file: &'static str,
    upload: &'static str,
    preview_title: fn(&str, &str) -> String,
    nothing_written: &'static str,
    head: [&'static str; 6],
    change: fn(Change) -> &'static str,
    errors: fn(usize) -> String,
    row: fn(usize) -> String,
    fix_first: &'static str,
    confirm: &'static str,
    another: &'static str,
    done: fn(&str, &str, &str) -> String,
    error: fn(ImportRefusal) -> &'static str,
}

static VI: ImportTexts = ImportTexts {
    title: "Nhập danh sách sản phẩm OCOP",
    intro: "Tải lên bảng tính (.xlsx hoặc .csv, tối đa 10 MB) danh sách sản phẩm OCOP của xã. Bạn sẽ xem trước từng dòng; chưa có gì được ghi cho tới khi bạn xác nhận. Nhập lại cùng một tệp không thay đổi gì.",
    columns: "Các cột (dòng đầu là tiêu đề, thứ tự tùy ý): Tên cơ sở · Loại hình (hộ, HTX, THT, doanh nghiệp) · Điện thoại · Tên sản phẩm · Nhóm · Số sao · Số quyết định · Ngày cấp (01/03/2025) · Giá · Đơn vị (kg, hộp, chai, hũ, con, gói, cái, vé).",
    commune: "Xã, phường",
    file: "Tệp bảng tính",
    upload: "Tải lên và xem trước",
    preview_title: |file, commune| format!("Xem trước: {file} → {commune}"),
    nothing_written: "Chưa có gì được ghi.",
    head: [
        "Dòng",
        "Cơ sở",
        "Sản phẩm",
        "Sao",
        "Sản phẩm và giá",
        "Chứng nhận",
    ],
    change: |c| match c {
        Change::Create => "tạo mới",
        Change::Update => "cập nhật",
        Change::Unchanged => "không đổi",
    },
    errors: |n| format!("{n} dòng có lỗi"),
    row: |n| format!("Dòng {n}"),
    fix_first: "Hãy sửa các dòng có lỗi trong bảng tính rồi tải lên lại.",
    confirm: "Nhập vào hệ thống",
    another: "Tải lên tệp khác",
    done: |c, u, k| format!("Đã nhập: {c} sản phẩm mới, {u} cập nhật, {k} không đổi."),
    // No catch-all: a new reason stops this compiling until it has its text.
    error: |refusal| match refusal {
        ImportRefusal::SheetSize => "Tệp lớn hơn 10 MB.",
        ImportRefusal::SheetFormat => "Tệp không phải bảng tính (.xlsx hoặc .csv).",
        ImportRefusal::SheetRows => {
            "Bảng tính dùng quá 10.000 dòng. Hãy chỉ giữ danh sách sản phẩm rồi tải lên lại."
        }
        ImportRefusal::SheetColumns => {
            "Bảng tính dùng quá 40 cột. Hãy chỉ giữ các cột của danh sách rồi tải lên lại."
        }
        ImportRefusal::SheetUnpacked => {
            "Tệp .xlsx giải nén ra hơn 64 MB: không phải một danh sách sản phẩm."
        }
        ImportRefusal::SheetCells => "Bảng tính chứa nhiều chữ hơn 10.000 dòng × 40 cột.",
        ImportRefusal::SheetMissing => "Hãy chọn một tệp.",
        ImportRefusal::SheetErrors => "Còn dòng có lỗi: chưa nhập gì.",
        ImportRefusal::Unknown => "Không nhập được. Hãy kiểm tra lại.",
    },
};

static EN: ImportTexts = ImportTexts {
    title: "Import the OCOP product list",
    intro: "Upload the commune's OCOP product list (.xlsx or .csv, up to 10 MB). You will see every row first; nothing is written until you confirm. Importing the same file again changes nothing.",
    columns: "Columns (a header row first, any order): producer · producer type (household, cooperative, cooperative group, enterprise) · phone · product name · group · stars · decision number · issue date (2025-03-01) · price · unit (kg, box, bottle, jar, bird, pack, piece, ticket).",
    commune: "Commune or ward",
    file: "Spreadsheet file",
    upload: "Upload and preview",
    preview_title: |file, commune| format!("Preview: {file} → {commune}"),
    nothing_written: "Nothing has been written yet.",
    head: [
        "Row",
        "Producer",
        "Product",
        "Stars",
        "Product and price",
        "Certificate",
    ],
    change: |c| match c {
        Change::Create => "new",
        Change::Update => "updated",
        Change::Unchanged => "unchanged",
    },
    errors: |n| format!("{n} rows have errors"),
    row: |n| format!("Row {n}"),
    fix_first: "Fix the rows with errors in the spreadsheet and upload it again.",
    confirm: "Import",
    another: "Upload another file",
    done: |c, u, k| format!("Imported: {c} new products, {u} updated, {k} unchanged."),
    // No catch-all: a new reason stops this compiling until it has its text.
    error: |refusal| match refusal {
        ImportRefusal::SheetSize => "The file is larger than 10 MB.",
        ImportRefusal::SheetFormat => "The file is not a spreadsheet (.xlsx or .csv).",
        ImportRefusal::SheetRows => {
            "The sheet uses more than 10,000 rows. Keep only the product list and upload it again."
        }
        ImportRefusal::SheetColumns => {
            "The sheet uses more than 40 columns. Keep only the list's columns and upload it again."
        }
        ImportRefusal::SheetUnpacked => {
            "The .xlsx file unpacks to more than 64 MB: it is not a product list."
        }
        ImportRefusal::SheetCells => {
            "The spreadsheet holds more texts than 10,000 rows × 40 columns."
        }
        ImportRefusal::SheetMissing => "Choose a file.",
        ImportRefusal::SheetErrors => "Some rows still have errors: nothing was imported.",
        ImportRefusal::Unknown => "The import failed. Please check and try again.",
    },
};

/// A refusal's text in `locale`.
pub fn refusal_text(refusal: ImportRefusal, locale: Locale) -> &'static str {
    (texts(locale).error)(refusal)
}

fn texts(locale: Locale) -> &'static ImportTexts {
    match locale {
        Locale::Vi => &VI,
        Locale::En => &EN,
    }
}

#[component]
fn Notice() -> impl IntoView {
    let t = texts(use_locale());
    use_query_map().with_untracked(|q| {
        let pairs = q.latest_values().map(|(k, v)| (k.as_ref(), v));
        if let Some(refusal) = ImportRefusal::from_query(pairs) {
            return Some(view! { <p class="notice error" role="alert">{(t.error)(refusal)}</p> }.into_any());
        }
        q.get("ok").map(|_| {
            let get = |k: &str| q.get(k).unwrap_or_default();
            view! { <p class="notice ok" role="status">{(t.done)(&get("tao"), &get("sua"), &get("giu"))}</p> }
                .into_any()
        })
    })
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_import_page());
    gate(data, |d| view! { <UploadView data=d/> })
}

#[component]
fn UploadView(data: UploadData) -> impl IntoView {
    let t = texts(use_locale());
    view! {
        <Title text=t.title/>
        <main class="page narrow">
            <nav class="crumbs"><a href="/can-bo">"← /can-bo"</a></nav>
            <h1>{t.title}</h1>
            <Notice/>
            <p>{t.intro}</p>
            <p class="muted">{t.columns}</p>
            <form method="post" enctype="multipart/form-data" action=format!("/can-bo/nhap?csrf={}", data.csrf) class="stack">
                <label for="import-commune">{t.commune}</label>
                <select id="import-commune" name="commune_id" required>
                    {data.communes.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                </select>
                <label for="import-file">{t.file}</label>
                <input id="import-file" type="file" name="file" required
                       accept=".xlsx,.xls,.ods,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"/>
                <button type="submit" class="button">{t.upload}</button>
            </form>
        </main>
    }
}

#[component]
pub fn ImportPreviewPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_import_preview,
    );
    gate_or_404(data, |p| view! { <PreviewView preview=p/> })
}

#[component]
fn PreviewView(preview: ImportPreview) -> impl IntoView {
    let t = texts(use_locale());
    let importable =
        preview.errors.is_empty() && preview.file_error.is_none() && !preview.rows.is_empty();
    let errors = preview.errors.len();
    view! {
        <Title text=t.title/>
        <main class="page">
            <nav class="crumbs"><a href="/can-bo/nhap">{t.another}</a></nav>
            <h1>{(t.preview_title)(&preview.filename, &preview.commune_name)}</h1>
            <Notice/>
            <p class="muted">{t.nothing_written}</p>
            {preview.file_error.map(|e| view! { <p class="notice error" role="alert">{e}</p> })}
            {(errors > 0).then(|| view! {
                <section class="import-errors" role="alert">
                    <h2>{(t.errors)(errors)}</h2>
                    <ul>
                        {preview.errors.into_iter().map(|e| view! {
                            <li><strong>{(t.row)(e.row)}</strong> ": " {e.reasons.join("; ")}</li>
                        }).collect_view()}
                    </ul>
                    <p>{t.fix_first}</p>
                </section>
            })}
            {(!preview.rows.is_empty()).then(|| view! {
                <table class="sales-table import-plan">
                    <thead><tr>{t.head.iter().map(|h| view! { <th>{*h}</th> }).collect_view()}</tr></thead>
                    <tbody>
                        {preview.rows.into_iter().map(|r| view! {
                            <tr>
                                <td>{r.row}</td>
                                <td>{r.producer_name} " (" {(t.change)(r.producer)} ")"</td>
                                <td>{r.product_name}</td>
                                <td>{"★".repeat(usize::from(r.stars))}</td>
                                <td>{(t.change)(r.product)}</td>
                                <td>{(t.change)(r.certificate)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {importable.then(|| view! {
                <form method="post" action=format!("/can-bo/nhap/{}", preview.batch_id)>
                    <CsrfField/>
                    <button type="submit" class="button">{t.confirm}</button>
                </form>
            })}
        </main>
    }
}
