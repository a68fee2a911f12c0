#!/usr/bin/env bash
# Refresh the translation catalogues (vi, en) from the code, then compile them.
#
#   bash scripts/messages.sh
#
# Runs from inside the dangbo/ package, so only project code is scanned (.venv/ and var/
# live one level up and are never read) and the catalogues land in dangbo/locale/.
# Needs GNU gettext (xgettext, msguniq, msgmerge, msgfmt).
#
# Afterwards: translate every new (empty) or fuzzy entry of
# dangbo/locale/vi/LC_MESSAGES/django.po and remove its "#, fuzzy" flag, copy msgid to
# msgstr in dangbo/locale/en/LC_MESSAGES/django.po, and run this script again so the
# .mo files (committed) are compiled. dangbo/core/tests/test_i18n.py checks all of this.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${BIN:-$ROOT/.venv/bin}"
export DJANGO_SETTINGS_MODULE=dangbo.settings
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"

for tool in xgettext msguniq msgmerge msgfmt; do
  command -v "$tool" >/dev/null || { echo "$tool not found: install GNU gettext" >&2; exit 1; }
done

cd "$ROOT/dangbo"
"$BIN/django-admin" makemessages -l vi -l en --no-obsolete --no-location
"$BIN/django-admin" compilemessages -l vi -l en
