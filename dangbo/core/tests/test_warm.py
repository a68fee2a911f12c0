"""The gunicorn master builds what each worker would build on its first requests."""

from __future__ import annotations

from django.template import engines

from dangbo.core import warm


def test_warm_up_builds_routes_catalogues_and_templates_without_the_database():
    engine = engines["django"].engine
    for loader in engine.template_loaders:
        loader.reset()  # the cached loader forgets what earlier tests parsed
    built = warm.warm_up()  # no django_db mark: a query here would raise
    names = warm._project_templates()
    assert "base.html" in names and "assignments/unit_dashboard.html" in names
    assert built["templates"] == len(names) > 200
    assert built["routes"] > 100 and built["languages"] == 2
    cached = engine.template_loaders[0].get_template_cache  # the cached loader's parsed templates
    assert "assignments/unit_dashboard.html" in cached and "base.html" in cached
