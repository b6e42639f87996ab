#!/usr/bin/env bash
# The whole test suite: install what is missing, build everything, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh
swift build --build-tests
swift test --skip-build
