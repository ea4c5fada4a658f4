//! Settings from the command line and the environment, with embedded defaults.

use std::{
    net::{IpAddr, SocketAddr},
    path::PathBuf,
    time::Duration,
};

use app::shop::rules::order::PaymentWindows;
use leptos::config::LeptosOptions;

/// Everything the server needs to start.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Where the SQLite file, the search index and uploaded photos live by default.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    pub bind: SocketAddr,
    /// Where the public reaches the site (`https://dacsan.hungyen.example`), for absolute links
    /// in the sitemap; `None`: `http://` + the bound address.
    pub public_url: Option<String>,
    pub leptos: LeptosOptions,
    pub payments: PaymentSettings,
    /// Where the carriers' APIs are (`GHN_API_BASE`, `GHTK_API_BASE`; tests point them at fakes).
    pub carriers: crate::shipping::CarrierSettings,
    pub search: crate::search::SearchSettings,
    /// The reverse proxies whose `X-Forwarded-For` is believed (`OCOP_TRUSTED_PROXY`).
    pub trusted_proxies: TrustedProxies,
    pub limits: Limits,
    /// Notices by email, SMS and Zalo (`SMTP_URL`, `ESMS_*`, `ZALO_ZNS_*`).
    pub notify: crate::notify::channels::NotifySettings,
    /// The key that signs the diary's daily checkpoints (`OCOP_SIGNING_KEY`); none: unsigned.
    pub signing_key: Option<crate::diary::checkpoints::SigningKey>,
    /// What sprayings are read against: the plant-protection register shipped with the site,
    /// with the permitted-list rows of `OCOP_PLANT_REGISTER` added ([`plant_register`]).
    pub plant_register: std::sync::Arc<app::diary::register::Register>,
    /// Who may read `/metrics`, and on which address (`OCOP_METRICS_TOKEN`, `OCOP_METRICS_BIND`).
    pub metrics: crate::metrics::MetricsSettings,
    /// Where photos are kept (`OCOP_MEDIA_URL`): the media folder, or a bucket.
    pub media: crate::photos::media::MediaSettings,
}

/// The shipped plant-protection register, with the permitted-list rows of the CSV file at
/// `extra` (`OCOP_PLANT_REGISTER`: rows a deployment confirmed, columns as the shipped
/// `permitted.csv`). A file that does not read stops the server.
pub fn plant_register(
    extra: Option<&std::path::Path>,
) -> anyhow::Result<std::sync::Arc<app::diary::register::Register>> {
    use anyhow::Context;
    let shipped = app::diary::register::Register::embedded()?;
    let Some(path) = extra else {
        return Ok(std::sync::Arc::new(shipped.clone()));
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading OCOP_PLANT_REGISTER ({})", path.display()))?;
    Ok(std::sync::Arc::new(
        shipped.with_permitted("OCOP_PLANT_REGISTER", &text)?,
    ))
}

/// What one server gives its clients at most, so that many slow or idle connections, or a few
/// huge photos, cannot take the memory or the open files every other request needs.
#[derive(Clone, Debug)]
pub struct Limits {
    /// A request's head (request line and headers) must arrive within this, counted from its
    /// first byte: a client that dribbles its headers is cut off.
    pub header_timeout: Duration,
    /// How long a connection may stay silent waiting for its next request (or its first).
    pub idle_timeout: Duration,
    /// Connections served at once; the next ones wait in the listen queue until one closes.
    pub max_connections: usize,
    /// Photos decoded at once (each can take ~100 MB while decoded).
    pub photo_decodes: usize,
    /// How long an upload waits for a decoding slot before it is answered 503.
    pub photo_queue_wait: Duration,
    /// Database connections open at once; `None`: [`app::db::default_connections`].
    pub db_connections: Option<u32>,
    /// How long the rest of a request body is still read, and thrown away, after it was
    /// answered without reading it all (see `serve::Lingering`).
    pub linger: Duration,
    /// How long any request but an upload may take before it is answered 503 (`deadline`).
    pub request_timeout: Duration,
    /// How long an upload (a multipart form) may take in all: photos over a weak line.
    pub upload_timeout: Duration,
    /// An upload bringing under `upload_min_bytes` of its body in this long is cut off.
    pub upload_silence: Duration,
    pub upload_min_bytes: usize,
}

impl Limits {
    /// One photo decoded at a time per core.
    pub fn default_photo_decodes() -> usize {
        std::thread::available_parallelism().map_or(1, usize::from)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: Duration::from_secs(DEFAULT_HEADER_TIMEOUT_SECS),
            idle_timeout: Duration::from_secs(DEFAULT_IDLE_TIMEOUT_SECS),
            max_connections: DEFAULT_MAX_CONNECTIONS,
            photo_decodes: Limits::default_photo_decodes(),
            photo_queue_wait: Duration::from_secs(DEFAULT_PHOTO_QUEUE_SECS),
            linger: DEFAULT_LINGER,
            db_connections: None,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            upload_timeout: DEFAULT_UPLOAD_TIMEOUT,
            upload_silence: DEFAULT_UPLOAD_SILENCE,
            upload_min_bytes: DEFAULT_UPLOAD_MIN_BYTES,
        }
    }
}

/// The longest any request but an upload may take before it is answered 503.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// A form's eight photos of 20 MB at 400 kbit/s, a weak 3G uplink, take about 55 minutes.
pub const DEFAULT_UPLOAD_TIMEOUT: Duration = Duration::from_secs(60 * 60);
/// A phone that lost its signal for this long has lost the upload; its connection is freed.
pub const DEFAULT_UPLOAD_SILENCE: Duration = Duration::from_secs(30);
/// 16 KiB in 30 s (about 4 kbit/s): any line that works brings more, a drip does not.
pub const DEFAULT_UPLOAD_MIN_BYTES: usize = 16 * 1024;
/// Ample for a phone on a poor network: a request head is a few KB.
pub const DEFAULT_HEADER_TIMEOUT_SECS: u64 = 15;
/// Longer than the 60 s nginx keeps idle upstream connections, so a reverse proxy never reuses
/// a connection the server is closing.
pub const DEFAULT_IDLE_TIMEOUT_SECS: u64 = 75;
/// Well under the usual 1,024 open files, leaving room for the database, the search index and
/// the photos being served.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;
/// A waiting upload is answered 503 with `Retry-After` rather than held for its whole time.
pub const DEFAULT_PHOTO_QUEUE_SECS: u64 = 20;

/// As nginx's `lingering_time`: time for a phone to finish sending a photo it was refused.
pub const DEFAULT_LINGER: Duration = Duration::from_secs(30);

/// How long unpaid orders keep their stock, and the card provider when there is one.
#[derive(Clone, Debug, Default)]
pub struct PaymentSettings {
    pub windows: PaymentWindows,
    pub stripe: Option<StripeSettings>,
    /// How the bank-feed webhook authenticates (`BANK_FEED_API_KEY`, `BANK_FEED_HMAC_SECRET`).
    pub bank_feed: crate::bank_feed::BankFeedAuth,
    /// `None`: VNPay is not offered.
    pub vnpay: Option<VnpaySettings>,
}

/// A VNPay merchant account (`VNPAY_TMN_CODE`, `VNPAY_HASH_SECRET`, `VNPAY_URL`).
#[derive(Clone)]
pub struct VnpaySettings {
    pub tmn_code: String,
    pub hash_secret: String,
    /// The payment page, e.g. https://sandbox.vnpayment.vn/paymentv2/vpcpay.html.
    pub pay_url: String,
    /// The transaction API (querydr, refund); `None`: the one of `pay_url`'s environment.
    pub api_url: Option<String>,
}

impl std::fmt::Debug for VnpaySettings {
    // Secrets stay out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VnpaySettings")
            .field("tmn_code", &self.tmn_code)
            .field("pay_url", &self.pay_url)
            .field("api_url", &self.api_url)
            .finish_non_exhaustive()
    }
}

#[derive(Clone)]
pub struct StripeSettings {
    pub secret_key: String,
    pub webhook_secret: String,
    /// `None`: Stripe's own API.
    pub api_base: Option<String>,
}

impl std::fmt::Debug for StripeSettings {
    // Secrets stay out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeSettings")
            .field("api_base", &self.api_base)
            .finish_non_exhaustive()
    }
}

impl Settings {
    /// The default database: a SQLite file under the data dir.
    pub fn default_database_url(data_dir: &std::path::Path) -> String {
        format!("sqlite://{}", data_dir.join("ocop.db").display())
    }

    /// Uploaded and generated images.
    pub fn media_dir(&self) -> PathBuf {
        self.data_dir.join("media")
    }
}

/// The reverse proxies in front of the site (`OCOP_TRUSTED_PROXY`): a comma-separated list of
/// addresses or CIDR ranges, e.g. `127.0.0.1`, `10.0.0.0/8, ::1`. A request whose TCP peer is
/// one of them is taken to come from the right-most `X-Forwarded-For` entry that is not itself
/// a trusted proxy; from any other peer the header is ignored (anyone can send it). Empty: the
/// TCP peer is the client.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TrustedProxies {
    pub fn parse(text: &str) -> Result<TrustedProxies, String> {
        let mut ranges = vec![];
        for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (addr, bits) = match item.split_once('/') {
                Some((a, b)) => (a, Some(b)),
                None => (item, None),
            };
            let addr: IpAddr = addr
                .parse()
                .map_err(|_| format!("OCOP_TRUSTED_PROXY: {item:?} is not an IP address"))?;
            let max = if addr.is_ipv4() { 32 } else { 128 };
            let bits = match bits {
                None => max,
                Some(b) => b.parse::<u8>().ok().filter(|b| *b <= max).ok_or_else(|| {
                    format!("OCOP_TRUSTED_PROXY: {item:?} has a bad prefix length")
                })?,
            };
            ranges.push((addr, bits));
        }
        Ok(TrustedProxies(ranges))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `ip` is one of the trusted proxies (an IPv4-mapped IPv6 address counts as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|(net, bits)| match (net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(*bits)).unwrap_or(0);
                u32::from(*n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(*bits)).unwrap_or(0);
                u128::from(*n) & mask == u128::from(a) & mask
            }
            _ => false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::TrustedProxies;

    #[test]
    fn the_plant_register_reads_its_extra_rows_or_stops_the_server() {
        let shipped = super::plant_register(None).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("extra.csv");
        std::fs::write(
            &path,
            "ingredient,crop,target,phi_days,source,evidence\n\
             Abamectin,nhãn,nhện lông nhung,7,Nhãn đăng ký (thử),thử\n",
        )
        .unwrap();
        let extended = super::plant_register(Some(&path)).unwrap();
        assert_eq!(extended.permitted().len(), shipped.permitted().len() + 1);
        std::fs::write(&path, "ingredient,crop\nParaquat,nhãn\n").unwrap();
        let bad = super::plant_register(Some(&path)).unwrap_err().to_string();
        assert!(bad.contains("OCOP_PLANT_REGISTER"), "{bad}");
        assert!(super::plant_register(Some(&dir.path().join("missing.csv"))).is_err());
    }

    #[test]
    fn trusted_proxies_are_addresses_or_ranges() {
        let p = TrustedProxies::parse(" 10.0.0.0/8, 127.0.0.1 ,::1").unwrap();
        for yes in ["10.1.2.3", "127.0.0.1", "::1", "::ffff:10.9.9.9"] {
            assert!(p.contains(yes.parse().unwrap()), "{yes}");
        }
        for no in ["11.0.0.1", "127.0.0.2", "::2"] {
            assert!(!p.contains(no.parse().unwrap()), "{no}");
        }
        assert!(TrustedProxies::parse("").unwrap().is_empty());
        assert!(
            TrustedProxies::parse("0.0.0.0/0")
                .unwrap()
                .contains("8.8.8.8".parse().unwrap())
        );
        for bad in ["proxy.example", "10.0.0.0/33", "::1/200", "1.2.3.4/x"] {
            assert!(TrustedProxies::parse(bad).is_err(), "{bad}");
        }
    }
}
