# Installs, when missing, the tools the build needs. Sourced by scripts/serve and scripts/test;
# every step checks first, so running it again is quick and changes nothing.
#
# Nothing here downloads a binary from GitHub (this network reaches only package registries):
# cargo-leptos is built with `no_downloads`, wasm-bindgen-cli is built from crates.io at the
# version in Cargo.lock, wasm-opt comes from npm's binaryen (Debian's 108 breaks hydration).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARGO_LEPTOS_VERSION="0.3.10"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Runs a step and reports how long it took: build times are part of what we watch.
timed() {
  local label="$1" start=$SECONDS rc=0
  shift
  # The command's status is the caller's answer, not the timing line's.
  "$@" || rc=$?
  say "$label: $((SECONDS - start)) s"
  return "$rc"
}

# Root installs with apt directly; anyone else through sudo. Only called when something is missing.
apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@"
}

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_cargo_leptos() {
  if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (builds from source; ~20 minutes on 2 cores, once)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
  fi
}

ensure_wasm_bindgen() {
  local want
  want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' "$ROOT/Cargo.lock")"
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
    say "installing wasm-bindgen-cli $want (the version in Cargo.lock)"
    # --locked can fail when the registry copy lags the crate's own lock file; then retry without.
    cargo install wasm-bindgen-cli --version "$want" --locked || cargo install wasm-bindgen-cli --version "$want"
  fi
}

ensure_node() {
  if ! command -v npm >/dev/null 2>&1; then
    say "installing Node.js and npm from Debian"
    apt_install nodejs npm
  fi
}

# npm packages of the build (binaryen's wasm-opt), pinned by scripts/package-lock.json.
ensure_node_packages() {
  ensure_node
  if [ ! -x "$ROOT/scripts/node_modules/.bin/wasm-opt" ] \
     || [ ! -d "$ROOT/scripts/node_modules/playwright-core" ] \
     || [ "$ROOT/scripts/package-lock.json" -nt "$ROOT/scripts/node_modules/.package-lock.json" ]; then
    say "installing npm packages (scripts/package.json)"
    (cd "$ROOT/scripts" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  export PATH="$ROOT/scripts/node_modules/.bin:$PATH"
}

# The browser the journey tests drive (never a downloaded one: `playwright install` needs GitHub).
ensure_chromium() {
  if ! command -v chromium >/dev/null 2>&1; then
    say "installing Chromium from Debian (browser journeys)"
    apt_install chromium
  fi
}

# Lighthouse for scripts/bench's page audit, pinned by scripts/lighthouse/package-lock.json; it
# drives Debian's Chromium (CHROME_PATH), so no browser is downloaded. Only the bench needs it.
ensure_lighthouse() {
  ensure_node
  ensure_chromium
  local dir="$ROOT/scripts/lighthouse"
  if [ ! -x "$dir/node_modules/.bin/lighthouse" ] \
     || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "installing Lighthouse (scripts/lighthouse/package.json)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  export LIGHTHOUSE="$dir/node_modules/.bin/lighthouse"
  export CHROME_PATH="$(command -v chromium)"
}

ensure_s3_server() {
  # moto in server mode (PyPI): a real S3 API over HTTP for the photo storage tests. In a venv of
  # its own under the tools cache; MOTO_BIN tells scripts/test where it is.
  local venv="${XDG_CACHE_HOME:-$HOME/.cache}/ocop-tools/moto-5.2.5"
  if [ ! -x "$venv/bin/moto_server" ]; then
    if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
      say "installing Python's venv from Debian (for the S3 test server)"
      apt_install python3 python3-venv
    fi
    say "installing moto 5.2.5 from PyPI (an S3 server for the photo storage tests)"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "moto[server]==5.2.5"
  fi
  export MOTO_BIN="$venv/bin/moto_server"
}

ensure_deploy_checkers() {
  # `nginx -t` checks deploy/nginx.conf. The package is unpacked, not installed, so no web
  # server is started on the machine; NGINX_BIN tells the test where it is.
  if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
    export NGINX_BIN="$(command -v nginx || echo /usr/sbin/nginx)"
    return
  fi
  local dir="${XDG_CACHE_HOME:-$HOME/.cache}/ocop-tools/nginx"
  if [ ! -x "$dir/usr/sbin/nginx" ]; then
    say "unpacking nginx from Debian (to check deploy/nginx.conf; never started)"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    mkdir -p "$dir"
    (cd "$dir" && apt-get download -qq nginx && dpkg-deb -x nginx_*.deb "$dir" && rm -f nginx_*.deb)
  fi
  export NGINX_BIN="$dir/usr/sbin/nginx"
}

# cargo-fuzz (scripts/fuzz) from crates.io; it drives libFuzzer, which libfuzzer-sys builds with cc.
CARGO_FUZZ_VERSION="0.13.2"
ensure_cargo_fuzz() {
  if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" != "$CARGO_FUZZ_VERSION" ]; then
    say "installing cargo-fuzz $CARGO_FUZZ_VERSION (builds from source; ~2 minutes, once)"
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
  fi
}

ensure_build_tools() {
  ensure_wasm_target
  ensure_cargo_leptos
  ensure_wasm_bindgen
  ensure_node_packages
}
