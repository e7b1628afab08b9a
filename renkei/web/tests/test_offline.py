"""Every page, and the API's documentation, loads only what Renkei itself serves: no CDN, no web fonts."""

import re

import pytest

pytestmark = pytest.mark.django_db

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.I)


def test_the_api_docs_page_loads_swagger_from_our_own_static_files(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in page
    assert not EXTERNAL.search(page), EXTERNAL.findall(page)
    script = re.search(r'src="([^"]*swagger-ui-bundle[.]js)"', page).group(1)
    assert client.get(script).status_code == 200


@pytest.mark.parametrize("path", ["/", "/places/", "/library/", "/match/", "/api/v1/docs", "/login/"])
def test_no_page_loads_anything_from_elsewhere(client, path):
    response = client.get(path, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert not EXTERNAL.search(page), EXTERNAL.findall(page)
