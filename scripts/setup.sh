#!/usr/bin/env bash
# Provisions what a fresh Debian/Ubuntu machine lacks for Backend Benchmark Lab. Idempotent:
# every step checks first and skips what is already there. Safe to run again at any time.
#
#   bash scripts/setup.sh            # install what is missing
#   SETUP_SKIP_K6=1 bash scripts/setup.sh   # skip building k6 (tests do not need it yet)
#   SETUP_SKIP_PROMETHEUS=1 bash scripts/setup.sh   # skip the optional Debian prometheus
#
# Installs: Node >= 22.22 (npm package node@24) when `node` is older, pnpm 12, Debian packages
# postgresql (fallback server binaries; the default ones come from npm), redis-server, wrk,
# optionally prometheus (a real Prometheus for test/metrics-prometheus.test.ts), uv (pinned, from
# PyPI) with the Python targets' environment (.venv from uv.lock) and Schemathesis for the
# contract fuzzing (src/conformance/fuzz/uv.lock), k6 built from source with Go >= 1.25, and the
# Go targets' binaries (build/go/, SETUP_SKIP_GO=1 skips them).
set -euo pipefail

K6_VERSION="${K6_VERSION:-v2.2.0}"
PNPM_MAJOR=12
UV_VERSION=0.13.9
export PATH="/usr/local/bin:/usr/local/go/bin:${HOME}/go/bin:${PATH}"

say() { printf '[setup] %s\n' "$*"; }
fail() {
  printf '[setup] ERROR: %s\n' "$*" >&2
  exit 1
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    fail "need root for: $* (run this script as root or install sudo)"
  fi
}

# --- Node -------------------------------------------------------------------------------------
# engines: ^22.22.0 || ^24 || >=26 (vitest 5 skips Node 23/25; testcontainers 12 needs 22.22).
node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e '
    const [maj, min] = process.versions.node.split(".").map(Number);
    process.exit((maj === 22 && min >= 22) || maj === 24 || maj >= 26 ? 0 : 1);'
}
if node_ok; then
  say "node $(node --version): ok"
else
  command -v npm >/dev/null 2>&1 || {
    say "npm missing: installing Debian nodejs + npm to bootstrap"
    as_root apt-get update -qq && as_root apt-get install -y -qq nodejs npm
  }
  say "node ${NODE_VERSION:-$(node --version 2>/dev/null || echo none)} is too old: installing node@24 into /usr/local"
  # /usr/local/bin precedes /usr/bin on PATH, so the system node stays untouched.
  as_root npm install -g --prefix /usr/local node@24
  hash -r
  node_ok || fail "node is still $(node --version) after installing node@24; is /usr/local/bin first on PATH?"
  say "node $(node --version): installed"
fi

# --- pnpm -------------------------------------------------------------------------------------
if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version | cut -d. -f1)" -ge "$PNPM_MAJOR" ]; then
  say "pnpm $(pnpm --version): ok"
else
  as_root npm install -g --prefix /usr/local "pnpm@${PNPM_MAJOR}"
  hash -r
  say "pnpm $(pnpm --version): installed"
fi

# --- Debian packages --------------------------------------------------------------------------
missing=()
for pkg in postgresql redis-server wrk; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -eq 0 ]; then
  say "postgresql, redis-server, wrk: ok"
else
  command -v apt-get >/dev/null 2>&1 ||
    fail "missing ${missing[*]} and no apt-get: install them with your package manager"
  say "installing ${missing[*]}"
  as_root apt-get update -qq
  # The Debian packages start system services on install; the lab never uses them.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  say "installed ${missing[*]}"
fi

# --- Chromium ---------------------------------------------------------------------------------
# test/report-html.test.ts opens the HTML report in Debian's headless chromium through
# playwright-core, which never downloads a browser of its own (LAB_CHROMIUM: another binary).
if dpkg-query -W -f='${Status}' chromium 2>/dev/null | grep -q 'install ok installed'; then
  say "chromium: ok"
else
  command -v apt-get >/dev/null 2>&1 ||
    fail "missing chromium and no apt-get: install Chromium and set LAB_CHROMIUM to its binary"
  say "installing chromium (headless browser for the HTML report test)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  say "installed chromium"
fi

# --- Prometheus (optional) --------------------------------------------------------------------
# Only test/metrics-prometheus.test.ts uses it (a real Prometheus scraping a target started with
# LAB_METRICS=1; skipped without it), so a failure here is a warning, never an error. The package
# starts a system Prometheus on :9090: stopped and disabled, the lab runs its own throwaway ones.
if [ -n "${SETUP_SKIP_PROMETHEUS:-}" ]; then
  say "prometheus: skipped (SETUP_SKIP_PROMETHEUS set)"
elif command -v prometheus >/dev/null 2>&1; then
  say "$(prometheus --version 2>&1 | head -n1): ok"
elif ! command -v apt-get >/dev/null 2>&1; then
  say "prometheus: not installed (optional; no apt-get): test/metrics-prometheus.test.ts will skip"
else
  say "installing prometheus (optional)"
  if { as_root apt-get update -qq &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }; then
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
      as_root systemctl disable --now prometheus >/dev/null 2>&1 || true
    elif [ -x /etc/init.d/prometheus ]; then
      as_root /etc/init.d/prometheus stop >/dev/null 2>&1 || true
      as_root update-rc.d prometheus disable >/dev/null 2>&1 || true
    fi
    say "$(prometheus --version 2>&1 | head -n1): installed (system service stopped)"
  else
    say "WARNING: could not install prometheus (optional): test/metrics-prometheus.test.ts will skip"
  fi
fi

# --- uv (Python environments) -----------------------------------------------------------------
# One pinned uv for every Python environment of the lab (the Python targets, the contract fuzzer),
# installed with the machine's Python 3.11 and run as `python3 -m uv`, so no PATH entry is needed.
# Python itself is never downloaded: UV_PYTHON_DOWNLOADS=never.
export UV_PYTHON_DOWNLOADS=never
command -v python3 >/dev/null 2>&1 || fail "python3 (3.11) is required for uv, the Python targets and the contract fuzzer"
if [ "$(python3 -m uv --version 2>/dev/null | cut -d' ' -f2)" = "$UV_VERSION" ]; then
  say "uv ${UV_VERSION}: ok"
else
  say "installing uv ${UV_VERSION} (python3 -m pip)"
  python3 -m pip install --quiet --root-user-action=ignore --disable-pip-version-check "uv==${UV_VERSION}" ||
    fail "could not install uv==${UV_VERSION} with $(python3 --version 2>&1)'s pip"
  say "$(python3 -m uv --version): installed"
fi

# --- Python targets ---------------------------------------------------------------------------
# One environment for src/targets/{fastapi,fastapi-strict,django,flask}: .venv from uv.lock
# (every version and hash pinned) on the Python that .python-version pins (3.11). uv never
# downloads an interpreter here, and nothing is fetched when a target runs.
if UV_PYTHON_DOWNLOADS=never python3 -m uv sync --frozen --check --quiet 2>/dev/null; then
  say "Python targets (.venv from uv.lock): ok"
elif UV_PYTHON_DOWNLOADS=never python3 -m uv sync --frozen --compile-bytecode --quiet; then
  say "Python targets (.venv from uv.lock): installed"
else
  fail "could not create .venv from uv.lock: it needs Python 3.11 (python3.11 on PATH or in pyenv: \`pyenv install 3.11\`, or apt-get install python3.11), then run this script again"
fi

# --- k6 ---------------------------------------------------------------------------------------
if [ -n "${SETUP_SKIP_K6:-}" ]; then
  say "k6: skipped (SETUP_SKIP_K6 set)"
elif [ -n "${K6_BIN:-}" ] && [ -x "${K6_BIN}" ]; then
  say "k6 from K6_BIN=${K6_BIN}: ok"
elif command -v k6 >/dev/null 2>&1; then
  say "$(k6 version | head -n1): ok"
else
  command -v go >/dev/null 2>&1 || fail "k6 needs Go >= 1.25 to build: install Go (https://go.dev/dl) or set SETUP_SKIP_K6=1"
  go_minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
  [ "$go_minor" -ge 25 ] || fail "k6 ${K6_VERSION} needs Go >= 1.25, found $(go env GOVERSION)"
  say "building k6 ${K6_VERSION} with $(go env GOVERSION) (a minute or two)"
  # Not `go install go.k6.io/k6/v2@…`: it also asks the proxy for the module's version list (a
  # deprecation check), which the Go proxy does not serve for k6's /v2 path, so it fails. We fetch
  # the pinned module and build it in place instead: same source, same result.
  export GOPROXY="${GOPROXY:-https://proxy.golang.org}"
  k6_src=$(go mod download -json "go.k6.io/k6/v2@${K6_VERSION}" | sed -nE 's/^\s*"Dir": "(.*)",?$/\1/p')
  [ -n "$k6_src" ] || fail "could not download go.k6.io/k6/v2@${K6_VERSION} from ${GOPROXY}"
  gobin="$(go env GOPATH)/bin"
  mkdir -p "$gobin"
  (cd "$k6_src" && GOFLAGS=-mod=mod go build -trimpath -o "$gobin/k6" .)
  if [ "$(id -u)" -eq 0 ]; then ln -sf "$gobin/k6" /usr/local/bin/k6; fi
  say "$("$gobin/k6" version | head -n1): installed at $gobin/k6"
fi

# --- Go targets ---------------------------------------------------------------------------------
# Every manifest with `language: go` (src/targets/gin, src/targets/fiber; shared module
# src/targets/go-shared) is its own Go module with a committed go.sum. Its modules are
# downloaded into the module cache here, so that `pnpm build:targets` (which runs the same
# `go build` from the manifest) and the tests work offline afterwards. Rebuilt only when a Go
# source, go.mod or go.sum changed, the Go version changed, or a binary is missing.
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
go_targets=()
for manifest in "$repo_root"/src/targets/*/target.yaml; do
  if grep -qE '^language:[[:space:]]*go[[:space:]]*$' "$manifest"; then go_targets+=("$(dirname "$manifest")"); fi
done
if [ -n "${SETUP_SKIP_GO:-}" ]; then
  say "Go targets: skipped (SETUP_SKIP_GO set)"
elif [ "${#go_targets[@]}" -eq 0 ]; then
  say "Go targets: none"
else
  command -v go >/dev/null 2>&1 ||
    fail "the Go targets need Go >= 1.25: install it (https://go.dev/dl, into /usr/local/go) or set SETUP_SKIP_GO=1"
  go_minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
  [ "$go_minor" -ge 25 ] ||
    fail "the Go targets need Go >= 1.25, found $(go env GOVERSION): install a newer one (https://go.dev/dl) or set SETUP_SKIP_GO=1"
  export GOTOOLCHAIN=local # never download another toolchain
  go_out="$repo_root/build/go"
  stamp="$go_out/.sources.sha256"
  sources=$(cd "$repo_root" &&
    { go env GOVERSION; find src/targets \( -name '*.go' -o -name go.mod -o -name go.sum \) -type f -print0 |
      sort -z | xargs -0 sha256sum; } | sha256sum | cut -d' ' -f1)
  missing_bin=""
  for dir in "${go_targets[@]}"; do
    [ -x "$go_out/$(basename "$dir")" ] || missing_bin=1
  done
  if [ -z "$missing_bin" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sources" ]; then
    say "Go targets ($(go env GOVERSION)): up to date in build/go"
  else
    mkdir -p "$go_out"
    for dir in "${go_targets[@]}"; do
      name=$(basename "$dir")
      say "Go target $name: go mod download + go build ($(go env GOVERSION))"
      (cd "$dir" && go mod download && go build -trimpath -o "$go_out/$name" .) ||
        fail "building the Go target $name failed (see above); fix it, or set SETUP_SKIP_GO=1"
    done
    printf '%s\n' "$sources" >"$stamp"
    say "Go targets: built in build/go"
  fi
fi

# --- Schemathesis (contract fuzzing) -----------------------------------------------------------
# src/conformance/fuzz/: its own uv project, installed exactly as uv.lock says into its .venv
# (uv sync is a no-op when the environment already matches the lock).
fuzz_dir="$(cd "$(dirname "$0")/.." && pwd)/src/conformance/fuzz"
python3 -m uv sync --quiet --frozen --project "$fuzz_dir" --python python3 ||
  fail "uv sync --frozen failed in ${fuzz_dir} (needs Python 3.11 as python3)"
say "$("$fuzz_dir/.venv/bin/st" --version 2>&1 | head -n1): ok (${fuzz_dir}/.venv)"

say "done"
