"""Events the places services emit after their writes commit (see ``core/hooks.py``).

``PROFILE_CHANGED`` (``place_id``): what a place offers or asks for changed — the place itself,
one of its needs or expertise statements — so whatever embeds or indexes profiles (matching)
should look at that place again. Emitted by place create/update/delete, need and expertise
create/update/delete, and so by every import and the admin, which write through those services.
"""

PROFILE_CHANGED = "places.profile_changed"
