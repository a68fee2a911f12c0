"""The REST API (django-ninja) under /api/v1/. Apps add their routers here.

Authentication, the error shape and the docs page come from ``dangbo.core.api``; every
operation requires a logged-in user (session or ``Authorization: Bearer <token>``).
"""

from __future__ import annotations

from dangbo.assignments.api import tasks_router
from dangbo.citizens.api import cases_router, public_router
from dangbo.core.api import DangboAPI
from dangbo.core.search_api import router as search_router
from dangbo.documents.api import router as documents_router
from dangbo.meetings.api import meetings_router
from dangbo.orgs.api import me_router, units_router
from dangbo.people.admission.api import router as candidates_router
from dangbo.people.cadres.api import router as cadres_router
from dangbo.people.members.api import router as members_router
from dangbo.people.ratings.api import router as ratings_router
from dangbo.plans.api import commitments_router, indicators_router, proposals_router, themes_router
from dangbo.reports.api import router as reports_router

api = DangboAPI(
    title="dangbo API",
    version="1",
    urls_namespace="api",
    description="Read the organisation tree of the Party Committee. Errors are always "
    '`{"error": "…", "fields": {…}}`.',
)
api.add_router("/units", units_router)
api.add_router("/me", me_router)
api.add_router("", documents_router)
api.add_router("/search", search_router)
api.add_router("/meetings", meetings_router)
api.add_router("/tasks", tasks_router)
api.add_router("/themes", themes_router)
api.add_router("/commitments", commitments_router)
api.add_router("/indicators", indicators_router)
api.add_router("/documents", proposals_router)
api.add_router("/cases", cases_router)
api.add_router("/public", public_router)
api.add_router("/members", members_router)
api.add_router("/candidates", candidates_router)
api.add_router("/cadres", cadres_router)
api.add_router("/ratings", ratings_router)
api.add_router("/reports", reports_router)
