"""The gunicorn settings of ``renkei serve`` warm each worker up before it takes requests."""

import pytest

from renkei.config import gunicorn


@pytest.mark.django_db
def test_post_worker_init_warms_the_worker(monkeypatch):
    ran = []
    monkeypatch.setattr("renkei.web.warmup.warm", lambda: ran.append(True) or {})
    gunicorn.post_worker_init(worker=None)
    assert ran == [True]
