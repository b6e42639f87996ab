#!/usr/bin/env bash
# The whole test suite: install what is missing, build everything, run the notebooks top to
# bottom with the built `varex`, fuzz for a fixed time, then every Swift test (last, so its
# summary closes the output).
set -euo pipefail
cd "$(dirname "$0")/.."
# Chromium opens the HTML report (ReportTests); LibreOffice Calc reads our CSV and XLSX (SpreadsheetTests).
scripts/setup-deps.sh chromium libreoffice-calc-nogui
export VAREX_REQUIRE_CHROMIUM=1 VAREX_REQUIRE_LIBREOFFICE=1
swift build --build-tests
python3 -m pip install -q --disable-pip-version-check -r notebooks/requirements.txt
out=$(mktemp -d)
for nb in notebooks/*.ipynb; do
  echo "notebook: $nb" >&2
  VAREX_BIN="$PWD/.build/debug/varex" python3 -m jupyter nbconvert --to notebook --execute "$nb" \
    --output-dir "$out" --log-level WARN
done
# Every code example of the README, as a user would copy it (scripts/readme_examples.py),
# including a separate package that depends on Varex by path.
python3 scripts/readme_examples.py .build/debug/varex
# The libFuzzer targets (CSV readers against each other, the formula parser), a fixed time each.
scripts/fuzz.sh 45
swift test --skip-build
