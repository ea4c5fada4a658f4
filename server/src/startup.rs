//! Building the HTTP application: bind, wire routes, serve until asked to stop.

use std::{net::SocketAddr, sync::Arc};

use anyhow::Context;
use app::{App, db::Db, seo::PublicUrl, shell};
use axum::{
    Router,
    extract::FromRef,
    http::{HeaderValue, header},
    middleware,
    routing::{get, post},
};
use leptos::{config::LeptosOptions, prelude::provide_context};
use leptos_axum::{LeptosRoutes, generate_route_list};
use tokio::net::TcpListener;
use tower_http::{
    compression::CompressionLayer, set_header::SetResponseHeaderLayer, trace::TraceLayer,
};

use crate::{
    Settings,
    auth::{csrf, no_store, session},
    cli::open_with,
    routes,
};

/// Shared by every request handler: one allocation behind an `Arc`, since axum clones the state
/// for every extractor and middleware layer of every request (cloning and dropping the fields
/// one by one was 6% of a product page's CPU, measured with perf under scripts/bench).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What [`AppState`] holds.
pub struct Shared {
    pub db: Db,
    pub leptos_options: LeptosOptions,
    pub settings: Arc<Settings>,
    /// `https://host` without a trailing slash.
    pub public_url: Arc<str>,
    pub payments: Arc<crate::payments::Payments>,
    /// The carriers' adapters, for producers' carrier accounts.
    pub carriers: crate::shipping::Carriers,
    pub search: app::search::service::Search,
    /// The indexer's failures and rebuilds, for `/healthz`.
    pub search_writer: Arc<crate::search::indexer::WriterHealth>,
    /// What the throttles read the time from.
    pub clock: crate::clock::Clock,

    /// The `/pkg` files under content-hashed names; `None` when the site is not built.
    pub assets: Option<crate::assets::Assets>,
    /// The footer's operator details, kept a few seconds (see `legal::storage`).
    pub operator: app::legal::storage::OperatorCache,
    /// Each commune's related products, kept a few seconds (see `catalog::storage`).
    pub related: app::catalog::storage::RelatedCache,
    /// Where photos are kept (the media folder or a bucket).
    pub media: crate::photos::media::Media,
    /// Photos decoded at once (see `photos::budget`).
    pub photo_budget: crate::photos::budget::DecodeBudget,
    /// Uploads in progress at once (see `deadline`).
    pub upload_slots: crate::deadline::UploadSlots,
    /// Uploads each caller has in progress (see `deadline`).
    pub uploads_by_caller: crate::deadline::UploadsByCaller,
    /// This server's request figures, for `/metrics`.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Who this server is among those on the database (see `servers`), for job leases.
    pub server_id: Arc<str>,
}

impl AppState {
    /// The contacts a verification or reset code can reach on this site.
    pub fn code_channels(&self) -> app::auth::codes::CodeChannels {
        self.settings.notify.code_channels()
    }

    /// Cookies carry the Secure flag when the site is published over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// A server that is bound to its address and ready to run.
pub struct Application {
    listener: TcpListener,
    address: SocketAddr,
    /// The separate `/metrics` address, when one is set.
    metrics_listener: Option<(TcpListener, SocketAddr)>,
    router: Router,
    state: AppState,
    db: Db,
}

impl Application {
    /// Opens and migrates the database, then binds (port 0 picks a free port: tests use that).
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let db = open_with(&settings.database_url, settings.limits.db_connections).await?;
        let listener = TcpListener::bind(settings.bind)
            .await
            .with_context(|| format!("listening on {}", settings.bind))?;
        let address = listener.local_addr().context("reading the bound address")?;
        // Opened first: a server running in this data folder holds the embedded index's lock,
        // which is what `servers::join` relies on to discount this folder's other rows.
        let search = app::search::service::Search::new(
            crate::search::open(&settings.search).context("opening the search index")?,
        );
        let media = crate::photos::media::Media::open(&settings.media, settings.media_dir())?;
        media
            .check()
            .await
            .context("reaching the photos' store (OCOP_MEDIA_URL)")?;
        let metrics_listener = match settings.metrics.bind {
            Some(bind) => {
                let l = TcpListener::bind(bind)
                    .await
                    .with_context(|| format!("listening on {bind} (OCOP_METRICS_BIND)"))?;
                let a = l.local_addr().context("reading the metrics address")?;
                Some((l, a))
            }
            None => None,
        };
        // Last of what may fail here: a refused or failed start leaves no heartbeat behind.
        let place = crate::servers::place(&settings.data_dir);
        let server_id = crate::servers::server_id(&place, address);
        crate::servers::join(
            &db,
            &server_id,
            &place,
            crate::servers::search_kind(&settings.search),
        )
        .await?;
        let mut leptos_options = settings.leptos.clone();
        leptos_options.site_addr = address;
        let assets = crate::assets::Assets::load(
            std::path::Path::new(&*leptos_options.site_root),
            &leptos_options.site_pkg_dir,
            &leptos_options.output_name,
        );
        if let Some(a) = &assets {
            // `HydrationScripts` links `{output_name}.js` and `.wasm`: the hashed names.
            leptos_options.output_name = a.script_stem.as_str().into();
        }
        let public_url = settings
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{address}"))
            .trim_end_matches('/')
            .into();
        let state = AppState(Arc::new(Shared {
            search,
            search_writer: Default::default(),
            media,
            photo_budget: crate::photos::budget::DecodeBudget::new(
                settings.limits.photo_decodes,
                settings.limits.photo_queue_wait,
            ),
            upload_slots: crate::deadline::UploadSlots::for_limits(&settings.limits),
            uploads_by_caller: Default::default(),
            db: db.clone(),
            leptos_options,
            assets,
            operator: Default::default(),
            related: Default::default(),
            payments: Arc::new(crate::payments::Payments::new(&settings.payments)),
            carriers: crate::shipping::Carriers::new(&settings.carriers),
            settings: Arc::new(settings),
            public_url,
            clock: Default::default(),
            metrics: Default::default(),
            server_id: server_id.into(),
        }));
        Ok(Application {
            listener,
            address,
            metrics_listener,
            router: router(state.clone()),
            state,
            db,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The separate address serving `/metrics`, when `OCOP_METRICS_BIND` set one.
    pub fn metrics_address(&self) -> Option<SocketAddr> {
        self.metrics_listener.as_ref().map(|(_, a)| *a)
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// What request handlers share (tests drive background work through it).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until Ctrl-C or SIGTERM, letting requests in flight finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `stop` completes, then stops accepting connections and finishes the
    /// requests in flight before returning.
    pub async fn run_until(
        self,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        // The background work lives exactly as long as serving: a JoinSet aborts its tasks when
        // dropped, so they also end when this future is dropped half-way (a crash in the tests)
        // or serving fails, never outliving the server that started them.
        let mut background = tokio::task::JoinSet::new();
        // Unpaid orders expire and refunds go out from one server at a time; see `payments::tasks`.
        background.spawn(crate::payments::tasks::run(self.state.clone()));
        // The index follows the database, written by one server at a time (`search::indexer`).
        background.spawn(crate::search::indexer::run(
            self.db.clone(),
            self.state.search.clone(),
            self.state.search_writer.clone(),
            self.state.server_id.clone(),
        ));
        // Notices by email, SMS and Zalo go out from every server; see `notify::dispatch`.
        background.spawn(crate::notify::dispatch::run(self.state.clone()));
        background.spawn(crate::servers::beat(
            self.db.clone(),
            self.state.server_id.to_string(),
            crate::servers::place(&self.state.settings.data_dir),
            crate::servers::search_kind(&self.state.settings.search),
        ));
        if let Some((listener, _)) = self.metrics_listener {
            let router = crate::metrics::router(self.state.clone());
            background.spawn(async move {
                if let Err(e) = axum::serve(listener, router).await {
                    tracing::error!(error = %e, "the metrics address stopped serving");
                }
            });
        }
        let limits = self.state.settings.limits.clone();
        let served = crate::serve::serve(self.listener, self.router, limits, stop).await;
        background.shutdown().await;
        if let Err(e) = app::servers::leave(&self.db, &self.state.server_id).await {
            tracing::warn!(error = %e, "could not record that this server stopped");
        }
        self.db.close().await;
        served
    }
}

/// The site's routes, listed once per process. Listing them renders the app with resource
/// loading suppressed through a process-wide flag (leptos_server 0.8), and a page whose first
/// resource is polled meanwhile, in another server of the same process, waits forever: the tests
/// start hundreds of servers in one process while others answer pages (leptos #4773).
fn routes() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

fn router(state: AppState) -> Router {
    let routes = routes();
    let db = state.db.clone();
    let search = state.search.clone();
    let public_url = PublicUrl(state.public_url.clone());
    let cards = app::shop::pages::checkout::CardsAccepted(state.payments.stripe.is_some());
    let vnpay = app::shop::pages::checkout::VnpayAccepted(state.payments.vnpay.is_some());
    let quoter = state.carriers.quoter();
    let code_channels = state.code_channels();
    let operator = state.operator.clone();
    let related = state.related.clone();
    let stylesheet = state
        .assets
        .as_ref()
        .map(|a| app::assets::StylesheetHref(a.stylesheet.as_str().into()));
    // What every page's render finds in its context (the routes' and the not-found page's).
    let context = move || {
        provide_context(db.clone());
        provide_context(search.clone());
        provide_context(public_url.clone());
        provide_context(cards);
        provide_context(quoter.clone());
        provide_context(code_channels);
        provide_context(vnpay);
        provide_context(operator.clone());
        provide_context(related.clone());
        if let Some(href) = &stylesheet {
            provide_context(href.clone());
        }
    };
    // From the folder or the bucket; a key never changes what it holds (see `photos::media`).
    let media = Router::new()
        .route("/{*key}", get(crate::photos::media::serve))
        .with_state(state.media.clone());
    let metrics_here = state.settings.metrics.token.is_some();
    let site = Router::new()
        .route("/healthz", get(routes::health::healthz))
        .route("/lang", post(routes::lang::set_language))
        .merge(crate::auth::router())
        .merge(crate::api::router())
        .merge(crate::catalog::router())
        .merge(crate::diary::router())
        .merge(crate::care::router())
        .merge(crate::legal::router())
        .merge(crate::privacy::router())
        .merge(crate::reviews::router())
        .merge(crate::returns::router())
        .merge(crate::seller::router())
        .merge(crate::shop::router())
        .merge(crate::shipping::router())
        .merge(crate::address::router())
        .merge(crate::officer::router())
        .merge(crate::admin::router())
        .merge(crate::notify::router())
        .merge(crate::farm_tokens::router())
        .merge(crate::bank_feed::router())
        .merge(crate::ledger::router())
        .merge(crate::payments::router())
        .route("/sitemap.xml", get(routes::seo::sitemap))
        .route("/robots.txt", get(routes::seo::robots));
    // On the site's own address only for holders of the token (see `metrics`).
    let site = if metrics_here {
        site.route("/metrics", get(crate::metrics::scrape))
    } else {
        site
    };
    // The islands' script, wasm and the stylesheet; the rest of `/pkg` (wasm-bindgen's
    // snippets) falls through to the static files.
    let site = match state.assets.clone() {
        Some(assets) => site.nest(
            "/pkg",
            Router::new()
                .route("/{file}", get(crate::assets::serve))
                .with_state(assets),
        ),
        None => site,
    };
    site.nest("/media", media)
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        // The not-found page has the same context: its footer names the operator too.
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        // A storage fault a handler met (a full disk) is recorded for `/healthz`.
        .layer(middleware::map_response_with_state(
            state.clone(),
            crate::api::error::note_storage_fault,
        ))
        // Outermost first: the session and token are known before the forgery check runs.
        .layer(middleware::from_fn_with_state(state.clone(), csrf::protect))
        // Between the two: it knows who asked, and sees the forgery check's refusals too.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::auth::refusals::log,
        ))
        // Inside the session: an upload counts against who is signed in.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::deadline::per_caller,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), session::load))
        // Before anything reads the request: no control or invisible characters in any text.
        .layer(middleware::from_fn(crate::boundary::refuse_hidden_text))
        .layer(CompressionLayer::new())
        // Pages set their own policy (with the response's script nonce); the rest gets the
        // strictest one. Browsers must not guess types, frame the site or leak full URLs.
        .layer(middleware::map_response(non_page_policy))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        // Private answers are never cached (the rule is in `auth::no_store`).
        .layer(middleware::from_fn(no_store::protect))
        // No request may hold a connection forever (a stuck query, a slow client); an upload
        // is timed by its silence instead (see `deadline`).
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::deadline::limit,
        ))
        // Every request is counted and timed, refusals and time-outs included.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::metrics::record,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The strictest policy for responses that are not pages and carry none. HTML is left alone:
/// a page carries its own policy with its script nonce, and the strict one would stop it
/// hydrating.
async fn non_page_policy(mut response: axum::response::Response) -> axum::response::Response {
    let headers = response.headers_mut();
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if !html && !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(app::security::NON_PAGE_POLICY),
        );
    }
    response
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
