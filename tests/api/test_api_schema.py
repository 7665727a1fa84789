"""OpenAPI 3 (drf-spectacular): generates without warnings, lists every endpoint; docs need no CDN."""

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db

OPERATIONS = {
    "/upload_img": {"post"},
    "/display": {"get"},
    "/api/enhancements/": {"get"},
    "/api/enhancements/status/": {"get"},
    "/api/enhancements/{id}/": {"get", "delete"},
    "/api/enhancements/{id}/cancel/": {"post"},
    "/api/enhancements/{id}/retry/": {"post"},
    "/api/enhancements/{id}/rerun/": {"post"},
    "/api/enhancements/{id}/queue/": {"post"},
    "/api/batches/{id}/": {"get"},
    "/api/batches/{id}/download/": {"get"},
    "/api/models/": {"get"},
    "/api/auth/token/": {"post"},
    "/api/schema/": {"get"},
}


def test_schema_validates_without_warnings_and_lists_every_endpoint(tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    schema = yaml.safe_load(path.read_text())
    assert schema["openapi"].startswith("3.")
    assert {url: set(ops) - {"parameters"} for url, ops in schema["paths"].items()} == OPERATIONS
    display = schema["paths"]["/display"]["get"]
    assert {p["name"] for p in display["parameters"]} == {"id", "format", "output", "size"}
    assert set(display["responses"]) == {"200", "202", "400", "401", "404", "409", "500"}
    upload = schema["paths"]["/upload_img"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert {"image", "scale", "model", "quality_check"} <= set(
        schema["components"]["schemas"][upload["schema"]["$ref"].rsplit("/", 1)[1]]["properties"]
    )
    assert set(schema["components"]["securitySchemes"]) == {"tokenAuth", "cookieAuth"}


def test_schema_and_docs_are_served_without_a_cdn(client):
    assert client.get("/api/schema/").status_code == 200
    page = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in page and "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower() and "https://" not in page
