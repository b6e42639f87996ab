#!/usr/bin/env bash
# Installs the Debian packages Varex builds against (LAPACK/BLAS via OpenBLAS, zlib, COIN-OR Clp,
# pkg-config),
# only when they are missing. Extra package names may be passed as arguments.
set -euo pipefail
need=()
for pkg in liblapack-dev libopenblas-dev pkg-config zlib1g-dev coinor-libclp-dev "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
