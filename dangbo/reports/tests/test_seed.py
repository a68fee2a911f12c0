"""The Đông Hà 2015–2020 term review, drafted from the demo, says what the seed article says."""

from __future__ import annotations

import datetime as dt
import time
import unicodedata

import pytest

from dangbo.conftest import demo_tree
from dangbo.documents import demo as documents_demo
from dangbo.meetings import demo as meetings_demo
from dangbo.orgs.models import Term, Unit
from dangbo.plans import demo as plans_demo
from dangbo.reports import review

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 3, 20)


@pytest.fixture(scope="module")
def draft(django_db_setup, django_db_blocker):
    with demo_tree(django_db_blocker):
        documents_demo.load(today=TODAY)
        plans_demo.load(today=TODAY)
        meetings_demo.load(today=TODAY)
        city = Unit.objects.get(code="dongha")
        term = Term.objects.get(unit=city, code="2015-2020")
        began = time.monotonic()
        content = review.compose(review.Ctx(unit=city, term=term, today=TODAY))
        assert time.monotonic() - began < 5  # the city's review drafts in under 5 s
        yield {s["key"]: s["text"] for _sec, s in review.sentences(content)} | {"_content": content}


def test_documents_issued_by_type(draft):
    assert ("Nhiệm kỳ 2015 - 2020, BCH Đảng bộ thành phố Đông Hà đã ban hành 2 nghị quyết, 11 chỉ thị, 7 chương "
            "trình hành động, 11 kết luận chuyên đề, 132 kế hoạch, 8 quy chế.") == draft["documents.by_type"]


def test_the_2017_commitments_with_the_nine_wards(draft):
    text = draft["commitments.2017"]
    assert "năm đầu tiên thực hiện cam kết trách nhiệm" in text
    assert "ký cam kết trách nhiệm với BTV Đảng bộ tỉnh Quảng Trị" in text
    assert "người đứng đầu cấp ủy của 9 phường" in text


def test_the_2018_and_2019_themes(draft):
    assert draft["themes.2018"] == (
        "Năm 2018, thực hiện chủ đề “Quy hoạch, giải phóng mặt bằng, xây dựng văn minh đô thị” cùng với chủ đề "
        "trong công tác xây dựng Đảng là “Nâng cao chất lượng hoạt động của hệ thống chính trị. Đề cao kỷ luật, "
        "kỷ cương của đội ngũ cán bộ, đảng viên” với 2 nhiệm vụ trọng tâm cần tập trung lãnh đạo, chỉ đạo."
    )
    assert draft["themes.2019"].startswith("Năm 2019, chủ đề năm: “Đề cao kỷ luật, kỷ cương, phát huy vai trò")
    assert "với 4 nhiệm vụ trọng tâm và 2 công việc đột phá cần tập trung lãnh đạo, chỉ đạo." in draft["themes.2019"]


def test_the_working_groups_of_687(draft):
    text = draft["ground.groups"]
    assert "đã thành lập 3 tổ công tác theo 687-KH/TU" in text
    assert "trực tiếp theo dõi, hướng dẫn 9 đảng bộ cơ sở và dự sinh hoạt chi bộ địa bàn dân cư" in text


def test_scored_cell_meetings(draft):
    years = [key for key in draft if key.startswith("meetings.") and key != "meetings.none"]
    assert years and all(y in ("meetings.2018", "meetings.2019", "meetings.2020") for y in years)
    assert "sinh hoạt chi bộ được chấm điểm theo bộ tiêu chí" in draft["meetings.2019"]
    assert "các thành viên tổ công tác đã dự" in draft["ground.groups"]


def test_growth_of_12_06_percent_a_year(draft):
    assert "Tốc độ tăng trưởng kinh tế bình quân của thành phố đạt 12,06 %/năm (mục tiêu 12 %/năm): vượt" in \
        draft["indicators.tang-truong"]


def test_limitations_name_urban_class_two(draft):
    assert draft["limits.indicator.do-thi-loai-2"] == "Lãnh đạo xây dựng Đông Hà trở thành đô thị loại II chưa đạt yêu cầu."


def test_topics_without_records_in_the_term_say_so(draft):
    # The demo's admissions and ratings are of 2023 onwards: 2015–2020 has none, and says so.
    assert draft["members.admitted"].startswith("Chưa có quyết định kết nạp")
    assert draft["ratings.none"].startswith("Chưa có kết quả đánh giá")
    assert "đảng viên" in draft["members.at_end"]


def test_every_figure_keeps_its_source(draft):
    content = draft["_content"]
    figures = [f for _sec, s in review.sentences(content) for f in s["figures"].values()]
    assert figures and all(f["text"] for f in figures)
    documents = next(s for _sec, s in review.sentences(content) if s["key"] == "documents.by_type")
    assert documents["figures"]["n_kh"]["value"] == 132
    assert documents["figures"]["n_kh"]["url"].startswith("/van-ban/?type=KH")


def test_print_the_draft(draft, capsys):
    """Not an assertion of wording: the whole draft, for a person to read with ``-s``."""
    for section in draft["_content"]["sections"]:
        print(section["title"])
        for sentence in section["sentences"]:
            print("  ", sentence["text"])
    assert len(draft["_content"]["sections"]) == len(review.OUTLINE)


def test_the_exported_review_carries_the_tables_and_the_chart(draft):
    import io

    from docx import Document as Docx
    from pypdf import PdfReader

    from dangbo.reports import exports
    from dangbo.reports.models import Review

    city = Unit.objects.get(code="dongha")
    review_obj = Review(unit=city, term=Term.objects.get(unit=city, code="2015-2020"), content=draft["_content"])
    paper = exports.paper(review_obj, today=TODAY)
    assert paper.place_date == "Đông Hà, ngày 20 tháng 03 năm 2025"
    assert paper.above == "ĐẢNG BỘ TỈNH QUẢNG TRỊ"
    assert [row[0] for row in paper.quality] == ["2018", "2019", "2020"]
    d = Docx(io.BytesIO(exports.to_docx(paper)))
    headers = [[c.text.strip() for c in t.rows[0].cells] for t in d.tables]
    assert exports.QUALITY_HEADERS in headers and exports.TABLE_HEADERS in headers
    charts = [s for s in d.inline_shapes]  # the meeting quality chart, a PNG under its table
    assert len(charts) == 1 and round(charts[0].width.mm) == 150
    blob = d.part.related_parts[charts[0]._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
    assert blob.startswith(b"\x89PNG")
    assert exports.CHART_CAPTION in [p.text for p in d.paragraphs]
    pdf = PdfReader(io.BytesIO(exports.to_pdf(paper)))
    assert [img.name for page in pdf.pages for img in page.images], "the chart is an image in the PDF"
    text = unicodedata.normalize("NFC", " ".join(" ".join(page.extract_text().split()) for page in pdf.pages))
    assert "loại Tốt" in text and "132 kế hoạch" in text and "T/M BAN CHẤP HÀNH" in text, text[:3000]
