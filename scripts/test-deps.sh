#!/usr/bin/env bash
# Install the system packages the tests need, when they are missing (Debian 12):
#   postgresql (15)   the second test run's database server
#   chromium          the browser the Playwright tests drive (Playwright cannot download one here)
#   gettext           msgfmt, for compilemessages
#   fonts-noto-core   Noto Sans, the UI font, which covers Vietnamese
# As root it runs apt-get quietly; otherwise it says what to install and fails.
# DANGBO_CHROMIUM overrides the browser's path (default /usr/bin/chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
bash scripts/pg.sh bindir >/dev/null 2>&1 || missing+=(postgresql)
[[ -x ${DANGBO_CHROMIUM:-/usr/bin/chromium} ]] || missing+=(chromium)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
have_noto() {
  [[ -e /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf ]] ||
    { command -v fc-list >/dev/null 2>&1 && fc-list 'Noto Sans' family | grep -q .; }
}
have_noto || missing+=(fonts-noto-core)

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  cat >&2 <<MSG
The tests need these system packages, which are missing: ${missing[*]}
Install them as root, then run 'make test' again:

    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}

MSG
  exit 1
fi

echo "Installing system packages for the tests: ${missing[*]}"
log=$(mktemp "${TMPDIR:-/tmp}/dangbo-apt.XXXXXX")
export DEBIAN_FRONTEND=noninteractive
# A failed update (an unreachable extra source, say) need not stop the install.
apt-get update -qq </dev/null >"$log" 2>&1 || echo "warning: apt-get update failed; installing anyway" >&2
if ! apt-get install -y -qq --no-install-recommends \
       -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
       "${missing[@]}" </dev/null >>"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "apt-get could not install: ${missing[*]} (full log: $log)" >&2
  exit 1
fi
rm -f "$log"

# Check again: a package that installed but left no binary is still a failure.
bash scripts/pg.sh bindir >/dev/null || { echo "postgresql installed but no initdb found" >&2; exit 1; }
[[ -x ${DANGBO_CHROMIUM:-/usr/bin/chromium} ]] || { echo "chromium installed but not at ${DANGBO_CHROMIUM:-/usr/bin/chromium}" >&2; exit 1; }
command -v msgfmt >/dev/null || { echo "gettext installed but no msgfmt" >&2; exit 1; }
echo "System packages installed."
