"""Headers that keep pages and user files safe: the CSP, no caching of signed-in pages, sandboxed files."""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db
TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def test_signed_in_pages_have_the_csp_and_are_never_stored(signed_in):
    for url in ("/", "/gallery/", "/account/"):
        response = signed_in.get(url)
        assert response.status_code == 200
        assert response["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self';")
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_sign_in_page_has_the_csp(client):
    response = client.get("/accounts/login/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"].split("script-src")[1].split(";")[0]


@pytest.mark.parametrize("url", ["/accounts/login/", "/api/docs/", "/api/"])
def test_no_page_allows_inline_styles(client, url):
    policy = client.get(url)["Content-Security-Policy"]
    assert "style-src 'self';" in policy and "unsafe-inline" not in policy and "style-src-attr" not in policy


def test_user_files_are_sandboxed_and_not_sniffed(signed_in, make_enhancement):
    enhancement = make_enhancement(name="page.png")
    response = signed_in.get(f"/enhancements/{enhancement.pk}/files/original/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, max-age=3600"


def test_api_docs_page_has_no_inline_script(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", html)
    directives = dict(d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";") if d.strip())
    assert "unsafe-inline" not in directives["style-src"] and "<style" not in html  # styles: css/api.css
    start_up = re.search(r'<script src="([^"]*script=[^"]*)"', html).group(1).replace("&amp;", "&")
    assert client.get(start_up)["Content-Type"].startswith("application/javascript")


SCRIPTS = Path(settings.BASE_DIR) / "static" / "js"
INLINE_STYLE = re.compile(r"""\sstyle\s*=|<style[\s>]|setAttribute\(\s*["']style""", re.IGNORECASE)


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: p.name)
def test_templates_have_no_inline_script_style_or_event_handlers(template):
    html = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html), "inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
    assert "javascript:" not in html
    assert not INLINE_STYLE.search(html), "inline style"


@pytest.mark.parametrize("script", sorted(SCRIPTS.glob("*.js")), ids=lambda p: p.name)
def test_scripts_build_no_inline_style(script):
    assert not INLINE_STYLE.search(script.read_text())  # sizes go through the CSSOM (style.setProperty)
