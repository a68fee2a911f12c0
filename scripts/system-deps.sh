#!/usr/bin/env bash
# Install the system packages dangbo itself needs at run time, when they are missing (Debian 12):
#   libpango-1.0-0 libpangoft2-1.0-0   WeasyPrint's text layout, for PDF exports (minutes, reports)
#   fonts-liberation                   Liberation Serif, metric-compatible with Times New Roman,
#                                      the font of the party's document format
#   fonts-dejavu-core                  a fallback that covers Vietnamese
# As root it runs apt-get quietly. Otherwise it says what to install: with --required it then
# fails (make test), without it only warns, since everything but PDF export works (make demo).
set -euo pipefail
required=0
[[ ${1:-} == --required ]] && required=1

have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
missing=()
have_lib libpango-1.0.so.0 || missing+=(libpango-1.0-0)
have_lib libpangoft2-1.0.so.0 || missing+=(libpangoft2-1.0-0)
[[ -d /usr/share/fonts/truetype/liberation ]] || missing+=(fonts-liberation)
[[ -d /usr/share/fonts/truetype/dejavu ]] || missing+=(fonts-dejavu-core)
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "Missing system packages (PDF export needs them): ${missing[*]}" >&2
  echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit $required
fi

echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp "${TMPDIR:-/tmp}/dangbo-apt.XXXXXX")
apt-get update -qq </dev/null >"$log" 2>&1 || echo "warning: apt-get update failed; installing anyway" >&2
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >>"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "apt-get could not install: ${missing[*]} (full log: $log)" >&2
  exit 1
fi
rm -f "$log"
