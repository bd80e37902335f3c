"""Every page a role can reach, at 390, 768 and 1280 px: axe-core finds no serious or critical WCAG 2.2 AA
violation, no target is under 24 × 24 px (primary buttons at least 44 px tall), and nothing scrolls sideways.

axe-core is vendored under tests/browser/vendor (never served) and evaluated through Playwright, which the
app's content security policy does not govern; the policy itself is untouched. One browser, one context per
role and width, each page loaded once per width; the findings are printed by check, rule and page, so a
regression reads as what broke where.
"""

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from intake.questionnaire import check_in_steps
from intake.questionnaire import steps as q
from tests.conftest import PASSWORD
from tests.fixtures.security import OtherPatientWorld

pytestmark = pytest.mark.db_independent  # browser flows run once, on SQLite

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
#: WCAG 2.0, 2.1 and 2.2, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
WIDTHS = (390, 768, 1280)
HEIGHT = {390: 844, 768: 1024, 1280: 800}
RESULTS = Path("test-results")
#: Pages photographed at every width, to be looked at: (page name, file stem).
SCREENSHOTS = {"chart": "chart", "visit note (draft)": "visit-note", "pain check-in": "body-map"}
SMALLEST_TARGET = 24
SMALLEST_PRIMARY_HEIGHT = 44

#: What the checks still find, as (check, width, page, rule or element): asserted exactly, so an entry
#: fixed or a new finding both fail the test. Empty is the goal.
KNOWN_FAILURES: frozenset[tuple[str, int, str, str]] = frozenset()

#: The check-in's last page: its patient pages are walked once the app has it.
CHECK_IN_THANK_YOU = "intake_link.check_in_thank_you"
#: GET routes that are not pages a person reads: downloads, machine answers and redirects.
NOT_PAGES = {
    "static",
    "health.healthz",
    "auth.session_status",
    "audit.export",
    "outcomes.export",
    "pain.export",
    "printout.chart_pdf",
    "fhir.fhir_record",
    "fhir.visits_export",
    "fhir.own_record",
    "intake_link.link_resume",  # redirects to the first unfinished step
    "intake_link.kiosk_resume",
    "intake_link.link_confirm",  # redirects unless answers saved under an earlier grant need a date of birth
    "intake_link.kiosk_confirm",
    "intake_link.kiosk_urgent_advice",  # the link's page, under /kiosk
}


@dataclass(frozen=True)
class Visit:
    """One page to load: who, a readable name, the URL path and the route it exercises."""

    role: str
    name: str
    path: str
    endpoint: str


def _staff_pages(world: OtherPatientWorld, *, fresh_patient_id: int, with_check_in: bool) -> list[Visit]:
    b = world.patient_b_id
    chart = f"/patients/{b}"
    pages = {
        "practitioner": [
            ("Today", "/", "home.index"),
            ("Today: unsigned notes", "/today/drafts", "home.list_drafts"),
            ("Today: red flags", "/today/red-flags", "home.list_red_flags"),
            ("Today: intakes to review", "/today/not-reviewed", "home.list_not_reviewed"),
            ("Today: patients seen", "/today/seen", "home.list_seen"),
            ("patient list", "/patients/", "patients.index"),
            ("patient search", "/patients/?q=Bea", "patients.index"),
            ("chart", chart, "patients.chart"),
            ("intake", f"{chart}/intakes/{world.b_intake_id}", "intake.show"),
            ("red flags", f"{chart}/intakes/{world.b_intake_id}/red-flags", "intake.red_flags"),
            ("pain history", f"{chart}/pain/", "pain.history"),
            ("pain table", f"{chart}/pain/table", "pain.table"),
            ("pain check-in", f"{chart}/pain/check-in", "pain.check_in"),
            ("visits", f"{chart}/visits", "visits.index"),
            ("visit note (draft)", f"{chart}/visits/{world.b_draft_visit_id}/edit", "visits.edit"),
            ("visit note (signed)", f"{chart}/visits/{world.b_visit_id}", "visits.show"),
            ("amendment", f"{chart}/visits/{world.b_visit_id}/amend", "visits.amend"),
            ("point search", "/visits/points?q=BL23", "visits.point_search"),
            ("protocols", "/visits/protocols", "visits.protocols"),
            ("print chart", f"{chart}/printout/", "printout.choose"),
            ("start an episode", f"{chart}/episodes/new", "outcomes.start"),
            ("progress", f"{chart}/episodes/{world.b_episode_id}", "outcomes.progress"),
            ("outcomes report", "/outcomes/", "outcomes.report"),
            ("account", "/account", "auth.account"),
            ("change password", "/account/password", "auth.change_password"),
            ("2-step setup", "/account/two-step", "auth.two_step_setup"),
        ],
        "front_desk": [
            ("Today", "/", "home.index"),
            ("Today: open links", "/today/links", "home.list_links"),
            ("Today: open tablets", "/today/tablets", "home.list_tablets"),
            ("patient list", "/patients/", "patients.index"),
            ("new patient", "/patients/new", "patients.create"),
            ("chart", chart, "patients.chart"),
            ("edit patient", f"{chart}/edit", "patients.edit"),
            ("archive patient", f"{chart}/archive/confirm", "patients.confirm_archive"),
            ("start intake", f"/patients/{fresh_patient_id}/intakes/start", "intake.start"),
            ("account", "/account", "auth.account"),
        ],
        "admin": [
            ("Today", "/", "home.index"),
            ("chart", chart, "patients.chart"),
            ("staff", "/staff/", "staff.index"),
            ("new staff account", "/staff/new", "staff.create"),
            ("edit staff account", f"/staff/{world.user_id('other_practitioner')}/edit", "staff.edit"),
            (
                "reset password",
                f"/staff/{world.user_id('other_practitioner')}/password",
                "staff.reset_password",
            ),
            ("sign-in security", "/staff/sign-in-security", "staff.sign_in_security"),
            ("merge charts", "/staff/charts/merge", "staff.merge_charts"),
            ("audit log", "/audit/", "audit.index"),
            ("audit log of one person", f"/audit/?user_id={world.user_id('practitioner')}", "audit.index"),
            ("account", "/account", "auth.account"),
        ],
    }
    if with_check_in:
        pages["front_desk"].append(
            (
                "start check-in",
                f"/patients/{fresh_patient_id}/intakes/check-in/start",
                "intake.start_check_in",
            )
        )
    return [
        Visit(role, name, path, endpoint)
        for role, entries in pages.items()
        for name, path, endpoint in entries
    ]


def _patient_pages(world: OtherPatientWorld, check_in_token: str | None) -> list[Visit]:
    """The intake through a link, and the return-visit check-in once its pages exist (``check_in_token``)."""
    link = f"/i/{world.a_link_token}"
    pages = [
        Visit("patient", f"intake step {n}: {step.key}", f"{link}/{step.key}", "intake_link.link_step")
        for n, step in enumerate(q.STEPS, start=1)
    ]
    pages.append(Visit("patient", "urgent advice", f"{link}/urgent-advice", "intake_link.link_urgent_advice"))
    pages.append(Visit("patient", "thank you", "/intake/thank-you", "intake_link.thank_you"))
    pages.append(Visit("patient", "link unavailable", "/i/not-a-real-link/contact", "intake_link.link_step"))
    if check_in_token:
        pages += [
            Visit(
                "patient",
                f"check-in step {n}: {step.key}",
                f"/i/{check_in_token}/{step.key}",
                "intake_link.link_step",
            )
            for n, step in enumerate(check_in_steps.STEPS, start=1)
        ]
        pages.append(Visit("patient", "check-in thank you", "/check-in/thank-you", CHECK_IN_THANK_YOU))
    return pages


def _has_check_in_pages(app) -> bool:
    return CHECK_IN_THANK_YOU in {rule.endpoint for rule in app.url_map.iter_rules()}


#: Measures each visible interactive element; returns the undersized ones and the short primary buttons.
TARGETS_SCRIPT = """([smallest, primaryHeight]) => {
  const INTERACTIVE = 'a[href], button, input:not([type=hidden]), select, textarea, summary, label, '
    + '[role=button], [role=link], [role=checkbox], [role=radio], [role=switch], [role=tab], [role=option], '
    + '[tabindex]:not([tabindex="-1"])';
  const CONTROL = 'input:not([type=hidden]), select, textarea';
  const BLOCK = /^(block|flex|grid|list-item|table-cell|table-caption|flow-root)$/;
  const hidden = (el, box) => !el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})
    || box.width === 0 || box.height === 0
    || (box.width <= 1 && box.height <= 1)                      // visually hidden, for screen readers
    || box.right <= 0 || box.bottom <= 0;                       // parked off screen until focused (skip link)
  // WCAG 2.5.8 "inline": a link inside a sentence, its height set by the line of text around it. Narrowly: an
  // <a> laid out inline whose nearest block holds running text of its own outside any link or control.
  const inSentence = (el) => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    let block = el.parentElement;
    while (block && !BLOCK.test(getComputedStyle(block).display)) block = block.parentElement;
    if (!block) return false;
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim()) continue;
      if (node.parentElement.closest('a, button, label, summary, select, textarea, [role=button]')) continue;
      return true;
    }
    return false;
  };
  const describe = (el) => {
    const text = (el.getAttribute('aria-label') || el.textContent || el.getAttribute('name') || el.id || '')
      .replace(/\\s+/g, ' ').trim().slice(0, 40);
    const tag = el.tagName.toLowerCase() + (el.type && el.tagName === 'INPUT' ? `[${el.type}]` : '');
    return `${tag} "${text}"`;
  };
  const small = [], short = [];
  for (const el of document.querySelectorAll(INTERACTIVE)) {
    if (el.tagName === 'LABEL' && !el.querySelector(CONTROL)) continue;  // only a label wrapping its control
    const box = el.getBoundingClientRect();
    if (hidden(el, box) || inSentence(el)) continue;
    if (box.width < smallest - 0.5 || box.height < smallest - 0.5) {
      small.push(`${describe(el)} ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
    if (el.matches('.button--primary') && box.height < primaryHeight - 0.5) {
      short.push(`${describe(el)} ${Math.round(box.height)} px tall`);
    }
  }
  return {small, short};
}"""

AXE_SCRIPT = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return results.violations.map((v) => ({id: v.id, impact: v.impact,
    nodes: v.nodes.map((n) => n.target.join(' ') + ' ' + (n.failureSummary || '').split('\\n').slice(1, 2).join(''))}));
}"""

SIDEWAYS_SCRIPT = """() => {
  const root = document.scrollingElement;
  const wide = [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > innerWidth + 1
    && !el.closest('.table-scroll, [data-scrolls]')).slice(0, 3).map((el) => el.tagName.toLowerCase()
    + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : ''));
  return {scrollWidth: root.scrollWidth, innerWidth, wide};
}"""


def _sign_in(context: BrowserContext, base: str, email: str) -> Page:
    page = context.new_page()
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Patients", exact=True)).to_be_visible()
    return page


def _check(page: Page, width: int, name: str, findings: set, details: list) -> None:
    """Run the three checks on the loaded page, adding (check, width, page, what) to ``findings``."""
    page.evaluate(AXE_SOURCE + "\n;undefined")
    for violation in page.evaluate(AXE_SCRIPT, WCAG_TAGS):
        if violation["impact"] in BLOCKING_IMPACTS:
            findings.add(("axe", width, name, violation["id"]))
            details.append(
                f"axe {violation['impact']} {violation['id']} @ {width} {name}: {violation['nodes'][:3]}"
            )
    targets = page.evaluate(TARGETS_SCRIPT, [SMALLEST_TARGET, SMALLEST_PRIMARY_HEIGHT])
    for target in targets["small"]:
        findings.add(("target under 24 px", width, name, target.rsplit(" ", 1)[0]))
        details.append(f"target under 24 px @ {width} {name}: {target}")
    for target in targets["short"]:
        findings.add(("primary under 44 px", width, name, target.rsplit(" ", 3)[0]))
        details.append(f"primary button under 44 px @ {width} {name}: {target}")
    sideways = page.evaluate(SIDEWAYS_SCRIPT)
    if sideways["scrollWidth"] > sideways["innerWidth"]:
        findings.add(("scrolls sideways", width, name, ""))
        details.append(f"scrolls sideways @ {width} {name}: {sideways}")


def _load(page: Page, base: str, visit: Visit) -> None:
    response = page.goto(base + visit.path)
    assert response is not None
    expected = 404 if visit.name == "link unavailable" else 200
    assert response.status == expected, f"{visit.role} {visit.name}: {response.status} for {visit.path}"
    page.wait_for_load_state("load")


def _report(width: int, findings: set, details: list, pages: int) -> str:
    """Say the findings by check and rule, by page, then each one."""
    by_rule = Counter((check, what if check == "axe" else "") for check, _w, _page, what in findings)
    by_page = Counter(page for _check, _w, page, _what in findings)
    lines = [f"=== {width} px: {pages} pages, {len(findings)} findings ==="]
    lines += [f"  {check} {rule}: {count}" for (check, rule), count in sorted(by_rule.items())]
    lines += [f"  page {page}: {count}" for page, count in sorted(by_page.items())]
    lines += [f"    {line}" for line in sorted(details)]
    return "\n".join(lines)


@dataclass(frozen=True)
class Clinic:
    world: OtherPatientWorld
    fresh_patient_id: int  # no intake yet: front desk sends the link and hands over the tablet
    check_in_token: str | None  # patient B's check-in link, once the check-in's pages exist


@pytest.fixture
def clinic(other_patient_world, make_patient, make_treatment_history, app) -> Clinic:
    """The two-patient clinic, with a pain history and a check-in link on B's chart and a patient without an intake."""
    from intake.auth.models import User
    from intake.extensions import db
    from intake.patients.models import Patient
    from intake.questionnaire import operations

    world = other_patient_world
    with app.app_context():
        patient = db.session.get(Patient, world.patient_b_id)
        practitioner = db.session.get(User, world.user_id("practitioner"))
        db.session.expunge_all()
    make_treatment_history(patient, practitioner, visits=4, regions=("lower_back_l", "lower_back_c", "hip_r"))
    fresh = make_patient(first_name="Nadia", last_name="Fresh")
    check_in_token = None
    if _has_check_in_pages(app):
        with app.test_request_context():
            _check_in, check_in_token, _grant = operations.send_check_in_link(
                db.session.get(Patient, world.patient_b_id),
                by=db.session.get(User, world.user_id("practitioner")),
            )
            db.session.commit()
    return Clinic(world, fresh.id, check_in_token)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_passes_axe_touch_targets_and_no_sideways_scroll(
    browser: Browser, live_server, clinic, width
):
    world, fresh_patient_id = clinic.world, clinic.fresh_patient_id
    RESULTS.mkdir(exist_ok=True)
    viewport = {"width": width, "height": HEIGHT[width]}
    findings: set[tuple[str, int, str, str]] = set()
    details: list[str] = []
    visits = [
        *_staff_pages(world, fresh_patient_id=fresh_patient_id, with_check_in=bool(clinic.check_in_token)),
        *_patient_pages(world, clinic.check_in_token),
    ]
    emails = {role: world.email(role) for role in ("practitioner", "front_desk", "admin")}

    anonymous = browser.new_context(viewport=viewport, has_touch=True)
    page = anonymous.new_page()
    page.goto(f"{live_server}/login")
    _check(page, width, "login", findings, details)
    page.get_by_label("Email").fill(emails["practitioner"])
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    _check(page, width, "login refused", findings, details)
    anonymous.close()

    for role in ("patient", "practitioner", "front_desk", "admin"):
        context = browser.new_context(viewport=viewport, has_touch=True)
        page = context.new_page() if role == "patient" else _sign_in(context, live_server, emails[role])
        for visit in (each for each in visits if each.role == role):
            _load(page, live_server, visit)
            _check(page, width, f"{role} {visit.name}", findings, details)
            if role == "practitioner" and visit.name in SCREENSHOTS:
                page.screenshot(
                    path=str(RESULTS / f"a11y-{SCREENSHOTS[visit.name]}-{width}.png"), full_page=True
                )
        if role == "front_desk":  # a refused form, the link a patient is given, then the tablet handed over
            page.goto(f"{live_server}/patients/new")
            page.get_by_role("button", name="Save patient").click()
            expect(page.locator(".field__error").first).to_be_visible()
            _check(page, width, "front_desk new patient refused", findings, details)
            page.goto(f"{live_server}/patients/{fresh_patient_id}/intakes/start")
            page.get_by_role("button", name="Get a link for the patient's phone").click()
            _check(page, width, "front_desk intake link", findings, details)
            page.goto(f"{live_server}/patients/{fresh_patient_id}/intakes/start")
            page.get_by_role("button", name="Sign me out and hand the tablet to the patient").click()
            for step in (q.CONTACT, q.PAIN, q.REVIEW):
                page.goto(f"{live_server}/kiosk/{step}")
                _check(page, width, f"tablet intake {step}", findings, details)
        context.close()

    report = _report(width, findings, details, len(visits) + 7)
    print(report)
    expected = {each for each in KNOWN_FAILURES if each[1] == width}
    assert findings == expected, (
        f"{report}\nnew: {sorted(findings - expected)}\nfixed (remove from KNOWN_FAILURES): {sorted(expected - findings)}"
    )


def test_every_page_a_person_reads_is_checked(app, other_patient_world):
    """A new page is checked the day it is added: each GET route is visited above or named in NOT_PAGES."""
    world = other_patient_world
    check_in_token = "token" if _has_check_in_pages(app) else None
    walked = (
        *_staff_pages(world, fresh_patient_id=0, with_check_in=bool(check_in_token)),
        *_patient_pages(world, check_in_token),
    )
    visited = {visit.endpoint for visit in walked} | {"auth.login", "intake_link.kiosk_step"}
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    assert routes - visited - NOT_PAGES == set(), (
        "add each new page to the accessibility walk (or to NOT_PAGES)"
    )
    assert visited - routes == set()


CHECKS_FIXTURE = """<!doctype html><html lang="en"><head><title>Checks</title><style>
  body { font: 16px/1.5 sans-serif; margin: 0; }
  .tiny { width: 12px; height: 12px; padding: 0; }
  .primary { height: 40px; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .wide { width: 2000px; height: 10px; }
  .big { display: block; min-height: 30px; }
</style></head><body><main>
  <h1>Checks</h1>
  <p>Read <a href="#a" id="in-sentence">the consent</a> before you sign.</p>
  <table><tr><td><a href="#b" id="alone-in-cell">C-001002</a></td></tr></table>
  <button class="tiny" id="tiny-button" aria-label="Close"></button>
  <button class="button--primary primary" id="short-primary">Save</button>
  <button hidden id="hidden-button">Hidden</button>
  <label class="big"><input type="checkbox" class="visually-hidden" id="hidden-box"> A label big enough</label>
  <input type="text" class="big" id="unlabelled">
  %s
</main></body></html>"""


@pytest.mark.parametrize("wide", [False, True])
def test_the_checks_find_small_targets_short_primaries_missing_labels_and_sideways_scroll(page: Page, wide):
    """Each check can fail: a 12 px button, a lone link, a 40 px primary, an unlabelled field, a 2000 px row."""
    page.set_viewport_size({"width": 768, "height": 1024})
    page.set_content(CHECKS_FIXTURE % ('<div class="wide"></div>' if wide else ""))
    findings: set = set()
    details: list = []
    _check(page, 768, "fixture", findings, details)
    expected = {
        ("axe", 768, "fixture", "label"),
        ("axe", 768, "fixture", "target-size"),  # WCAG 2.2's own rule runs too
        ("target under 24 px", 768, "fixture", 'button "Close"'),
        ("target under 24 px", 768, "fixture", 'a "C-001002"'),
        ("primary under 44 px", 768, "fixture", 'button "Save"'),
    }
    if wide:
        expected.add(("scrolls sideways", 768, "fixture", ""))
    # Not found: the link inside a sentence, the hidden button, the visually hidden box (its label is 24 px+).
    assert findings == expected, details
