//! Offline capture on the farm pages (issue #26): what is waiting to be sent from this phone.
//! The page renders an empty, hidden list carrying every word the scripts need (`data-` attributes,
//! in the reader's language); `public/farm-offline.js` fills it from the phone's queue
//! (`public/farm-queue.js`, IndexedDB) and sends the queue through the farm API when the
//! connection returns; `public/sw.js` keeps the farm pages readable offline. Without JavaScript
//! the list stays hidden and the forms post as before.

use leptos::prelude::*;
use leptos_meta::Link;

use crate::{
    diary::{rules::EntryKind, texts::DiaryTexts},
    i18n::{Locale, use_locale},
};

/// The offline list's words, in Vietnamese and English. `{n}` is a count.
pub struct OfflineTexts {
    pub waiting: &'static str,
    pub refused: &'static str,
    pub discard: &'static str,
    pub queued: &'static str,
    pub offline: &'static str,
    pub sending: &'static str,
    pub ready: &'static str,
    pub photos_label: &'static str,
    pub photos: &'static str,
    pub sent: &'static str,
    /// A date from its parts: `{d}`, `{dd}`, `{mm}`, `{mon}`, `{yyyy}`.
    pub date: &'static str,
    pub months: &'static str,
}

impl OfflineTexts {
    pub fn of(locale: Locale) -> &'static OfflineTexts {
        match locale {
            Locale::Vi => &VI,
            Locale::En => &EN,
        }
    }
}

const VI: OfflineTexts = OfflineTexts {
    waiting: "Đang chờ gửi ({n})",
    refused: "Không được ghi nhận",
    discard: "Bỏ mục này",
    queued: "Đã lưu trên máy này; sẽ tự gửi khi có mạng.",
    offline: "Đang mất mạng: mục ghi mới được giữ trên máy và gửi sau.",
    sending: "Đang gửi…",
    ready: "Trang này xem được cả khi mất mạng.",
    photos_label: "Ảnh kèm theo (chụp hoặc chọn)",
    photos: "{n} ảnh",
    sent: "Đã gửi xong các mục chờ.",
    date: "{dd}/{mm}/{yyyy}",
    months: "1,2,3,4,5,6,7,8,9,10,11,12",
};

const EN: OfflineTexts = OfflineTexts {
    waiting: "Waiting to send ({n})",
    refused: "Not accepted",
    discard: "Discard",
    queued: "Saved on this phone; it will be sent when the connection returns.",
    offline: "Offline: new entries are kept on this phone and sent later.",
    sending: "Sending…",
    ready: "This page can be read offline.",
    photos_label: "Photos (take or choose)",
    photos: "{n} photo(s)",
    sent: "Everything waiting has been sent.",
    date: "{d} {mon} {yyyy}",
    months: "Jan,Feb,Mar,Apr,May,Jun,Jul,Aug,Sep,Oct,Nov,Dec",
};

/// The entry kinds' names as `kind=name` pairs joined by `|`, for the script.
fn kind_names(locale: Locale) -> String {
    let t = DiaryTexts::of(locale);
    EntryKind::ALL
        .iter()
        .map(|k| format!("{}={}", k.as_str(), (t.kind)(*k)))
        .collect::<Vec<_>>()
        .join("|")
}

/// The list of entries waiting on this phone (for one plot, or all on the farm page), the
/// web-app manifest and the offline scripts.
#[component]
pub fn OfflineQueue(#[prop(optional, into)] plot_id: Option<String>) -> impl IntoView {
    let locale = use_locale();
    let t = OfflineTexts::of(locale);
    let nonce = leptos::nonce::use_nonce();
    view! {
        <Link rel="manifest" href="/manifest.webmanifest"/>
        <section id="offline-queue" class="offline-queue" hidden aria-live="polite"
                 data-plot=plot_id
                 data-t-waiting=t.waiting data-t-refused=t.refused data-t-discard=t.discard
                 data-t-queued=t.queued data-t-offline=t.offline data-t-sending=t.sending
                 data-t-ready=t.ready data-t-photos-label=t.photos_label data-t-photos=t.photos
                 data-t-sent=t.sent data-t-date=t.date data-t-months=t.months
                 data-t-kinds=kind_names(locale)>
            <p class="offline-status small muted"></p>
            <h2 class="pending-heading"></h2>
            <ul class="pending"></ul>
        </section>
        <script src="/farm-queue.js" nonce=nonce.clone() defer="defer"></script>
        <script src="/farm-offline.js" nonce=nonce defer="defer"></script>
    }
}
