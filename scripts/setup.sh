#!/usr/bin/env bash
# Idempotent set-up: system packages (bubblewrap) and a project-local virtual environment.
# Re-running is quick: nothing is reinstalled unless pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}

apt_install() {
  # apt_install WHY PACKAGE... : install Debian packages when apt-get and root (or password-less sudo) allow.
  local why=$1; shift
  local sudo=""
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: no apt-get here; install $* yourself ($why)" >&2
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "setup: not root and no sudo here; install $* yourself ($why)" >&2
      return 0
    fi
    sudo="sudo -n"
  fi
  echo "setup: installing $* ($why)"
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null; } \
    || echo "setup: could not install $* ($why)" >&2
}

install_system_packages() {
  command -v bwrap >/dev/null 2>&1 \
    || apt_install "the sandbox for student code; without it isolation is weaker" bubblewrap
  if [ "${WITH_BROWSER:-0}" = 1 ] && [ ! -x /usr/bin/chromium ]; then
    apt_install "headless browser for the report test" chromium
  fi
}

install_python_packages() {
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  local stamp="$VENV/.installed" want
  want=$(cat pyproject.toml | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "setup: installing Python packages into $VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e ".[dev,cluster]"
    echo "$want" > "$stamp"
  fi
}

install_system_packages
install_python_packages
