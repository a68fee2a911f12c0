"""The REST API (django-ninja) under /api/v1/. Apps add their routers here.

Authentication, the error shape and the docs page come from ``dangbo.core.api``; every
operation requires a logged-in user (session or ``Authorization: Bearer <token>``).
"""

from __future__ import annotations

from dangbo.core.api import DangboAPI
from dangbo.orgs.api import me_router, units_router

api = DangboAPI(
    title="dangbo API",
    version="1",
    urls_namespace="api",
    description="Read the organisation tree of the Party Committee. Errors are always "
    '`{"error": "…", "fields": {…}}`.',
)
api.add_router("/units", units_router)
api.add_router("/me", me_router)
