"""``GET /api/v1/me/work``: the signed-in user's start page as JSON — the same sections, counts and
links as the home page shows them (``web/work.py``), in the reader's language."""

from __future__ import annotations

from ninja import Field, Router, Schema

from renkei.accounts.api_auth import AUTH
from renkei.core.schemas import ErrorOut
from renkei.web.work import my_work, signed_in_as

router = Router(tags=["me"])


class WorkItemOut(Schema):
    key: str = Field(description="stable: what the item counts (with `:slug` or `:id` for one record's line)")
    label: str = Field(description="in the reader's language (Accept-Language)")
    count: int | None = Field(description="null for a line that names one thing (a deadline, a milestone)")
    url: str = Field(description="the web page to act on it")
    note: str
    attention: bool = Field(description="the count asks for action")


class WorkSectionOut(Schema):
    role: str = Field(description="the role the section is for: focal_point, programme_officer, reviewer, "
                                  "knowledge_manager, evaluator, network_secretariat, administrator")
    title: str
    items: list[WorkItemOut]


class MeOut(Schema):
    username: str
    name: str
    roles: list[str]
    role_names: list[str] = Field(description="the roles in the reader's language")


class MyWorkOut(Schema):
    user: MeOut
    sections: list[WorkSectionOut]


@router.get("/me/work", response={200: MyWorkOut, 401: ErrorOut}, auth=AUTH, operation_id="me_work",
            summary="What needs the signed-in user, per role they hold, with counts and links")
def me_work(request):
    return {"user": signed_in_as(request.auth), "sections": [s.as_dict() for s in my_work(request.auth)]}
