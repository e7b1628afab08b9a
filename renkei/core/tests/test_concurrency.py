import pytest
from django.test import RequestFactory

from renkei.core.concurrency import check_version, etag, expected_version
from renkei.core.errors import PreconditionFailed


def _request(**headers):
    return RequestFactory().patch("/", headers=headers)


def test_the_tag_names_the_version_and_reads_back():
    assert etag(3) == '"v3"'
    assert expected_version(_request(**{"If-Match": '"v3"'})) == 3
    assert expected_version(_request(**{"If-Match": 'W/"v12"'})) == 12


def test_no_header_or_a_star_checks_nothing():
    assert expected_version(_request()) is None
    assert expected_version(_request(**{"If-Match": "*"})) is None


@pytest.mark.parametrize("header", ['"abc"', '"v1", "v2"', "v3", '"v99999999999999999999999"'])
def test_a_tag_we_never_gave_fails_the_precondition(header):
    with pytest.raises(PreconditionFailed) as caught:
        expected_version(_request(**{"If-Match": header}))
    assert caught.value.status == 412
    assert "If-Match" in caught.value.errors


def test_a_stale_version_is_a_412():
    class Row:
        version = 4

    check_version(Row(), None)
    check_version(Row(), 4)
    with pytest.raises(PreconditionFailed):
        check_version(Row(), 3)
