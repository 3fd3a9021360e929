#!/usr/bin/env bash
# Install the Debian packages WeasyPrint and the browser tests need, when any is missing.
# As root on Debian this runs apt-get; otherwise it prints the exact command to run.
set -euo pipefail
packages=(
  chromium                    # the browser tests drive Debian's Chromium (never a download)
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0  # WeasyPrint text
  fonts-dejavu-core fonts-liberation  # fonts for letters and reports
  poppler-utils               # pdftoppm/pdftotext to look at rendered PDFs
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Not a Debian system: install the equivalents of: ${missing[*]}" >&2
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages. Run:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
