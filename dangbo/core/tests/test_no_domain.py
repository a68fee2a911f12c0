"""Core knows no domain: the apps register into it (home panels, the search scope, audit labels,
navigation links); core imports none of them and its templates, and the project's shell
(``dangbo/templates``: ``base.html``, the includes, e-mails), name none of their URLs or
templates.

``base.html`` is the shell every page extends: it names core's own URLs (home, search,
notifications) and Django's (log-in, language), and reads the navigation from
``dangbo.core.nav``, which the apps fill.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps

CORE = Path(__file__).resolve().parents[1]
SHELL_TEMPLATES = [CORE / "templates", CORE.parent / "templates"]



def domain_apps() -> dict[str, str]:
    """Label → module of every project app but core (orgs, documents, assignments…)."""
    return {
        config.label: config.name
        for config in apps.get_app_configs()
        if config.name.startswith("dangbo.") and config.name != "dangbo.core"
    }


def _imported(tree: ast.Module, module: str) -> list[tuple[int, str]]:
    """``(line, module)`` for every import in ``tree``, relative ones resolved from ``module``."""
    package = module.rsplit(".", 1)[0]  # "dangbo.core" for dangbo.core.views (and dangbo.core.__init__)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            # ``from dangbo import orgs``: the names are modules too.
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
    return found


def domain_imports(source: str, module: str, apps_by_label: dict[str, str]) -> list[str]:
    """The imports of a domain app in ``source`` (the module ``module``), as ``line: module``."""
    bad = []
    for lineno, target in _imported(ast.parse(source), module):
        app = next((name for name in apps_by_label.values() if target == name or target.startswith(name + ".")), None)
        if app is None:
            continue
        bad.append(f"{lineno}: {target}")
    return bad


def domain_names(template: str, labels: list[str]) -> list[str]:
    """App URL names (``{% url 'orgs:…' %}``) and app templates (``{% include "orgs/…" %}``)
    that a template names."""
    apps_pattern = "|".join(re.escape(label) for label in labels)
    urls = re.findall(rf"""{{%\s*url\s+["']((?:{apps_pattern}):[^"']*)["']""", template)
    included = re.findall(
        rf"""{{%\s*(?:include|extends)\s+["']((?:{apps_pattern})/[^"']*)["']""", template
    )
    return urls + included


def _core_modules() -> list[Path]:
    return sorted(p for p in CORE.rglob("*.py") if "tests" not in p.relative_to(CORE).parts)


def _shell_templates() -> list[Path]:
    return sorted(p for root in SHELL_TEMPLATES for p in root.rglob("*") if p.suffix in {".html", ".txt"})


# --- The rule, on the code that is here --------------------------------------------------------


def test_core_imports_no_domain_app():
    by_label = domain_apps()
    assert {"orgs", "documents", "assignments", "meetings"} <= set(by_label)
    modules = _core_modules()
    assert CORE / "views.py" in modules and CORE / "search_api.py" in modules
    offences = {}
    for path in modules:
        module = "dangbo.core." + ".".join(path.relative_to(CORE).with_suffix("").parts)
        bad = domain_imports(path.read_text(encoding="utf-8"), module, by_label)
        if bad:
            offences[str(path.relative_to(CORE))] = bad
    assert offences == {}, "core imports a domain app: register into core instead (CONTRIBUTING.md)"


def test_core_and_shell_templates_name_no_app():
    labels = list(domain_apps())
    templates = _shell_templates()
    assert CORE.parent / "templates" / "base.html" in templates
    assert CORE / "templates" / "core" / "home.html" in templates
    offences = {}
    for path in templates:
        bad = domain_names(path.read_text(encoding="utf-8"), labels)
        if bad:
            offences[str(path)] = bad
    assert offences == {}, "a core template names an app: let the app register a link or a panel"


def test_core_code_reverses_no_app_url():
    """No ``reverse("orgs:unit_list")`` hidden in core's Python either."""
    pattern = re.compile(rf"^(?:{'|'.join(domain_apps())}):[\w-]+$")
    offences = []
    for path in _core_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and pattern.match(node.value):
                offences.append(f"{path.name}:{node.lineno}: {node.value}")
    assert offences == []


# --- The checks themselves catch what they are for -----------------------------------------------

APPS = {"orgs": "dangbo.orgs", "documents": "dangbo.documents", "core": "dangbo.core"}
DOMAIN = {k: v for k, v in APPS.items() if k != "core"}


@pytest.mark.parametrize(
    "source",
    [
        "from dangbo.orgs import selectors",
        "from dangbo.orgs.search import search_for_user",
        "import dangbo.documents.models",
        "from dangbo import orgs",
        "from ..orgs import selectors",  # relative, from dangbo.core.views
        "def f():\n    from dangbo.orgs.models import Unit\n    return Unit",  # hidden in a function
        "from dangbo.orgs.policy import role_ceiling",  # the one door lives in core
    ],
)
def test_the_import_check_finds_a_domain_import(source):
    assert domain_imports(source, "dangbo.core.views", DOMAIN)


@pytest.mark.parametrize(
    "source",
    [
        "from dangbo.core import search",
        "from . import notifications",
        "from .search import SearchDocument",
        "from dangbo.core.policy import get_for_user",
        "import dangbo.organisations_of_the_future",  # a name that only starts like an app
        '"""Example: ``from dangbo.orgs import hooks``"""',  # words in a docstring
    ],
)
def test_the_import_check_lets_core_s_own_imports_pass(source):
    assert domain_imports(source, "dangbo.core.views", DOMAIN) == []


def test_the_template_check_finds_app_urls_and_templates():
    labels = list(DOMAIN)
    assert domain_names("""<a href="{% url 'orgs:unit_list' %}">""", labels) == ["orgs:unit_list"]
    assert domain_names("""{% url "documents:document_list" as u %}""", labels) == ["documents:document_list"]
    assert domain_names("""{%url 'orgs:unit_detail' row.unit.pk%}""", labels) == ["orgs:unit_detail"]
    assert domain_names("""{% include "orgs/_home_units.html" %}""", labels) == ["orgs/_home_units.html"]
    assert domain_names("""{% url 'core:home' %}{% url 'set_language' %}{% include "includes/x.html" %}""", labels) == []
    assert domain_names("""{% include p.template %}{% url link.url_name %}""", labels) == []
