#!/usr/bin/env bash
# Runs the Frictionless validator (PyPI `frictionless`) on a data package, installing it first into a
# private virtual environment under target/ when it is not there yet. Used by the datapackage test, so
# `cargo test` needs no manual set-up on a fresh machine (Python 3 with venv and pip, and PyPI access).
#
#   scripts/frictionless.sh validate out/datapackage.json
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/target/frictionless-venv"
version="5.21.0"
if ! "$venv/bin/frictionless" --version 2>/dev/null | grep -qx "$version"; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "frictionless==$version" >&2
fi
exec "$venv/bin/frictionless" "$@"
