"""Date arithmetic of the monitoring rules, pure Python."""

from __future__ import annotations

import calendar
import datetime as dt


def add_calendar_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later; the month's last day when that month
    is shorter (31 August + 3 months = 30 November)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
