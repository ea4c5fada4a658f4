//! `/tim-kiem`: catalog search. A plain GET form with facet and sort links, so it works without
//! JavaScript; with it, the search box (an island) suggests products while the buyer types.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::{
    components::{MarkedText, ProductCardView},
    i18n::{Locale, use_locale},
    search::{
        model::{FacetCount, SEARCH_PATH, SearchRequest, SearchResults, SearchSort, Suggestion},
        texts::SearchTexts,
    },
    seo::Canonical,
};

/// What the page shows: the search as understood, and its results (`None`: search unavailable).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchOutcome {
    pub request: SearchRequest,
    pub results: Option<SearchResults>,
    /// Some filters in the address were malformed and were left out.
    pub ignored_filters: bool,
}

/// The query parameters the search page reads from its address.
const PARAMS: [&str; 10] = [
    "q",
    "commune",
    "group",
    "stars",
    "min_price",
    "max_price",
    "price",
    "in_stock",
    "sort",
    "page",
];

/// Runs the search the page's address asks for (`params` holds its query parameters).
#[server(prefix = "/fn")]
pub async fn search_catalog(
    params: std::collections::BTreeMap<String, String>,
) -> Result<SearchOutcome, ServerFnError> {
    let cx = crate::pages::PageContext::get()?;
    let search = use_context::<crate::search::service::Search>()
        .ok_or_else(|| ServerFnError::new("search not configured"))?;
    let (request, bad) = SearchRequest::parse(|key| params.get(key).map(String::as_str));
    let results = match search.run(&cx.db, &request, cx.today, cx.locale).await {
        Ok(results) => Some(results),
        Err(e) => {
            // The page still renders, saying search is unavailable; the health check shows why.
            tracing::error!(error = %e, "search failed");
            None
        }
    };
    Ok(SearchOutcome {
        request,
        results,
        ignored_filters: !bad.is_empty(),
    })
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let locale = use_locale();
    let st = SearchTexts::of(locale);
    let query = use_query_map();
    let outcome = Resource::new(
        move || query.get(),
        |q| {
            search_catalog(
                PARAMS
                    .into_iter()
                    .filter_map(|key| Some((key.to_owned(), q.get(key)?)))
                    .collect(),
            )
        },
    );
    let t = locale.texts();
    view! {
        <Title text=st.title/>
        <Meta name="description" content=st.description/>
        <main class="page search-page">
            <h1>{st.title}</h1>
            <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
                {move || outcome.get().map(|result| match result {
                    Ok(outcome) => view! { <Outcome outcome locale/> }.into_any(),
                    Err(_) => view! { <crate::pages::LoadFailed/> }.into_any(),
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn Outcome(outcome: SearchOutcome, locale: Locale) -> impl IntoView {
    let st = SearchTexts::of(locale);
    let request = outcome.request;
    // Short searches that found products are pages worth finding on the web; the endless rest
    // (orders, later pages, fine filters, misses) is followed by crawlers but not indexed.
    let indexing = match outcome
        .results
        .as_ref()
        .and_then(|r| request.indexable_path(r))
    {
        Some(path) => view! { <Canonical path/> }.into_any(),
        None => view! { <Meta name="robots" content="noindex, follow"/> }.into_any(),
    };
    let hidden = hidden_filters(&request);
    let form = view! {
        <form method="get" action=SEARCH_PATH role="search" class="search-form">
            <SearchBox value=request.q.clone() label=st.label.to_owned()
                       placeholder=st.placeholder.to_owned() suggestions=st.suggestions.to_owned()/>
            {hidden.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value/> }).collect_view()}
            <button type="submit">{st.submit}</button>
        </form>
    };
    let notices = {
        let mut list = Vec::new();
        if outcome.ignored_filters {
            list.push(st.bad_filters);
        }
        if outcome.results.as_ref().is_some_and(|r| r.truncated) {
            list.push(st.truncated);
        }
        list
    };
    let body = match outcome.results {
        None => view! {
            <p class="notice" role="alert">{st.unavailable} " " <a href="/xa">{locale.texts().all_communes}</a></p>
        }
        .into_any(),
        Some(results) => view! { <Results results request=request.clone() locale/> }.into_any(),
    };
    view! {
        {indexing}
        {form}
        {notices.into_iter().map(|n| view! { <p class="notice" role="status">{n}</p> }).collect_view()}
        {body}
    }
}

/// The active filters and sort as hidden fields: a new query keeps them.
fn hidden_filters(r: &SearchRequest) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let f = &r.filters;
    if let Some(c) = &f.commune {
        out.push(("commune", c.clone()));
    }
    if let Some(g) = &f.group {
        out.push(("group", g.clone()));
    }
    if let Some(s) = f.min_stars {
        out.push(("stars", s.to_string()));
    }
    if let Some(p) = f.min_price {
        out.push(("min_price", p.dong().to_string()));
    }
    if let Some(p) = f.max_price {
        out.push(("max_price", p.dong().to_string()));
    }
    if f.in_stock {
        out.push(("in_stock", "true".to_owned()));
    }
    if r.sort != SearchSort::Relevance {
        out.push(("sort", r.sort.code().to_owned()));
    }
    out
}

#[component]
fn Results(results: SearchResults, request: SearchRequest, locale: Locale) -> impl IntoView {
    let st = SearchTexts::of(locale);
    let heading = if results.query.trim().is_empty() {
        (st.all_products)(results.total)
    } else if results.relaxed {
        (st.close_results)(results.total)
    } else {
        (st.results)(results.total, &results.query)
    };
    // No dead ends: close matches say they are, and a likely misspelling offers its correction.
    let relaxed = results
        .relaxed
        .then(|| view! { <p class="notice" role="status">{(st.relaxed)(&results.query)}</p> });
    let did_you_mean = results.did_you_mean.clone().map(|fixed| {
        let href = request.href_with(|r| {
            r.q = fixed.clone();
            r.page = 1;
        });
        view! {
            <p class="did-you-mean">
                {st.did_you_mean} <a href=href rel="nofollow">"“" {fixed} "”"</a> {st.did_you_mean_end}
            </p>
        }
    });
    let pages = results
        .total
        .div_ceil(u64::from(results.per_page.max(1)))
        .max(1) as u32;
    let page = results.page;
    let previous = (page > 1).then(|| request.href_with(|r| r.page = page - 1));
    let next = (page < pages).then(|| request.href_with(|r| r.page = page + 1));
    let empty = results.hits.is_empty();
    let sorts = SearchSort::ALL
        .into_iter()
        .map(|sort| {
            let href = request.href_with(|r| {
                r.sort = sort;
                r.page = 1;
            });
            let current = (sort == request.sort).then_some("page");
            view! { <li><a href=href aria-current=current>{(st.sort_name)(sort)}</a></li> }
        })
        .collect_view();
    view! {
        <div class="search-layout">
            <Facets results=results.clone() request=request.clone() locale/>
            <section aria-labelledby="results-heading" class="search-results">
                <h2 id="results-heading" aria-live="polite">{heading}</h2>
                {relaxed}
                {did_you_mean}
                <nav class="sorts" aria-label=st.sort><span>{st.sort} ": "</span><ul>{sorts}</ul></nav>
                {empty.then(|| view! { <p>{st.nothing}</p><p class="hint">{st.nothing_hint}</p> })}
                <ul class="cards">
                    {results.hits.into_iter().map(|hit| view! {
                        <ProductCardView product=hit.product locale highlighted=hit.highlighted/>
                    }).collect_view()}
                </ul>
                {(pages > 1).then(|| view! {
                    <nav class="pager" aria-label=(st.page_of)(page, pages)>
                        {previous.map(|href| view! { <a href=href rel="prev">{st.previous}</a> })}
                        <span>{(st.page_of)(page, pages)}</span>
                        {next.map(|href| view! { <a href=href rel="next">{st.next}</a> })}
                    </nav>
                })}
            </section>
        </div>
    }
}

#[component]
fn Facets(results: SearchResults, request: SearchRequest, locale: Locale) -> impl IntoView {
    let st = SearchTexts::of(locale);
    let f = results.facets;
    let r = request;
    let any_filter = r.filters != Default::default();
    let clear = r.href_with(|x| {
        x.filters = Default::default();
        x.page = 1;
    });
    let group_of = |title: &'static str,
                    items: Vec<FacetCount>,
                    current: Option<String>,
                    set: fn(&mut SearchRequest, Option<&str>)| {
        let all = r.href_with(|x| {
            set(x, None);
            x.page = 1;
        });
        let links = items
            .into_iter()
            .map(|item| {
                let selected = current.as_deref() == Some(item.value.as_str());
                let href = r.href_with(|x| {
                    set(x, Some(&item.value));
                    x.page = 1;
                });
                view! {
                    <li><a href=href aria-current=selected.then_some("true")>
                        {item.label} " " <span class="count">"(" {item.count} ")"</span>
                    </a></li>
                }
            })
            .collect_view();
        view! {
            <fieldset class="facet">
                <legend>{title}</legend>
                <ul>
                    <li><a href=all aria-current=current.is_none().then_some("true")>{st.any}</a></li>
                    {links}
                </ul>
            </fieldset>
        }
    };
    let price_now = PriceNow::of(&r);
    let in_stock_href = r.href_with(|x| {
        x.filters.in_stock = !x.filters.in_stock;
        x.page = 1;
    });
    view! {
        <aside class="facets" aria-label=st.filters>
            <h2>{st.filters}</h2>
            {any_filter.then(|| view! { <p><a href=clear>{st.clear}</a></p> })}
            {group_of(st.commune, f.communes, r.filters.commune.clone(), |x, v| x.filters.commune = v.map(str::to_owned))}
            {group_of(st.group, f.groups, r.filters.group.clone(), |x, v| x.filters.group = v.map(str::to_owned))}
            {group_of(st.stars, f.stars, r.filters.min_stars.map(|s| s.to_string()), |x, v| x.filters.min_stars = v.and_then(|s| s.parse().ok()))}
            {group_of(st.price, f.prices, price_now, set_price_band)}
            <fieldset class="facet">
                <legend>{st.stock}</legend>
                <ul><li><a href=in_stock_href aria-current=r.filters.in_stock.then_some("true")>{(st.in_stock)(f.in_stock)}</a></li></ul>
            </fieldset>
        </aside>
    }
}

/// The price band whose bounds the current filter has, if any.
struct PriceNow;

impl PriceNow {
    fn of(r: &SearchRequest) -> Option<String> {
        use crate::search::model::PriceBand;
        let (min, max) = (
            r.filters.min_price.map(|p| p.dong()),
            r.filters.max_price.map(|p| p.dong()),
        );
        PriceBand::ALL
            .into_iter()
            .find(|b| {
                let (lo, hi) = b.bounds();
                min.unwrap_or(0) == lo && max == hi && (min.is_some() || max.is_some())
            })
            .map(|b| b.code().to_owned())
    }
}

fn set_price_band(x: &mut SearchRequest, code: Option<&str>) {
    use crate::{domain::money::Vnd, search::model::PriceBand};
    match code.and_then(PriceBand::from_code) {
        Some(band) => {
            let (min, max) = band.bounds();
            x.filters.min_price = Vnd::new(min).ok();
            x.filters.max_price = max.and_then(|m| Vnd::new(m).ok());
        }
        None => {
            x.filters.min_price = None;
            x.filters.max_price = None;
        }
    }
}

/// The search box. Rendered on the server as a plain input (the form works without JavaScript);
/// once live, it lists matching products under the input as the buyer types.
#[island]
pub fn SearchBox(
    value: String,
    label: String,
    placeholder: String,
    suggestions: String,
) -> impl IntoView {
    let found = RwSignal::new(Vec::<Suggestion>::new());
    // Answers can arrive out of order: only the latest request's is shown.
    let latest = StoredValue::new(0u64);
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let on_input = move |ev: leptos::ev::Event| {
        let q = event_target_value(&ev);
        let ticket = latest.get_value() + 1;
        latest.set_value(ticket);
        if !Suggestion::worth_asking(&q) {
            found.set(Vec::new());
        } else {
            show_suggestions(q, ticket, latest, found);
        }
    };
    let items = move || found.get();
    view! {
        <div class="search-box" data-live=move || live.get().then_some("1")>
            <label for="q" class="visually-hidden">{label}</label>
            <input id="q" type="search" name="q" value=value placeholder=placeholder
                   maxlength="200" autocomplete="off" enterkeyhint="search"
                   aria-controls="q-suggestions" aria-autocomplete="list"
                   on:input=on_input/>
            <ul id="q-suggestions" class="suggestions" aria-label=suggestions
                hidden=move || items().is_empty()>
                {move || items().into_iter().map(|s| view! {
                    <li>
                        <a href=format!("/san-pham/{}", s.slug)><MarkedText parts=s.highlighted/></a>
                        <small>{s.commune}</small>
                    </li>
                }).collect_view()}
            </ul>
        </div>
    }
}

/// How long typing must pause before the box asks: a word typed quickly costs one request, not
/// one per letter, on a slow mobile connection.
#[cfg(feature = "hydrate")]
const TYPING_PAUSE: std::time::Duration = std::time::Duration::from_millis(150);

/// Asks for suggestions for `q` once typing pauses, and shows them unless a later keystroke (a
/// newer ticket) has asked again.
fn show_suggestions(
    q: String,
    ticket: u64,
    latest: StoredValue<u64>,
    found: RwSignal<Vec<Suggestion>>,
) {
    #[cfg(feature = "hydrate")]
    set_timeout(
        move || {
            if latest.try_get_value() != Some(ticket) {
                return;
            }
            leptos::task::spawn_local(async move {
                // A failed request shows no suggestions: the form still searches.
                let suggestions = fetch_suggestions(&q).await.unwrap_or_default();
                if latest.try_get_value() == Some(ticket) {
                    found.set(suggestions);
                }
            });
        },
        TYPING_PAUSE,
    );
    // Input events only happen in the browser.
    #[cfg(not(feature = "hydrate"))]
    let _ = (q, ticket, latest, found);
}

/// Asks `/api/v1/suggestions` (same origin, so the language cookie goes along).
#[cfg(feature = "hydrate")]
async fn fetch_suggestions(q: &str) -> Option<Vec<Suggestion>> {
    let path = format!(
        "/api/v1/suggestions?q={}",
        String::from(js_sys::encode_uri_component(q))
    );
    crate::pages::fetch_json::<crate::search::model::Suggestions>(&path)
        .await
        .map(|s| s.items)
}
