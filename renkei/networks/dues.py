"""The dues formula, pure: base amount per tier × income-group factor × population-band factor,
kept between a floor and a cap, rounded to the cent. No Django; amounts are ``Decimal``.

    formula = {"base": {"full": "5000", "associate": "2000"},
               "income_factors": {"HIC": "1.5", "UMC": "1", "LMC": "0.6", "LIC": "0.3"},
               "population_bands": [{"up_to": 500000, "factor": "0.8"}, {"up_to": None, "factor": "1.2"}],
               "floor": "300", "cap": "12000", "currency": "USD"}

A factor that is not given (an organisation has no income group or population) is 1."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
ONE = Decimal("1")


@dataclass(frozen=True)
class Dues:
    amount: Decimal
    base: Decimal
    income_factor: Decimal
    population_factor: Decimal
    raw: Decimal
    limited: str  # "", "floor" or "cap": which bound moved the amount

    def breakdown(self) -> dict[str, str]:
        return {"base": str(self.base), "income_factor": str(self.income_factor),
                "population_factor": str(self.population_factor), "raw": str(self.raw), "limited": self.limited,
                "amount": str(self.amount)}


def _decimal(value: Any) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def population_factor(formula: dict[str, Any], population: int | None) -> Decimal:
    if population is None:
        return ONE
    for band in formula.get("population_bands") or []:
        up_to = band.get("up_to")
        if up_to is None or population <= int(up_to):
            return Decimal(str(band["factor"]))
    return ONE


def compute(formula: dict[str, Any], *, tier: str, income_group: str = "", population: int | None = None) -> Dues:
    """The dues of one member under ``formula`` (already validated)."""
    base = _decimal((formula.get("base") or {}).get(tier)) or Decimal("0")
    income = _decimal((formula.get("income_factors") or {}).get(income_group or "")) if income_group else None
    income = ONE if income is None else income
    people = population_factor(formula, population)
    raw = (base * income * people).quantize(CENT, rounding=ROUND_HALF_UP)
    amount, limited = raw, ""
    floor, cap = _decimal(formula.get("floor")), _decimal(formula.get("cap"))
    if base and floor is not None and amount < floor:
        amount, limited = floor, "floor"
    if cap is not None and amount > cap:
        amount, limited = cap, "cap"
    return Dues(amount=amount.quantize(CENT), base=base, income_factor=income, population_factor=people, raw=raw,
                limited=limited)


LARGEST_AMOUNT = Decimal("999999999999.99")  # what an invoice can hold (14 digits, 2 after the point)


def highest(formula: dict[str, Any]) -> Decimal:
    """The most any member could owe under ``formula``: the largest base times the largest factors
    (1 stands for a member with no income group, no population or a population past the last band),
    then held to the cap."""
    bases = [_decimal(v) or Decimal("0") for v in (formula.get("base") or {}).values()]
    incomes = [_decimal(v) or Decimal("0") for v in (formula.get("income_factors") or {}).values()]
    bands = [Decimal(str(b["factor"])) for b in formula.get("population_bands") or []]
    amount = max(bases, default=Decimal("0")) * max([*incomes, ONE]) * max([*bands, ONE])
    floor, cap = _decimal(formula.get("floor")), _decimal(formula.get("cap"))
    if floor is not None:
        amount = max(amount, floor)
    return min(amount, cap) if cap is not None else amount
