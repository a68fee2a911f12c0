"""Browser tests (Playwright + Debian's Chromium); fixtures and how to use them: conftest.py."""
