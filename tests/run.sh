#!/usr/bin/env bash
# Install everything the test suite needs, then run all of it.
# The browser tests drive Debian's Chromium (/usr/bin/chromium) through Python
# Playwright; Playwright's own browser download does not work offline, so the
# browser comes from apt. Under CI=true a missing browser fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}

if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "tests/run.sh: installing Debian chromium for the browser tests" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "tests/run.sh: /usr/bin/chromium is missing and this is not root:" \
             "run 'sudo apt-get install -y chromium'; the browser tests will FAIL" >&2
    fi
fi

"$PYTHON" -m pip install --quiet --disable-pip-version-check -e '.[test]'
"$PYTHON" -m ruff check .
exec "$PYTHON" -m pytest -n 2 --dist loadfile "$@"
