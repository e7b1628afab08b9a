"""A strict Content-Security-Policy on every answer, and no template that would need it loosened."""

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

RENKEI = Path(__file__).resolve().parents[2]
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)


@pytest.mark.parametrize("path", ["/", "/places/", "/library/", "/match/", "/api/v1/places", "/api/v1/docs",
                                  "/healthz", "/no-such-page/"])
def test_every_answer_carries_the_policy(client, path):
    policy = client.get(path)["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for template in RENKEI.rglob("templates/**/*.html"):
        text = template.read_text()
        if INLINE_HANDLER.search(text) or INLINE_SCRIPT.search(text):
            offenders.append(str(template.relative_to(RENKEI)))
    assert offenders == []
