//! Carriers' fees at checkout. For each producer of the cart with an enabled carrier account
//! (`seller::carriers_storage`), once the delivery commune is known, the carrier is asked for the
//! fee of the parcel (the lines' weights, from the account's pick-up address to the buyer's
//! commune). Every producer is asked at once, and never inside a transaction: the answers are
//! gathered first, then the cart is priced with them (`cart::build_view`). A carrier that is not
//! set up, refuses or does not answer in time leaves the producer's own table in place, marked
//! as an estimate: nothing is ever blocked on a carrier.
//!
//! The app crate cannot call carriers itself (their adapters are the server's), so it asks
//! through [`CarrierQuotes`], which the server provides (Leptos context and its state).

use std::{collections::HashMap, future::Future, pin::Pin, sync::Arc};

use crate::{
    address::rules::{CommuneCode, ProvinceCode},
    db::Db,
    domain::money::Vnd,
    seller::carriers_storage::{self, CarrierAccount, Place},
    shop::{
        rules::{
            checkout::line_total,
            shipping::{Fee, ShippingSource},
        },
        storage::cart::{self, CartRow},
    },
};

/// One fee to ask a carrier for.
#[derive(Clone, Debug)]
pub struct QuoteRequest {
    pub account: CarrierAccount,
    pub from: Place,
    pub to: Place,
    pub weight_grams: i64,
    /// The goods' value, for the carrier's insurance.
    pub declared_value: Vnd,
}

/// Why a carrier gave no fee (for the log; the buyer sees the table's estimate).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct QuoteFailed(pub String);

pub type QuoteFuture = Pin<Box<dyn Future<Output = Result<Vnd, QuoteFailed>> + Send + 'static>>;

/// Asks a producer's carrier for a fee; the server implements it with its adapters. The
/// answer must come within the carriers' timeout (2 s), or fail.
pub trait CarrierQuotes: Send + Sync {
    fn quote(&self, request: QuoteRequest) -> QuoteFuture;
}

/// The server's [`CarrierQuotes`], shared through Leptos context and the axum state.
#[derive(Clone)]
pub struct Quoter(pub Arc<dyn CarrierQuotes>);

impl std::fmt::Debug for Quoter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Quoter")
    }
}

/// Where the parcels go: the buyer's commune, by its national codes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Destination {
    pub province: ProvinceCode,
    pub commune: CommuneCode,
    pub street: String,
}

/// A carrier's fee for one producer's parcel, with the parcel it was asked for: it prices the
/// order only if the order is still that parcel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quote {
    pub source: ShippingSource,
    pub fee: Vnd,
    pub weight_grams: i64,
    pub declared_value: Vnd,
}

/// The carriers' fees, per producer id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Quotes(HashMap<String, Quote>);

impl Quotes {
    /// The fee for this producer's parcel, if its carrier quoted exactly that parcel.
    pub fn for_parcel(&self, producer_id: &str, grams: i64, value: Vnd) -> Option<&Quote> {
        self.0
            .get(producer_id)
            .filter(|q| q.weight_grams == grams && q.declared_value == value)
    }
}

/// One producer's parcel in the cart: its weight and value, and whether its table would
/// deliver it free anyway.
struct Parcel<'a> {
    producer_id: &'a str,
    grams: i64,
    value: Vnd,
    free: bool,
}

/// Each producer's parcel; producers whose lines cannot all be delivered there are left out
/// (checkout refuses them anyway). A row that does not decode is left to `build_view` to report.
fn parcels<'a>(rows: &'a [CartRow], to: &ProvinceCode) -> Vec<Parcel<'a>> {
    let mut out: Vec<Parcel<'a>> = Vec::new();
    let mut skip: Vec<&str> = Vec::new();
    for row in rows {
        let price = Vnd::new(row.price_vnd).ok();
        let line = price.and_then(|p| line_total(p, row.quantity));
        let deliverable = matches!(cart::problem(row, Some(to)), Ok(None));
        let Some(line) = line.filter(|_| deliverable) else {
            skip.push(&row.producer_id);
            continue;
        };
        match out.iter_mut().find(|p| p.producer_id == row.producer_id) {
            Some(p) => {
                p.grams = p.grams.saturating_add(row.grams());
                p.value = p.value.checked_add(line).unwrap_or(p.value);
            }
            None => out.push(Parcel {
                producer_id: &row.producer_id,
                grams: row.grams(),
                value: line,
                free: false,
            }),
        }
    }
    out.retain(|p| !skip.contains(&p.producer_id));
    for p in &mut out {
        let row = rows.iter().find(|r| r.producer_id == p.producer_id);
        p.free = row.is_some_and(|r| {
            r.shipping_table()
                .ok()
                .and_then(|t| t.fee(r.zone_to(to), p.grams, p.value))
                == Some(Fee::Free)
        });
    }
    out
}

/// Asks every producer's enabled carrier (the first by name, when there are two) for its
/// parcel's fee, all at once. Runs outside any transaction; a failure only leaves the
/// producer's table in place.
#[tracing::instrument(skip_all)]
pub(crate) async fn ask(
    db: &Db,
    quoter: &Quoter,
    rows: &[CartRow],
    to: &Destination,
) -> Result<Quotes, sqlx::Error> {
    let Some(buyer) = place_of(db, to).await? else {
        return Ok(Quotes::default());
    };
    let mut asked = tokio::task::JoinSet::new();
    for parcel in parcels(rows, &to.province) {
        // Free delivery is the producer's promise: no carrier price changes it.
        if parcel.free {
            continue;
        }
        let accounts = carriers_storage::for_producer(db, parcel.producer_id).await?;
        let Some((account, from)) = accounts.into_iter().find(|(a, _)| a.enabled) else {
            continue;
        };
        let Some(source) = ShippingSource::carrier(&account.carrier) else {
            continue;
        };
        let producer_id = parcel.producer_id.to_owned();
        let (grams, value) = (parcel.grams, parcel.value);
        let asking = quoter.0.quote(QuoteRequest {
            account,
            from,
            to: buyer.clone(),
            weight_grams: grams,
            declared_value: value,
        });
        asked.spawn(async move {
            let answer = asking.await;
            (producer_id, source, grams, value, answer)
        });
    }
    let mut quotes = HashMap::new();
    while let Some(done) = asked.join_next().await {
        let Ok((producer_id, source, weight_grams, declared_value, answer)) = done else {
            continue;
        };
        match answer {
            Ok(fee) => {
                quotes.insert(
                    producer_id,
                    Quote {
                        source,
                        fee,
                        weight_grams,
                        declared_value,
                    },
                );
            }
            Err(e) => {
                tracing::warn!(producer_id, carrier = %source, error = %e,
                    "no carrier quote: the producer's table is used");
            }
        }
    }
    Ok(Quotes(quotes))
}

/// The buyer's commune as carriers take it (the national list's names).
async fn place_of(db: &Db, to: &Destination) -> Result<Option<Place>, sqlx::Error> {
    use crate::address::storage::{Lookup, lookup};
    use crate::i18n::Locale;
    Ok(match lookup(db, &to.province, &to.commune).await? {
        Lookup::Found(c) => Some(Place {
            province: c.province.label(Locale::Vi),
            commune: c.label(Locale::Vi),
            street: to.street.clone(),
        }),
        Lookup::UnknownProvince | Lookup::UnknownCommune => None,
    })
}
