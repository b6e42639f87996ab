#!/usr/bin/env bash
# The whole test suite: install what is missing, build everything, run the notebooks top to
# bottom with the built `varex`, fuzz for a fixed time, then every Swift test (last, so its
# summary closes the output).
set -euo pipefail
cd "$(dirname "$0")/.."
# Chromium opens the HTML report (ReportTests); LibreOffice Calc reads our CSV and XLSX (SpreadsheetTests).
scripts/setup-deps.sh chromium libreoffice-calc-nogui
export VAREX_REQUIRE_CHROMIUM=1 VAREX_REQUIRE_LIBREOFFICE=1
# The optimised build, with @testable imports allowed: it takes about twice as long to compile as
# the debug build, but the suite then runs in about 4 minutes instead of 15 (measured: 358 tests,
# 233 s against 930 s on this machine's two cores), which keeps CI well inside its 30 minutes.
CONFIG=(-c release -Xswiftc -enable-testing)
swift build "${CONFIG[@]}" --build-tests
BIN="$(swift build "${CONFIG[@]}" --show-bin-path)"
python3 -m pip install -q --disable-pip-version-check -r notebooks/requirements.txt
out=$(mktemp -d)
for nb in notebooks/*.ipynb; do
  echo "notebook: $nb" >&2
  VAREX_BIN="$BIN/varex" python3 -m jupyter nbconvert --to notebook --execute "$nb" \
    --output-dir "$out" --log-level WARN
done
# Every code example of the README, as a user would copy it (scripts/readme_examples.py),
# including a separate package that depends on Varex by path.
python3 scripts/readme_examples.py "$BIN/varex"
# The libFuzzer targets (CSV readers against each other, the formula parser), a fixed time each.
scripts/fuzz.sh 45
swift test "${CONFIG[@]}" --skip-build
