"""Documents by term in a real browser: the chart is drawn and the sentence can be copied."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from dangbo.documents import services
from dangbo.documents.models import DocumentType


def _issue(cast, counts: dict[str, int]) -> None:
    types = {t.abbr: t for t in DocumentType.objects.all()}
    for abbr, n in counts.items():
        for i in range(1, n + 1):
            services.document_register(
                actor=None, unit=cast.city, type=types[abbr], number=str(i), date=dt.date(2017, 3, i),
                title=f"{types[abbr].name} số {i}", issuing_unit=cast.city, issuer_abbr="TU",
                term_code="2015-2020",
            )


def test_stats_page_draws_the_chart_and_copies_the_sentence(page: Page, cast, logged_in, axe_check, no_horizontal_scroll) -> None:
    _issue(cast, {"NQ": 2, "CT": 3, "KL": 1})
    logged_in(page, cast.clerk)
    page.goto(f"/van-ban/thong-ke/?term=2015-2020&issuer={cast.city.pk}")
    sentence = page.locator("#stats-sentence")
    expect(sentence).to_contain_text("đã ban hành 2 nghị quyết, 3 chỉ thị, 1 kết luận chuyên đề.")
    # Chart.js drew on the canvas
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('stats-chart'))")
    assert page.evaluate("Chart.getChart(document.getElementById('stats-chart')).data.datasets[0].data") == [2, 3, 1]
    page.locator("button[data-copy]").click()
    expect(page.locator("[data-copy-status]")).not_to_be_empty()
    axe_check(page)
    no_horizontal_scroll(page)

    # the selectors submit the same way
    page.locator("#stats-issuer").select_option(str(cast.city.pk))
    with page.expect_navigation():
        page.locator("form.filters [type=submit]").click()
    expect(sentence).to_contain_text("2 nghị quyết")
