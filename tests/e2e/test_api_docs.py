"""Swagger UI at /api/docs/ runs under the site's CSP (its start-up script is a file, not inline)."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_api_docs_render_the_operations(page: Page, live_server):
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".opblock-summary-path").filter(has_text="/upload_img").first).to_be_visible(timeout=20_000)
