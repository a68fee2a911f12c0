"""What a web worker would otherwise build on its first requests, built once before it starts.

gunicorn loads the application in its master and forks the workers from it
(``deploy/gunicorn.conf.py``: ``preload_app``, then ``when_ready`` calls ``warm_up``). Django
builds three things lazily, per process, on the first request that needs them: the URL
resolver's reverse tables (~0.5 s with the API's routes), each language's catalogue, and each
template (parsed once, then kept by the cached loader). Built in the master, every worker
inherits them: a new or recycled worker (``max_requests``) answers its first request as fast as
its thousandth, where it took ~0.7 s. Nothing here touches the database, and no connection
opened in the master may be inherited, so ``warm_up`` closes any it finds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.template import TemplateSyntaxError, engines
from django.urls import URLResolver, get_resolver
from django.utils import translation


def _project_templates() -> list[str]:
    """The names of the project's own templates (its apps' and ``dangbo/templates``)."""
    root = Path(__file__).resolve().parent.parent
    names: set[str] = set()
    for name in engines["django"].template_dirs:
        folder = Path(name)
        if folder.is_dir() and folder.resolve().is_relative_to(root):
            names.update(str(path.relative_to(folder)) for path in folder.rglob("*.html"))
    return sorted(names)


def _resolvers(resolver: URLResolver) -> Iterator[URLResolver]:
    """``resolver`` and those of its namespaces, each building its own tables when first read."""
    yield resolver
    for _prefix, namespace in resolver.namespace_dict.values():
        yield from _resolvers(namespace)


def warm_up() -> dict[str, int]:
    """Build the URL tables, the catalogues and the project's templates; returns how many of
    each (templates that do not stand alone are skipped)."""
    routes = sum(len(resolver.reverse_dict) for resolver in _resolvers(get_resolver()))
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Tasks")
    engine = engines["django"]
    templates = 0
    for name in _project_templates():
        try:
            engine.get_template(name)
        except TemplateSyntaxError:
            continue
        templates += 1
    connections.close_all()
    return {"routes": routes, "languages": len(settings.LANGUAGES), "templates": templates}
