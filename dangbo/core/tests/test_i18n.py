"""The translation catalogues are complete, compiled, cover the code, and are used.

Vietnamese is the default language; English is switchable. Source strings are English,
so the English catalogue maps every msgid to itself. Refresh both with
``scripts/messages.sh`` (needs GNU gettext), then fill the new entries.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

PACKAGE = Path(__file__).resolve().parents[2]  # the dangbo/ package
LOCALE = PACKAGE / "locale"
LANGS = ["vi", "en"]
PLURAL_FORMS = {"vi": "nplurals=1; plural=0;", "en": "nplurals=2; plural=(n != 1);"}
REFRESH = "run scripts/messages.sh, then fill the new entries"

# printf-style conversions as Python's % operator reads them: %(name)s, %s, %(seconds).1f, %d…
PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<conv>[diouxXeEfFgGcrsa%])"
)


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "django.po"


def load_po(lang: str) -> polib.POFile:
    return polib.pofile(str(po_path(lang)))


def placeholders(text: str) -> Counter:
    """The placeholders of a string: named ones by name and conversion, positional ones
    by conversion; ``%%`` is a literal percent sign and is not counted."""
    found: Counter = Counter()
    for match in PLACEHOLDER.finditer(text):
        if match["conv"] == "%":
            continue
        found[(match["name"], match["conv"])] += 1
    return found


def msgstrs(entry: polib.POEntry, nplurals: int) -> list[tuple[str, str]]:
    """(source, translation) pairs of an entry: each plural form is compared with the
    singular (form 0, when the language has more than one form) or the plural msgid."""
    if not entry.msgid_plural:
        return [(entry.msgid, entry.msgstr)]
    pairs = []
    for index in range(nplurals):
        source = entry.msgid if index == 0 and nplurals > 1 else entry.msgid_plural
        pairs.append((source, entry.msgstr_plural.get(index, "")))
    return pairs


def key(entry) -> tuple[str | None, str, str | None]:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural or None)


# (a) complete, not fuzzy, placeholders kept ---------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_header(lang):
    po = load_po(lang)
    assert po.metadata.get("Language") == lang
    assert po.metadata.get("Plural-Forms") == PLURAL_FORMS[lang]
    assert "charset=UTF-8" in po.metadata.get("Content-Type", "")
    assert not po.metadata_is_fuzzy, f"the header of the {lang} catalogue is marked fuzzy"


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_is_complete_and_not_fuzzy(lang):
    po = load_po(lang)
    assert len(po) > 0
    nplurals = int(re.search(r"nplurals=(\d+)", PLURAL_FORMS[lang])[1])
    empty = [e.msgid for e in po if any(not text for _, text in msgstrs(e, nplurals))]
    fuzzy = [e.msgid for e in po if e.fuzzy]
    obsolete = [e.msgid for e in po.obsolete_entries()]
    assert not empty, f"untranslated in {lang}: {empty} ({REFRESH})"
    assert not fuzzy, f"fuzzy in {lang}: {fuzzy}"
    assert not obsolete, f"obsolete in {lang}: {obsolete}"


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_match(lang):
    po = load_po(lang)
    nplurals = int(re.search(r"nplurals=(\d+)", PLURAL_FORMS[lang])[1])
    wrong = []
    for entry in po:
        for source, text in msgstrs(entry, nplurals):
            if placeholders(text) != placeholders(source):
                wrong.append((source, text))
            elif "python-format" in entry.flags:
                found = placeholders(source)
                names = {name for name, _ in found if name}
                positional = (1,) * sum(n for (name, _), n in found.items() if not name)
                try:
                    text % ({name: 1 for name in names} if names else positional)
                except (TypeError, ValueError, KeyError) as error:
                    wrong.append((source, f"{text} → {error!r}"))
    assert not wrong, f"placeholders differ in {lang}: {wrong}"


def test_english_catalogue_is_the_identity():
    differs = []
    for entry in load_po("en"):
        if entry.msgid_plural:
            if entry.msgstr_plural != {0: entry.msgid, 1: entry.msgid_plural}:
                differs.append(entry.msgid)
        elif entry.msgstr != entry.msgid:
            differs.append(entry.msgid)
    assert not differs, f"en msgstr differs from msgid: {differs}"


def test_both_catalogues_have_the_same_entries():
    vi = {key(e) for e in load_po("vi")}
    en = {key(e) for e in load_po("en")}
    assert vi == en, f"only in vi: {vi - en}; only in en: {en - vi} ({REFRESH})"


# (b) the compiled .mo files match the .po files -----------------------------------------


def translations(entries) -> dict:
    """msgid → msgstr of the entries that gettext would use (not the header)."""
    result = {}
    for entry in entries:
        if not entry.msgid:
            continue
        if entry.msgid_plural:
            result[key(entry)] = tuple(sorted(entry.msgstr_plural.items()))
        else:
            result[key(entry)] = entry.msgstr
    return result


@pytest.mark.parametrize("lang", LANGS)
def test_mo_is_up_to_date(lang):
    po = load_po(lang)
    mo_path = po_path(lang).with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run scripts/messages.sh"
    mo = polib.mofile(str(mo_path))
    assert mo.metadata.get("Plural-Forms") == po.metadata.get("Plural-Forms")
    # msgfmt leaves out untranslated and fuzzy entries; translated() excludes both.
    expected = translations(e for e in po if e.translated() and not e.obsolete)
    compiled = translations(mo)
    stale = {k for k in expected.keys() | compiled.keys() if expected.get(k) != compiled.get(k)}
    assert not stale, (
        f"{mo_path.name} ({lang}) is out of date for {sorted(k[1] for k in stale)}: "
        "run scripts/messages.sh (it compiles with `django-admin compilemessages`)"
    )


# (c) the catalogue covers the code ---------------------------------------------------------


@pytest.mark.skipif(
    not (shutil.which("xgettext") and shutil.which("msguniq")),
    reason="GNU gettext (xgettext, msguniq) is not installed, so makemessages cannot run",
)
def test_catalogue_covers_the_code(tmp_path, monkeypatch):
    """Extract the messages from a copy of the package as scripts/messages.sh does and
    compare them with the committed catalogue: nothing missing, nothing stale."""
    copy = tmp_path / "dangbo"
    shutil.copytree(
        PACKAGE,
        copy,
        ignore=shutil.ignore_patterns("locale", "__pycache__", "*.pyc", "*.mo", "node_modules"),
    )
    (copy / "locale").mkdir()
    monkeypatch.chdir(copy)
    # LOCALE_PATHS points at the real catalogue: keep makemessages off it.
    with override_settings(LOCALE_PATHS=[]):
        call_command("makemessages", locale=["vi"], no_obsolete=True, no_location=True, verbosity=0)
    extracted = {key(e) for e in polib.pofile(str(copy / "locale/vi/LC_MESSAGES/django.po"))}
    committed = {key(e) for e in load_po("vi")}
    missing = sorted(k[1] for k in extracted - committed)
    stale = sorted(k[1] for k in committed - extracted)
    assert not missing, f"strings in the code but not in the catalogue: {missing} ({REFRESH})"
    assert not stale, f"strings in the catalogue but no longer in the code: {stale} ({REFRESH})"


# (d) Django uses the catalogues --------------------------------------------------------------

FIXED_VI = {
    "Log in": "Đăng nhập",
    "Log out": "Đăng xuất",
    "Overview": "Tổng quan",
    "Organisation": "Tổ chức",
    "Cadres & members": "Cán bộ – Đảng viên",
    "Not found": "Không tìm thấy",
    "The code “%(code)s” is already used by %(unit)s.": "Mã “%(code)s” đã được dùng cho %(unit)s.",
    "The end date must not be before the start date.": "Ngày kết thúc không được trước ngày bắt đầu.",
    "Write the term as two years, e.g. 2025-2030.": "Ghi nhiệm kỳ bằng hai năm, ví dụ 2025-2030.",
    "%(unit)s already has a term %(code)s.": "%(unit)s đã có nhiệm kỳ %(code)s.",
    "Line %(n)s must read “name | code”.": "Dòng %(n)s phải có dạng “tên | mã”.",
}


@pytest.mark.parametrize(("msgid", "expected"), FIXED_VI.items())
def test_vietnamese_translation(msgid, expected):
    with translation.override("vi"):
        assert translation.gettext(msgid) == expected


def test_vietnamese_plural_and_formatting():
    with translation.override("vi"):
        text = translation.ngettext("%(n)s member", "%(n)s members", 3) % {"n": 3}
        assert text == "3 đảng viên"
        text = translation.gettext("The code “%(code)s” is already used by %(unit)s.") % {
            "code": "dongha-phuong1",
            "unit": "Đảng bộ Phường 1",
        }
        assert text == "Mã “dongha-phuong1” đã được dùng cho Đảng bộ Phường 1."


def test_english_translation():
    with translation.override("en"):
        assert translation.gettext("Log in") == "Log in"
        assert translation.gettext("Cadres & members") == "Cadres & members"
        assert translation.ngettext("%(n)s member", "%(n)s members", 1) == "%(n)s member"
        assert translation.ngettext("%(n)s member", "%(n)s members", 2) == "%(n)s members"


def test_vietnamese_is_the_default():
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]
