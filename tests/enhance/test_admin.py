"""The admin shows why `default` ran the model it did, and filters by it."""

import pytest
from django.urls import reverse

from enhance.models import Enhancement

pytestmark = pytest.mark.django_db


def test_an_enhancement_shows_and_filters_by_its_route(admin_client, make_enhancement):
    routed, clean = make_enhancement(name="web.jpg", fmt="JPEG", quality=50), make_enhancement()
    Enhancement.objects.filter(pk=routed.pk).update(model_resolved="edsr_lite_jpeg", route="jpeg", jpeg_quality=50)
    Enhancement.objects.filter(pk=clean.pk).update(model_resolved="edsr_lite", route="clean")

    page = admin_client.get(reverse("admin:enhance_enhancement_change", args=[routed.pk]))
    assert page.status_code == 200
    assert page.context["adminform"].form.initial["route"] == "jpeg"
    assert page.context["adminform"].form.initial["jpeg_quality"] == 50

    listed = admin_client.get(reverse("admin:enhance_enhancement_changelist"), {"route": "jpeg"})
    assert listed.status_code == 200
    assert [e.pk for e in listed.context["cl"].result_list] == [routed.pk]
