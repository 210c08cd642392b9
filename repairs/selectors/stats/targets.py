"""The complaint target: at most two repair complaints a month per building; complaints per building
per calendar month over the last three months (counted by ``volume.volumes``, no query of its own)."""

from .periods import MONTH, period_starts

COMPLAINT_TARGET_PER_MONTH = 2
TARGET_MONTHS = 3


def target_months(today) -> list:
    """The first days of the months the target table shows: the last three, the current one last."""
    return period_starts(MONTH, TARGET_MONTHS, today)


def complaint_targets(complaints_by_month: dict) -> list[dict]:
    """Rows {"building", "months": [n…], "over": [bool…], "over_now"}, most complaints this month first."""
    return sorted(
        ({"building": name, "months": counts, "over": [n > COMPLAINT_TARGET_PER_MONTH for n in counts],
          "over_now": counts[-1] > COMPLAINT_TARGET_PER_MONTH} for name, counts in complaints_by_month.items()),
        key=lambda r: (-r["months"][-1], r["building"]))
