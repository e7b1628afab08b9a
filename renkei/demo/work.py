"""Sample work for the demo accounts' start pages ("my work"), so each role opens on something to do:
an open call (invented for the demo, dated from the day the demo is loaded) with applications, one
waiting for a reviewer, the demo reviewer's seats (one waiting for a conflict declaration, one with
scores begun but not submitted, one reviewed, so the committee view ranks it), and a milestone coming
up in Kamaishi's partnership. Every record says it is sample data.
Idempotent: a second run changes nothing (unless the sample call's deadline has passed: it opens again)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from renkei.accounts.models import User
from renkei.partnerships.models import Action, Milestone, Objective, Partnership
from renkei.places.models import Place
from renkei.programmes.models import Application, Call, Criterion, Programme, Question, ReviewAssignment, Score

SAMPLE = {"en": " (sample data invented for the demo)", "ja": "（デモ用に作成した架空のデータ）"}


@transaction.atomic
def work_demo_load() -> int:
    """Returns how many records it created."""
    programme = Programme.objects.filter(slug="world-bank-city-partnership-program").first()
    if programme is None:
        return 0
    created = 0
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    call, made = Call.objects.get_or_create(slug="cpp-sample-open-call", defaults={
        "programme": programme,
        "title": {"en": "City Partnership Program: sample open call" + SAMPLE["en"],
                  "ja": "シティ・パートナーシップ・プログラム 公募の例" + SAMPLE["ja"]},
        "description": {"en": "An open call so that focal points have something to apply to and reviewers something "
                              "to review. It did not happen: the real 2016 call is the decided one.",
                        "ja": "フォーカルポイントが応募でき、審査員が審査できるようにするための公募例です。"
                              "実在しません（実際の2016年公募は決定済みのものです）。"},
        "opens_at": now - timedelta(days=20), "closes_at": now + timedelta(days=40),
        "timezone": "Asia/Tokyo", "places_to_select": 2, "status": Call.Status.OPEN})
    created += made
    if not made and call.closes_at <= now:  # a demo loaded long ago: the sample call opens again
        Call.objects.filter(pk=call.pk).update(opens_at=now - timedelta(days=20), closes_at=now + timedelta(days=40),
                                               status=Call.Status.OPEN)
    if made:
        Question.objects.create(call=call, position=0, text={
            "en": "Which experience can your city share with partner cities?",
            "ja": "貴市がパートナー都市と共有できる経験は何ですか。"})
        for n, (en, ja, w) in enumerate([("Relevance to partner cities' needs", "パートナー都市のニーズとの関連性", 2),
                                         ("Capacity to host learning activities", "学習活動の受け入れ体制", 1)]):
            Criterion.objects.create(call=call, position=n, name={"en": en, "ja": ja}, weight=w)
    applications = {}
    for slug in ("kitakyushu", "kobe", "toyama", "yokohama"):
        place = Place.objects.filter(slug=slug).first()
        if place is None:
            continue
        applications[slug], made = Application.objects.get_or_create(call=call, place=place, defaults={
            "status": Application.Status.SUBMITTED, "submitted_at": now - timedelta(days=5)})
        created += made
    reviewer = User.objects.filter(username="reviewer").first()
    if reviewer is not None:
        # kitakyushu: waiting for the reviewer's conflict declaration; kobe: declared, waiting for scores;
        # toyama: no reviewer yet (the officer's start page counts it).
        # yokohama: reviewed (scores submitted: the committee view ranks it).
        criteria = list(call.criteria.order_by("position"))
        for slug, conflicted, scores, submitted in (("kitakyushu", None, (), False), ("kobe", False, (4,), False),
                                                    ("yokohama", False, (5, 3), True)):
            if slug in applications:
                seat, made = ReviewAssignment.objects.get_or_create(
                    application=applications[slug], reviewer=reviewer, defaults={
                        "conflicted": conflicted, "submitted_at": now - timedelta(days=2) if submitted else None})
                created += made
                for criterion, value in zip(criteria, scores, strict=False):
                    _score, made = Score.objects.get_or_create(assignment=seat, criterion=criterion, defaults={
                        "value": value, "comment": "Sample score" + SAMPLE["en"]})
                    created += made
    partnership = Partnership.objects.filter(slug="jica-kamaishi-banda-aceh").first()
    if partnership is not None and not Objective.objects.filter(partnership=partnership,
                                                                text__en__endswith=SAMPLE["en"]).exists():
        objective = Objective.objects.create(partnership=partnership, position=99, text={
            "en": "Share the evacuation drill programme" + SAMPLE["en"],
            "ja": "避難訓練プログラムを共有する" + SAMPLE["ja"]})
        action = Action.objects.create(objective=objective, title={
            "en": "Joint evacuation drill", "ja": "合同避難訓練"}, starts_on=timezone.localdate(),
            due_on=timezone.localdate() + timedelta(days=90), status=Action.Status.IN_PROGRESS)
        Milestone.objects.create(action=action, due_on=timezone.localdate() + timedelta(days=30), title={
            "en": "Drill plan agreed by both cities", "ja": "両市で訓練計画に合意"})
        created += 3
    return created
