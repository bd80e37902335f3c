"""The bench's HTTP side: a signed-in session to 127.0.0.1, the pages to load, and the draft-saving loop."""

import http.client
import re
import time
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from sqlalchemy import create_engine, text

from benchmarks.bench_app import FLOOR, LOOKED_FLOOR, QUERIES_HEADER, SIGNED_IN_FLOOR

#: The demo practitioner the bench signs in as (intake/demo.py).
EMAIL = "mei.chen@clinic.example"
PASSWORD = "demo-practitioner-2026"
#: The demo administrator, for the audit log (only administrators read it).
ADMIN_EMAIL = "admin@clinic.example"
ADMIN_PASSWORD = "demo-admin-pass-2026"


def needs_admin(path: str) -> bool:
    return path.startswith("/audit/")


#: Next links followed on the patient list to find a deep page.
DEEP_PAGES = 5
#: The draft-saving loop: at most this many POSTs, and no longer than this many seconds.
DRAFT_SAVES = 30
DRAFT_SECONDS = 15.0


class BenchHTTPError(Exception):
    pass


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def queries(self) -> int | None:
        value = self.headers.get(QUERIES_HEADER.lower())
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class Client:
    """Keep-alive HTTP to one 127.0.0.1 port, with a cookie jar; redirects are not followed."""

    base: str
    cookies: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        parts = urlsplit(self.base)
        if parts.hostname != "127.0.0.1":
            raise BenchHTTPError(f"The bench talks to 127.0.0.1 only, not {self.base}")
        self._host, self._port = parts.hostname, parts.port
        self._connection = http.client.HTTPConnection(self._host, self._port, timeout=30)

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(self, method: str, path: str, data: list[tuple[str, str]] | None = None) -> Answer:
        headers = {"Cookie": self.cookie_header} if self.cookies else {}
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):  # a keep-alive connection the server closed is reopened once
            try:
                self._connection.request(method, path, body=body, headers=headers)
                response = self._connection.getresponse()
                payload = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self._connection.close()
                self._connection = http.client.HTTPConnection(self._host, self._port, timeout=30)
                if attempt:
                    raise
        for value in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                if morsel.value and morsel["expires"] != "Thu, 01 Jan 1970 00:00:00 GMT":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, payload)

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, data: list[tuple[str, str]]) -> Answer:
        return self.request("POST", path, data)

    def follow(self, answer: Answer, limit: int = 5) -> tuple[str, Answer]:
        """Follow redirects (bounded); return the final path and answer."""
        path = ""
        for _ in range(limit):
            if answer.status not in (301, 302, 303):
                return path, answer
            location = urlsplit(answer.headers["location"])
            path = location.path + (f"?{location.query}" if location.query else "")
            answer = self.get(path)
        raise BenchHTTPError("too many redirects")

    def close(self):
        self._connection.close()


class _Forms(HTMLParser):
    """Every form of a page: its action and the fields a browser would send (buttons kept apart)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._textarea: tuple[str, list[str]] | None = None
        self._select: tuple[str, list[tuple[str, bool]]] | None = None
        self._open: list[dict] = []  # forms started and not yet ended, innermost last
        self._owner: dict = {}  # the form the current textarea or select belongs to

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.forms.append(dict(action=a.get("action", ""), id=a.get("id", ""), fields=[], buttons=[]))
            self._open.append(self.forms[-1])
            return
        owner = [f for f in self.forms if a.get("form") and f["id"] == a["form"]]
        if not owner and not self._open:
            return
        form = owner[0] if owner else self._open[-1]
        self._owner = form
        kind = a.get("type", "text").lower()
        if tag == "input" and "name" in a and "disabled" not in a:
            if kind in ("submit", "image", "button", "reset", "file"):
                form["buttons"].append((a["name"], a.get("value", "")))
            elif kind not in ("checkbox", "radio") or "checked" in a:
                form["fields"].append(
                    (a["name"], a.get("value", "on" if kind in ("checkbox", "radio") else ""))
                )
        elif tag == "button" and "name" in a:
            form["buttons"].append((a["name"], a.get("value", "")))
        elif tag == "textarea" and "name" in a:
            self._textarea = (a["name"], [])
        elif tag == "select" and "name" in a:
            self._select = (a["name"], [])
        elif tag == "option" and self._select is not None:
            self._select[1].append((a.get("value", ""), "selected" in a))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self._open:
            self._open.pop()
        elif tag == "textarea" and self._textarea is not None and self._owner:
            value = "".join(self._textarea[1])
            value = value[2:] if value.startswith("\r\n") else value[1:] if value.startswith("\n") else value
            self._owner["fields"].append((self._textarea[0], value))  # one leading newline is not content
            self._textarea = None
        elif tag == "select" and self._select is not None and self._owner:
            name, options = self._select
            chosen = [value for value, selected in options if selected] or [value for value, _ in options[:1]]
            self._owner["fields"].extend((name, value) for value in chosen)
            self._select = None


def forms_of(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def csrf_token(html: str) -> str:
    for form in forms_of(html):
        for name, value in form["fields"]:
            if name == "csrf_token":
                return value
    raise BenchHTTPError("no CSRF token on the page")


def sign_in(client: Client, email: str = EMAIL, password: str = PASSWORD) -> None:
    """POST /login with the login page's CSRF token; keep the session cookie; check it opens the signed-in floor."""
    page = client.get("/login")
    data = [("csrf_token", csrf_token(page.text))] if "csrf_token" in page.text else []
    answer = client.post("/login", data + [("email", email), ("password", password)])
    if answer.status != 302:
        raise BenchHTTPError(f"signing in as {email} answered {answer.status} (is the data set generated?)")
    check = client.get(SIGNED_IN_FLOOR)
    if check.status != 200:
        raise BenchHTTPError(f"the signed-in floor answered {check.status} after signing in")


def _deep_list_page(client: Client, pages: int = DEEP_PAGES) -> str:
    path = "/patients/"
    for _ in range(pages):
        links = re.findall(r'href="([^"]*[?&](?:amp;)?after=[^"]*)"', client.get(path).text)
        if not links:
            break
        path = unescape(links[0])
    return path


def pages(client: Client, database_url: str, patient_id: int) -> dict[str, str]:
    """The pages to load, by name: URLs found in the data set (the long-history patient's) and by following links."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            patient = connection.execute(
                text(
                    "SELECT last_name, phone_digits, date_of_birth, chart_number FROM patient WHERE id = :id"
                ),
                dict(id=patient_id),
            ).one()
            signed = connection.scalar(
                text(
                    "SELECT id FROM visit WHERE patient_id = :id AND signed_at IS NOT NULL ORDER BY visit_at DESC"
                ),
                dict(id=patient_id),
            )
    finally:
        engine.dispose()
    last_name, phone_digits, date_of_birth, chart_number = patient
    chart = f"/patients/{patient_id}"
    found = {
        "floor (anonymous)": FLOOR,
        "floor (signed in)": SIGNED_IN_FLOOR,
        "floor (signed in, look recorded)": f"{LOOKED_FLOOR}{patient_id}",
        "search: surname prefix": "/patients/?" + urlencode(dict(q=last_name[:3])),
        "search: phone digits": "/patients/?" + urlencode(dict(q=phone_digits[:6])),
        "search: date of birth": "/patients/?" + urlencode(dict(q=str(date_of_birth)[:10])),
        "patient list, deep page": _deep_list_page(client),
        "chart (long history)": chart,
        "pain history": f"{chart}/pain/",
        "pain table": f"{chart}/pain/table",
        "pain CSV": f"{chart}/pain/export.csv",
        "signed visit note": f"{chart}/visits/{signed}" if signed else "",
        "visit list": f"{chart}/visits",
        "Today (home)": "/",
        "audit log, newest": "/audit/",
        "audit log, by chart": "/audit/?" + urlencode(dict(chart_number=chart_number)),
    }
    return {name: path for name, path in found.items() if path}


def draft_visit(client: Client, database_url: str, long_history_id: int, email: str = EMAIL) -> str:
    """The edit URL of a draft note by the bench's practitioner: one left by an earlier run, else a new one."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            patient_id = connection.scalar(
                text("SELECT min(id) FROM patient WHERE id <> :id AND NOT is_archived"),
                dict(id=long_history_id),
            )
            if patient_id is None:
                patient_id = long_history_id
            visit_id = connection.scalar(
                text(
                    "SELECT v.id FROM visit v JOIN user_account u ON u.id = v.practitioner_id "
                    "WHERE v.patient_id = :p AND v.signed_at IS NULL AND u.email = :e ORDER BY v.id DESC"
                ),
                dict(p=patient_id, e=email),
            )
    finally:
        engine.dispose()
    if visit_id:
        return f"/patients/{patient_id}/visits/{visit_id}/edit"
    token = csrf_token(client.get(f"/patients/{patient_id}").text)
    path, answer = client.follow(client.post(f"/patients/{patient_id}/visits", [("csrf_token", token)]))
    if answer.status != 200 or not path.endswith("/edit"):
        raise BenchHTTPError(f"starting a visit answered {answer.status} at {path or 'the same page'}")
    return path


def save_draft_loop(client: Client, edit_path: str, saves: int = DRAFT_SAVES, seconds: float = DRAFT_SECONDS):
    """POST the note form with "Save draft" up to ``saves`` times (bounded by ``seconds``); return (ms list, queries)."""
    timings: list[float] = []
    queries: list[int] = []
    deadline = time.monotonic() + seconds
    for n in range(saves):
        if time.monotonic() > deadline:
            break
        page = client.get(edit_path)
        if page.status != 200:
            raise BenchHTTPError(f"{edit_path} answered {page.status} {page.headers.get('location', '')}")
        note = next((f for f in forms_of(page.text) if ("action", "save") in f["buttons"]), None)
        if note is None:
            raise BenchHTTPError(f"{edit_path} has no note form with a Save draft button")
        data = [(name, value) for name, value in note["fields"]]
        data = [(name, f"Bench draft {n}" if name == "activity" else value) for name, value in data]
        started = time.perf_counter()
        answer = client.post(note["action"] or edit_path, data + [("action", "save")])
        timings.append((time.perf_counter() - started) * 1000)
        if answer.status != 302:
            raise BenchHTTPError(f"saving the draft answered {answer.status}")
        if answer.queries is not None:
            queries.append(answer.queries)
    return timings, queries
