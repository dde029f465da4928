#!/usr/bin/env bash
# Installs everything the project needs, idempotently.
#   scripts/setup.sh demo   system packages for the app (CJK fonts, Pango, gettext) + .venv
#   scripts/setup.sh test   the same plus Chromium and poppler-utils for browser and PDF tests,
#                           and Redis for the test that runs a real task worker
# fonts-dejavu-core supplies the subscript digits of "CO₂" that Noto CJK lacks (PDF report).
# On Debian/Ubuntu as root, missing system packages are installed with apt-get; elsewhere the
# script says exactly what to install and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-demo}"

packages=(fonts-noto-cjk fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext python3-venv)
if [ "$mode" = "test" ]; then
  packages+=(chromium poppler-utils redis-server)
fi

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "==> installing system packages: ${missing[*]}"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
      echo "Missing system packages: ${missing[*]}" >&2
      echo "Install them with:  sudo apt-get install ${missing[*]}" >&2
      exit 1
    fi
  fi
else
  echo "This is not a Debian/Ubuntu system. Install the equivalents of:" >&2
  echo "  ${packages[*]}" >&2
  echo "(Noto Sans CJK SC font, Pango >= 1.44, HarfBuzz subset library, GNU gettext" >&2
  [ "$mode" = "test" ] && echo " , Chromium at /usr/bin/chromium, poppler's pdftoppm" >&2
  echo ") then run this script again with SKIP_SYSTEM_PACKAGES=1." >&2
  [ "${SKIP_SYSTEM_PACKAGES:-0}" = 1 ] || exit 1
fi

# The interpreter: $PYTHON if set, else the distribution's own (/usr/bin/python3, the one
# python3-venv above belongs to; Debian 12's is 3.11), else the first python3 on PATH. Debian
# and Ubuntu build CPython with profile-guided and link-time optimisation; a pyenv or source
# build without --enable-optimizations, often first on PATH, ran the test suite a fifth slower
# on the same machine (docs/performance.md).
supported='import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 14) else 1)'
if [ -n "${PYTHON:-}" ]; then
  python="$PYTHON"
elif [ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import ensurepip, venv; $supported" 2>/dev/null; then
  python=/usr/bin/python3
else
  python=python3
fi
if ! "$python" -c "$supported"; then
  echo "Python 3.11–3.13 is required (found: $("$python" --version 2>&1))." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$python" -m venv .venv
fi
# Reinstall only when the dependencies changed.
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "==> installing Python packages"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[dev]"
  rm -f .venv/.installed-*
  touch "$stamp"
fi

# Compiled translations: the UI and reports are Chinese by default, English on request.
# Compiled again only when a catalogue is newer than its .mo (Django's start costs a second).
stale=0
while IFS= read -r po; do
  [ "${po%.po}.mo" -nt "$po" ] || stale=1
done < <(find locale footprint -name '*.po' 2>/dev/null)
if [ "$stale" = 1 ]; then
  .venv/bin/python manage.py compilemessages --ignore=.venv -v0
fi
