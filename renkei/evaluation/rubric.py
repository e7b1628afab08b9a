"""The published rubric every evaluation is scored on: the six OECD-DAC criteria and mutual learning,
each with one question and a descriptor for each of four levels. The same text is shown on the
scoring form, on the public rubric page and in docs/algorithms/results.md."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from renkei.evaluation.models import Criterion

LEVELS = {
    4: _("Highly satisfactory"),
    3: _("Satisfactory"),
    2: _("Partly satisfactory"),
    1: _("Unsatisfactory"),
}


@dataclass(frozen=True)
class CriterionRubric:
    criterion: str
    question: str
    descriptors: dict[int, str]  # level → what it looks like

    @property
    def label(self) -> str:
        return str(Criterion(self.criterion).label)

    def rows(self) -> list[tuple[int, str, str]]:
        return [(level, str(LEVELS[level]), str(self.descriptors[level])) for level in (4, 3, 2, 1)]


RUBRIC = [
    CriterionRubric("relevance", _("Is the partnership doing the right things for both cities?"), {
        4: _("Answers priorities written in both cities' plans and was shaped by the people it serves; it "
             "was adjusted when needs changed."),
        3: _("Answers the main priorities of both cities; the match is shown for most of its activities."),
        2: _("Answers one city's priorities well and the other's only in part, or the match is asserted "
             "rather than shown."),
        1: _("The link to either city's priorities is unclear or no longer holds."),
    }),
    CriterionRubric("coherence", _("Does it fit with other work in the cities, the country and the programme?"), {
        4: _("Builds on and strengthens other national, donor and city initiatives; overlaps were "
             "avoided and synergies used."),
        3: _("Is consistent with related initiatives and takes account of them."),
        2: _("Some overlap or gaps with related initiatives were left unaddressed."),
        1: _("Duplicates or works against other initiatives."),
    }),
    CriterionRubric("effectiveness", _("Did it achieve its outcomes?"), {
        4: _("All outcome targets reached or on track, with evidence; results reach the intended groups."),
        3: _("Most outcome targets reached or on track; shortfalls are explained."),
        2: _("Some outputs delivered but outcomes largely at risk or unmeasured."),
        1: _("Outcomes off track or not evidenced."),
    }),
    CriterionRubric("efficiency", _("How well were resources used?"), {
        4: _("Delivered on time and within budget; costs compare well with similar exchanges; resources "
             "were shared between the sides."),
        3: _("Mostly on time and within budget, with reasonable costs."),
        2: _("Notable delays or overspending, partly justified."),
        1: _("Serious delays or costs out of proportion to what was delivered."),
    }),
    CriterionRubric("impact", _("What difference does it make beyond its outcomes?"), {
        4: _("Clear, evidenced contribution to lasting change in the cities (policies, services, "
             "investment), including unintended effects weighed."),
        3: _("Plausible contribution to wider change, with some evidence."),
        2: _("Wider change is possible but not yet evidenced."),
        1: _("No discernible contribution to wider change, or harmful effects."),
    }),
    CriterionRubric("sustainability", _("Will the benefits last?"), {
        4: _("Results are owned by both cities: budgets, staff and rules keep them going without the "
             "programme."),
        3: _("Most results are likely to continue; some depend on further support."),
        2: _("Continuation depends on one person, one grant or the programme."),
        1: _("Results are unlikely to outlast the partnership."),
    }),
    CriterionRubric("mutual_learning", _("Did both sides learn, and put what they learned to use?"), {
        4: _("Both sides' participants report clear gains and both sides adopted practices from the "
             "other (mutual learning score from 0.75)."),
        3: _("Both sides learned; adoption on at least one side (score 0.5 to 0.75)."),
        2: _("Learning was mostly one-way, or gains were small (score 0.25 to 0.5)."),
        1: _("Little or no learning evidenced on one side or both (score below 0.25)."),
    }),
]

BY_CRITERION = {row.criterion: row for row in RUBRIC}
