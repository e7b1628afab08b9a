import pytest

from renkei.core.audit import audit_history, audit_record, diff
from renkei.core.errors import ApplicationError


def test_diff_keeps_only_changes():
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3}) == {"b": [2, 3]}


def test_application_error_shape():
    err = ApplicationError("name: is required", field="name")
    assert err.as_dict() == {"error": {"code": "invalid", "message": "name: is required",
                                       "fields": {"name": ["name: is required"]}}}


@pytest.mark.django_db
def test_history_of_an_object(place, officer):
    audit_record(actor=officer, action="update", obj=place, changes={"population": [1, 2]})
    history = list(audit_history(place))
    assert len(history) == 1 and history[0].actor == officer
