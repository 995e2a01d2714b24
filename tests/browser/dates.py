"""Filling the portal's dates in browser tests: every date is three boxes Jour / Mois / Année
(rar_app/date_parts.py). The day box carries the field's id, the others `<id>-month` and
`<id>-year`: `fill_date(page, "date_of_birth", "1990-03-14")`, or
`fill_date(page, "bo-issued_at", date.today())`."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect


def _parts(value: str | date) -> tuple[str, str, str]:
    text = value.isoformat() if isinstance(value, date) else str(value)
    year, month, day = text.split("-")
    return str(int(day)), str(int(month)), year


def fill_date(page, field_id: str, value: str | date) -> None:
    """Type an ISO date (or a `date`) into the three boxes of the date `field_id`."""
    day, month, year = _parts(value)
    page.fill(f"#{field_id}", day)
    page.fill(f"#{field_id}-month", month)
    page.fill(f"#{field_id}-year", year)


def fill_date_parts(page, field_id: str, day: str, month: str, year: str) -> None:
    """Type the three boxes as given (wrong values included, to test the checks)."""
    page.fill(f"#{field_id}", day)
    page.fill(f"#{field_id}-month", month)
    page.fill(f"#{field_id}-year", year)


def expect_date(page, field_id: str, value: str | date) -> None:
    """The three boxes of `field_id` show the ISO date `value` (« 14 », « 3 », « 1990 »)."""
    day, month, year = _parts(value)
    expect(page.locator(f"#{field_id}")).to_have_value(day)
    expect(page.locator(f"#{field_id}-month")).to_have_value(month)
    expect(page.locator(f"#{field_id}-year")).to_have_value(year)
