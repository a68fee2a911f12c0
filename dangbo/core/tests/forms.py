"""Read a page's form the way a browser would submit it, for tests that post what a person saw."""

from __future__ import annotations

from html.parser import HTMLParser

from django.test import Client


class _FormReader(HTMLParser):
    def __init__(self, form_id: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.forms: list[dict[str, list[str]]] = []
        self.values: dict[str, list[str]] = {}
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._option: dict[str, str | None] | None = None
        self._option_text = ""
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and (
            a.get("id") == self.form_id if self.form_id else (a.get("method") or "").lower() == "post"
        ):
            self.inside = True
            self.values = {}
            self.forms.append(self.values)
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "reset"):
                return
            if kind in ("radio", "checkbox") and "checked" not in a:
                return
            self.values.setdefault(name, []).append(a.get("value") or ("on" if kind == "checkbox" else ""))
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, "multiple" in a
        elif tag == "option" and self._select is not None:
            self._option, self._option_text = a, ""
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("option", "select") and self._option is not None and self._select is not None:
            value = self._option.get("value")
            value = self._option_text.strip() if value is None else value
            if self._select_first is None:
                self._select_first = value
            if "selected" in self._option:
                self.values.setdefault(self._select, []).append(value)
                self._select_chosen = True
            self._option = None
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select is not None:
            if not self._select_chosen and self._select_first is not None:
                self.values.setdefault(self._select, []).append(self._select_first)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.values.setdefault(self._textarea, []).append(self._text.removeprefix("\n"))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data
        if self._option is not None:
            self._option_text += data


def form_values(html: str | bytes, form_id: str | None = None) -> dict[str, list[str]]:
    """The values the page's main form (the form that posts the most fields, or the form
    ``form_id``) would submit, by name."""
    reader = _FormReader(form_id)
    reader.feed(html.decode() if isinstance(html, bytes) else html)
    return max(reader.forms, key=len, default={})


def form_data(html: str | bytes, form_id: str | None = None, **changes: str) -> dict[str, object]:
    """``form_values`` ready for ``client.post``, with some fields changed as a person would."""
    data: dict[str, object] = {k: v if len(v) > 1 else v[0] for k, v in form_values(html, form_id).items()}
    data.update(changes)
    return data


def session(user) -> Client:
    """A browser of its own (its own cookies), logged in as ``user``."""
    client = Client()
    client.force_login(user, backend="dangbo.orgs.auth.AccountBackend")
    return client
