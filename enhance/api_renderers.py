"""The API's renderers (settings REST_FRAMEWORK): JSON, and DRF's browsable API for people at /api/."""

from django.conf import settings
from rest_framework.renderers import BrowsableAPIRenderer


class SiteBrowsableAPIRenderer(BrowsableAPIRenderer):
    """DRF's browsable API (templates/rest_framework/api.html) with its page's language set: DRF's base
    template has a bare ``<html>``, which screen readers cannot pronounce rightly (axe: html-has-lang), and
    no inline ``<style>`` (Pygments' colours for Markdown code, which the site's CSP refuses)."""

    def get_context(self, data, accepted_media_type, renderer_context):
        return {**super().get_context(data, accepted_media_type, renderer_context), "code_style": None}

    def render(self, data, accepted_media_type=None, renderer_context=None):
        page = super().render(data, accepted_media_type, renderer_context)
        return page.replace("<html>", f'<html lang="{settings.LANGUAGE_CODE}">', 1)
