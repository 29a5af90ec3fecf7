"""Playwright fixtures: Debian's Chromium, headless, against pytest-django's live server."""
