"""Today, the landing page of every staff role, and each of its lists on a page of its own."""

from flask import abort, current_app, render_template, request
from flask_login import current_user

from intake.audit import models as audit
from intake.audit.operations import record_event
from intake.auth.access import roles_required
from intake.auth.roles import CLINICAL, STAFF
from intake.clinic_time import clinic_today
from intake.extensions import db
from intake.home import bp
from intake.home.today import (
    COUNT_CAP,
    DAY_LISTS,
    PAGE_SIZE,
    RED_FLAGS,
    DayList,
    ListPage,
    PageKey,
    age_in_words,
    list_page,
    moment_in_words,
    today,
)


def _record_look(pages: list[ListPage], where: str) -> None:
    """Audit who looked at Today: which intakes' red flags were named to them."""
    named = [
        str(entry.record.id)
        for page in pages
        if page.day_list is RED_FLAGS and current_user.role in CLINICAL
        for entry in page.entries
    ]
    listed = sum(len(page.entries) for page in pages)
    detail = f"{where}: {listed} rows"
    if named:
        detail += "; red flags named for intakes " + ", ".join(named)
    record_event(audit.VIEW, record_type="today", detail=detail)
    db.session.commit()


def _count_cap() -> int:
    return int(current_app.config.get("TODAY_COUNT_CAP", COUNT_CAP))


@bp.route("/")
@roles_required(*STAFF)
def index():
    pages = today(current_user.id, current_user.role, count_cap=_count_cap())
    # Drawn before the commit that records the look, which would expire every row it shows.
    html = render_template(
        "home/today.html", pages=pages, day=clinic_today(), age_of=age_in_words, when=moment_in_words
    )
    _record_look(pages, "Today")
    return html


def _show_list(day_list: DayList):
    if current_user.role not in day_list.roles:
        abort(403)
    after = PageKey.decode(request.args.get("after"))
    page = list_page(
        day_list,
        current_user.id,
        current_user.role,
        after,
        page_size=current_app.config.get("TODAY_PAGE_SIZE", PAGE_SIZE),
        count_cap=_count_cap(),
    )
    html = render_template(
        "home/list.html", page=page, day=clinic_today(), age_of=age_in_words, when=moment_in_words
    )
    _record_look([page], day_list.title)
    return html


def _register_list_page(day_list: DayList) -> None:
    def view():
        return _show_list(day_list)

    view.__name__ = "list_" + day_list.slug.replace("-", "_")
    view.__doc__ = f"Show every row of “{day_list.title}”, a page at a time."
    bp.add_url_rule(f"/today/{day_list.slug}", view.__name__, roles_required(*day_list.roles)(view))


for _day_list in DAY_LISTS:
    _register_list_page(_day_list)
