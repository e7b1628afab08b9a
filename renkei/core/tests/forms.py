"""Helpers for tests that post Django forms with formsets (the admin's inlines)."""


def management(prefix: str, total: int = 0, initial: int = 0) -> dict[str, str]:
    """The management form of the formset ``prefix``: how many forms are posted, how many existed."""
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
