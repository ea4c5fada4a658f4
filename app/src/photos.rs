//! Photos people attach to what they write (a review, a return request), as pages show them: a
//! small copy linking to the full one. Receiving and storing them is `server::photos`.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The largest photo file accepted: a phone camera's JPEG is 3–8 MB. The server refuses more
/// (`server::photos::pipeline`); the upload island checks it before sending, to spare a
/// farmer's mobile data.
pub const MAX_PHOTO_BYTES: usize = 20 * 1024 * 1024;

/// One attached photo: the smallest stored copy for the page and the full one to open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachedPhoto {
    pub src: String,
    pub full: String,
    pub width: i64,
    pub height: i64,
}

/// The photos in a row; nothing when there are none.
#[component]
pub fn AttachedPhotos(photos: Vec<AttachedPhoto>) -> impl IntoView {
    (!photos.is_empty()).then(|| {
        view! {
            <ul class="review-photos">
                {photos.into_iter().map(|ph| view! {
                    <li><a href=ph.full><img src=ph.src width=ph.width height=ph.height alt="" loading="lazy" decoding="async"/></a></li>
                }).collect_view()}
            </ul>
        }
    })
}

/// What the photos are attached to.
#[cfg(feature = "ssr")]
#[derive(Clone, Copy, Debug)]
pub enum Attached<'a> {
    ReturnRequest(&'a str),
}

/// The photos attached to `to`, in the order they were sent.
#[cfg(feature = "ssr")]
pub async fn attached<'e>(
    conn: impl sqlx::Executor<'e, Database = sqlx::Any>,
    to: Attached<'_>,
) -> Result<Vec<AttachedPhoto>, sqlx::Error> {
    let (sql, id) = match to {
        Attached::ReturnRequest(id) => (RETURN_PHOTOS, id),
    };
    let rows: Vec<(String, String, i64, i64)> =
        sqlx::query_as(sql).bind(id).fetch_all(conn).await?;
    Ok(rows
        .into_iter()
        .map(|(thumb, full, width, height)| AttachedPhoto {
            src: crate::catalog::storage::media_url(&thumb),
            full: crate::catalog::storage::media_url(&full),
            width,
            height,
        })
        .collect())
}

/// The photos of each of these reviews, by review id, in one round trip (a product's page
/// lists up to [`crate::reviews::storage::LIST_LIMIT`] reviews).
#[cfg(feature = "ssr")]
pub async fn of_reviews<'e>(
    conn: impl sqlx::Executor<'e, Database = sqlx::Any>,
    review_ids: &[&str],
) -> Result<std::collections::HashMap<String, Vec<AttachedPhoto>>, sqlx::Error> {
    let mut by_review: std::collections::HashMap<String, Vec<AttachedPhoto>> =
        std::collections::HashMap::new();
    if review_ids.is_empty() {
        return Ok(by_review);
    }
    let sql = of_reviews_sql(review_ids.len());
    let mut query = sqlx::query_as::<_, (String, String, String, i64, i64)>(&sql);
    for id in review_ids {
        query = query.bind(*id);
    }
    for (review, thumb, full, width, height) in query.fetch_all(conn).await? {
        by_review.entry(review).or_default().push(AttachedPhoto {
            src: crate::catalog::storage::media_url(&thumb),
            full: crate::catalog::storage::media_url(&full),
            width,
            height,
        });
    }
    Ok(by_review)
}

#[cfg(feature = "ssr")]
fn of_reviews_sql(n: usize) -> String {
    format!(
        "SELECT rp.review_id, d.storage_key, ph.storage_key, d.width, d.height
           FROM review_photos rp
           JOIN photos ph ON ph.id = rp.photo_id
           JOIN photo_derivatives d ON d.photo_id = rp.photo_id
          WHERE rp.review_id IN ({})
            AND d.width = (SELECT MIN(d2.width) FROM photo_derivatives d2 WHERE d2.photo_id = rp.photo_id)
          ORDER BY rp.review_id, rp.position",
        crate::db::placeholders(1, n.max(1))
    )
}

/// The module's statements built at run time.
#[cfg(feature = "ssr")]
pub(crate) fn rendered_statements() -> Vec<(String, String)> {
    vec![("of_reviews_sql(2)".to_owned(), of_reviews_sql(2))]
}

#[cfg(feature = "ssr")]
crate::db::statements! {
    /// `attached`: a return request's photos.
    RETURN_PHOTOS = "SELECT d.storage_key, ph.storage_key, d.width, d.height
          FROM return_request_photos rp
          JOIN photos ph ON ph.id = rp.photo_id
          JOIN photo_derivatives d ON d.photo_id = rp.photo_id
         WHERE rp.request_id = $1
           AND d.width = (SELECT MIN(d2.width) FROM photo_derivatives d2 WHERE d2.photo_id = rp.photo_id)
         ORDER BY rp.position";
}
