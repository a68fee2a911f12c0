"""The register's entries in the one door: ``may`` and ``scope`` give the same answer."""

from __future__ import annotations

import pytest

from dangbo.core import policy
from dangbo.core.policy import Action
from dangbo.documents import services
from dangbo.documents.models import (
    Document,
    DocumentFile,
    DocumentRelation,
    StudyMaterial,
    StudySession,
)

from .helpers import PDF, D, build_docs, pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    docs = build_docs(cast)
    services.document_register(
        actor=None, unit=cast.ward1, type=docs["ward"].type, number="50", date=D(2017, 1, 1), title="Mật",
        issuing_unit=cast.ward1, issuer_abbr="ĐU", shared_down=False,
    )
    for document in docs.values():
        services.document_attach_file(actor=None, document=document, upload=upload("a.pdf", pdf_bytes(), PDF))
    city = services.study_session_create(
        actor=None, unit=cast.city, title="Thành phố", date=D(2021, 3, 1), documents=[docs["central"]],
        required_units=[cast.ward_dl],
    )
    ward = services.study_session_create(
        actor=None, unit=cast.ward1, title="Phường 1", date=D(2021, 3, 1), documents=[docs["ward"]],
        required_units=[cast.cell1],
    )
    for session in (city, ward):
        services.study_material_add(actor=None, session=session, upload=upload("b.pdf", pdf_bytes(), PDF))


@pytest.mark.parametrize("model", [Document, StudySession, DocumentFile, DocumentRelation, StudyMaterial])
@pytest.mark.parametrize("action", [Action.VIEW, Action.CHANGE])
def test_may_and_scope_agree(cast, world, model, action):
    objects = list(model._default_manager.all())
    assert objects
    for name, user in cast.everyone.items():
        scoped = set(policy.visible(user, model, action).values_list("pk", flat=True))
        allowed = {obj.pk for obj in objects if policy.may(user, action, obj)}
        assert scoped == allowed, (name, model.__name__, action)


def test_who_sees_and_changes_what(cast, world):
    def titles(user, model, action=Action.VIEW) -> set[str]:
        return set(policy.visible(user, model, action).values_list("title", flat=True))

    # Phường 1's plan is shared down to its cell; the unshared one stays in Phường 1.
    assert "Kế hoạch của Phường 1" in titles(cast.member, Document)
    assert "Mật" not in titles(cast.member, Document)
    assert "Mật" in titles(cast.ward_secretary, Document)
    assert titles(cast.ward_secretary, Document, Action.CHANGE) == {
        "Kế hoạch của Phường 1", "Kế hoạch của Chi bộ Khu phố 1", "Mật",
    }
    assert titles(cast.member, Document, Action.CHANGE) == set()
    # Đông Lương is required at the city's session: it sees it, does not change it.
    assert titles(cast.outsider, StudySession) == {"Thành phố"}
    assert titles(cast.outsider, StudySession, Action.CHANGE) == set()
    assert titles(cast.cell_secretary, StudySession) == {"Phường 1"}
