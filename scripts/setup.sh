#!/usr/bin/env bash
# Prepare this checkout to run: system packages (as root), .venv with the pinned dependencies,
# compiled translations. Idempotent; a second run takes about a second.
#
#   scripts/setup.sh            # what ./scripts/run needs
#   scripts/setup.sh --browser  # also Chromium + a CJK font, and axe-core + vnu-jar (npm, Java) for the browser tests
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

BROWSER=0
for arg in "$@"; do
    case "$arg" in
        --browser) BROWSER=1 ;;
        -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
        *) echo "setup.sh: unknown option: $arg" >&2; exit 2 ;;
    esac
done

say() { echo "[setup] $*"; }
warn() { echo "[setup] warning: $*" >&2; }

# ---------------------------------------------------------------- system packages (Debian)
APT_UPDATED=0
apt_install() {  # apt_install PKG... : install the given packages that are not installed yet
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
        warn "missing system packages: ${missing[*]} (not root or no apt-get: install them yourself)"
        return 0
    fi
    say "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if [ "$APT_UPDATED" -eq 0 ]; then
        apt-get -o DPkg::Lock::Timeout=600 update -qq
        APT_UPDATED=1
    fi
    apt-get -o DPkg::Lock::Timeout=600 -o Dpkg::Use-Pty=0 install -y -qq --no-install-recommends "${missing[@]}"
}

if command -v dpkg-query >/dev/null; then
    # gettext: compilemessages/makemessages; pango: WeasyPrint; poppler-utils: pdffonts in tests
    apt_install gettext libpango-1.0-0 libpangoft2-1.0-0 poppler-utils
    if [ "$BROWSER" -eq 1 ] && [ ! -x /usr/bin/chromium ]; then
        apt_install chromium chromium-driver fonts-wqy-microhei
    fi
else
    warn "not a Debian system: install gettext, Pango and poppler-utils yourself"
fi

# ---------------------------------------------------------------- browser-test checkers (npm)
# axe-core (accessibility) and vnu-jar (the Nu HTML checker, needs Java), pinned in
# tests/browser/vendor/package.json + package-lock.json, installed into tests/browser/vendor/node_modules.
if [ "$BROWSER" -eq 1 ]; then
    if command -v dpkg-query >/dev/null; then
        command -v npm >/dev/null || apt_install nodejs npm
        command -v java >/dev/null || apt_install default-jre-headless
    fi
    VENDOR=$ROOT/tests/browser/vendor
    NPM_STAMP=$VENDOR/node_modules/.setup-lock.sha256
    NPM_WANT=$(sha256sum "$VENDOR/package-lock.json" | cut -d' ' -f1)
    if [ "$(cat "$NPM_STAMP" 2>/dev/null)" != "$NPM_WANT" ]; then
        if command -v npm >/dev/null; then
            say "installing axe-core and vnu-jar (npm ci in tests/browser/vendor)"
            # --ignore-scripts: vnu-jar's postinstall only looks for a Java; the jar is in the package
            (cd "$VENDOR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
            echo "$NPM_WANT" > "$NPM_STAMP"
        else
            warn "npm missing: the accessibility and HTML checks (tests/browser) cannot run"
        fi
    fi
fi

# ---------------------------------------------------------------- Python virtualenv
# Any Python from 3.11 to 3.13 (pyproject.toml's requires-python). PYTHON=python3.13 picks one;
# otherwise the machine's own python3 when it is in range (what CI runs on), else the newest of
# python3.13, python3.12, python3.11 found. An existing .venv on an in-range Python is kept.
in_range() { "$1" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' 2>/dev/null; }
VENV=$ROOT/.venv
PY=$VENV/bin/python
venv_ok() {
    [ -x "$PY" ] && in_range "$PY" || return 1
    # an explicit PYTHON must be the one the venv was made from
    [ -z "${PYTHON:-}" ] || [ "$("$PY" -c 'import sys; print(sys.version_info[:2])')" = "$("$PYTHON" -c 'import sys; print(sys.version_info[:2])' 2>/dev/null)" ]
}
if ! venv_ok; then
    BASE_PY=""
    if [ -n "${PYTHON:-}" ]; then
        in_range "$PYTHON" || { echo "setup.sh: PYTHON=$PYTHON is not Python 3.11-3.13" >&2; exit 1; }
        BASE_PY=$PYTHON
    else
        for cand in python3 python3.13 python3.12 python3.11; do
            if command -v "$cand" >/dev/null && in_range "$cand"; then
                BASE_PY=$cand; break
            fi
        done
    fi
    [ -n "$BASE_PY" ] || { echo "setup.sh: Python 3.11, 3.12 or 3.13 is required (none found as python3, python3.13, python3.12, python3.11; or set PYTHON)" >&2; exit 1; }
    BASE_VER=$("$BASE_PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    say "creating .venv with $(command -v "$BASE_PY") (Python $BASE_VER)"
    rm -rf "$VENV"
    if ! "$BASE_PY" -m venv "$VENV"; then
        # Debian's own python3.X needs python3.X-venv for ensurepip
        rm -rf "$VENV"
        apt_install "python$BASE_VER-venv"
        "$BASE_PY" -m venv "$VENV"
    fi
fi

# The exact versions (and hashes) of every dependency, runtime and groups: requirements/dev.lock,
# written by scripts/lock from pyproject.toml. A lock that no longer matches pyproject.toml stops here.
"$PY" scripts/deps.py check || { echo "setup.sh: requirements/*.lock and pyproject.toml disagree: run scripts/lock" >&2; exit 1; }
mkdir -p "$ROOT/var"
STAMP=$ROOT/var/.setup-deps.sha256
WANT=$( (sha256sum requirements/dev.lock; "$PY" -c 'import sys; print(sys.version)') | sha256sum | cut -d' ' -f1)
if [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
    say "installing Python dependencies from requirements/dev.lock (changed, or first run)"
    "$PY" -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements/dev.lock
    echo "$WANT" > "$STAMP"
else
    say "Python dependencies up to date (.venv)"
fi

# ---------------------------------------------------------------- translations (.po -> .mo)
# only when a .po is newer than its .mo (or the .mo is missing): compilemessages starts Django (seconds)
STALE_PO=$("$PY" scripts/stack.py stale-mo)
if [ -z "$(find . -path ./.venv -prune -o -path ./var -prune -o -name '*.po' -print -quit)" ]; then
    say "no .po files yet: nothing to compile"
elif [ -z "$STALE_PO" ]; then
    say "translations up to date (.mo newer than .po)"
elif command -v msgfmt >/dev/null; then
    DJANGO_SETTINGS_MODULE=config.settings.local "$PY" manage.py compilemessages --ignore='.venv*' --ignore=var --verbosity 0
else
    warn "msgfmt (gettext) missing: translations not compiled, the UI falls back to English"
fi

say "ready"
