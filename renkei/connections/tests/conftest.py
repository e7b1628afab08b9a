"""Shared fixtures: a place with its focal point, and a way to add connected people."""

from datetime import date

import pytest

from renkei.connections import services


@pytest.fixture
def consent():
    return {"purpose": "Keep in touch about the city", "scope": "contact", "given_on": "2024-04-01",
            "source": "signed form at the study tour"}


@pytest.fixture
def person_data(consent):
    return {"name": "Sample Person", "kind": "volunteer", "since": "2020-05-01", "country": "JP",
            "prefecture": "13", "stage": 2, "consent": consent}


@pytest.fixture
def add(place, consent):
    """Add a connected person to ``place`` (as the system) with the given fields."""
    from renkei.accounts.permissions import SYSTEM

    def make(n: int = 1, **fields):
        made = []
        for i in range(n):
            data = {"name": f"Person {i}", "kind": "volunteer", "since": date(2020, 5, 1), "country": "JP",
                    "prefecture": "13", "stage": 1, "consent": consent, **fields}
            made.append(services.person_create(actor=SYSTEM, place=fields.pop("place", place), data=data))
        return made if n != 1 else made[0]
    return make
