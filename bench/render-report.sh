#!/usr/bin/env bash
# Renders an HTML report to PNG in headless Chromium, to look at it the way a reader's browser shows it.
# usage: bench/render-report.sh REPORT.html OUT.png [WIDTH] [HEIGHT]
# Needs Debian's chromium (installed with apt when missing); tests never need it.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 REPORT.html OUT.png [WIDTH] [HEIGHT]" >&2; exit 2; }
report="$(realpath "$1")"; out="$(realpath -m "$2")"
[ -f "$report" ] || { echo "render-report: expected an HTML file, found no file at $1" >&2; exit 2; }
if ! command -v chromium >/dev/null; then
  echo "render-report: installing chromium with apt..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >&2
fi
# --allow-file-access-from-files: reports link their images relatively; no network is used.
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --allow-file-access-from-files \
  --window-size="${3:-1200},${4:-2400}" --screenshot="$out" "file://$report" 2>/dev/null
[ -s "$out" ] || { echo "render-report: chromium wrote nothing to $out" >&2; exit 1; }
echo "$out"
