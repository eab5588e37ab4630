#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu); the zip's files are
# in /autograder/source. It installs Python, bubblewrap and our package with its dependencies into
# /autograder/venv, and creates the unprivileged account that student code runs as.
set -euo pipefail

ROOT=${AUTOGRADER_GRADESCOPE_ROOT:-/autograder}
SOURCE="$ROOT/source"
VENV="$ROOT/venv"
STUDENT_USER=${AUTOGRADER_GRADESCOPE_USER:-student}
export DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1

apt_install() {
  apt-get install -y -qq --no-install-recommends "$@"
}

# System packages: Python with venv, and bubblewrap (the sandbox; it may still be unusable at run time
# when the container forbids user namespaces, and run.py then falls back to the account below).
apt-get update -qq
apt_install ca-certificates python3 python3-venv bubblewrap passwd

# The grader needs Python 3.11 or newer (Ubuntu 24.04 has 3.12; 22.04 offers python3.11 separately).
PYTHON=python3
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  apt_install python3.11 python3.11-venv
  PYTHON=python3.11
fi

# Our package, editable in place, so that its code stays in $SOURCE/package/autograder: the sandbox
# mounts just that folder and the venv, never $SOURCE/bundle with the checks.
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q -e "$SOURCE/package"
"$VENV/bin/python" -c "import autograder.gradescope.run"

# The account student code runs as: no password, no login shell, no home, in no other group.
if ! id -u "$STUDENT_USER" >/dev/null 2>&1; then
  useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$STUDENT_USER"
fi

# Student code may read the package and the venv; only root may read the checks.
chmod -R u=rwX,go=rX "$SOURCE/package" "$VENV"
chown -R root:root "$SOURCE/bundle"
chmod -R u=rwX,go= "$SOURCE/bundle"
chmod 0755 "$SOURCE/run_autograder"
if [ -f "$ROOT/run_autograder" ]; then chmod 0755 "$ROOT/run_autograder"; fi
echo "setup: autograder ready ($("$VENV/bin/python" --version), bubblewrap $(bwrap --version 2>/dev/null || echo missing))"
