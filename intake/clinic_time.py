"""The clinic's clock: times are stored in UTC and shown in the clinic's time zone."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from intake.database import utcnow

__all__ = ["utcnow", "clinic_zone", "to_clinic_time", "clinic_today", "format_datetime", "format_date"]


def clinic_zone() -> ZoneInfo:
    """Return the clinic's time zone from config."""
    return ZoneInfo(current_app.config["CLINIC_TIMEZONE"])


def to_clinic_time(moment: datetime) -> datetime:
    """Convert an aware datetime to the clinic's local time (UTC at the calendar's very ends, which have no local time)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(clinic_zone())
    except OverflowError:  # e.g. 0001-01-01 00:00 UTC is still year 0 in Edmonton
        return moment


def clinic_today() -> date:
    """Return today's date in the clinic's time zone."""
    return utcnow().astimezone(clinic_zone()).date()


def clinic_local_to_utc(local: datetime) -> datetime:
    """Interpret a naive datetime typed at the clinic as clinic-local time and return UTC."""
    return local.replace(tzinfo=clinic_zone()).astimezone(UTC)


def format_datetime(moment: datetime | None) -> str:
    """Format a stored time for display, e.g. 'Nov 25, 2026 9:05 AM'."""
    if moment is None:
        return ""
    local = to_clinic_time(moment)
    return local.strftime("%b %-d, %Y %-I:%M %p")


def format_date(day: date | None) -> str:
    """Format a date for display, e.g. '1978-03-14'."""
    if day is None:
        return ""
    return day.isoformat()


def to_the_moment(typed: datetime, now: datetime) -> datetime:
    """Return a time typed to the minute as ``now`` when it is ``now``'s minute, else as typed.

    Forms show minutes, but a check-in or visit entered "now" happened after whatever was
    recorded earlier in the same minute (an intake just submitted), and must sort after it.
    """
    if typed.replace(second=0, microsecond=0) == now.replace(second=0, microsecond=0):
        return now
    return typed
