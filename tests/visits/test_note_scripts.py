"""The note's scripts share static/js/intake.js (CSRF token, form POST, draft key), loaded before them."""

import re
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[2] / "static" / "js"
SCRIPT_SRC = re.compile(r'<script src="/static/js/([\w.-]+\.js)"')
USES_SHARED = re.compile(r"\bIntake\.(csrfToken|postForm|draftKey|draftKeyPrefix|DRAFT_PREFIX)\b")


def test_the_csrf_token_and_the_draft_key_are_read_in_one_script():
    for script in SCRIPTS.glob("*.js"):
        text = script.read_text(encoding="utf-8")
        if script.name == "intake.js":
            continue
        assert "input[name='csrf_token']" not in text, script.name
        assert '"intake.visit-draft."' not in text, script.name
        assert "new URLSearchParams()" not in text or USES_SHARED.search(text), script.name


def test_the_shared_script_loads_before_the_note_scripts(client, login, make_patient, make_visit):
    practitioner = login("practitioner")
    visit = make_visit(make_patient(), practitioner)
    html = client.get(f"/patients/{visit.patient_id}/visits/{visit.id}/edit").get_data(as_text=True)
    loaded = SCRIPT_SRC.findall(html)
    users = [
        name
        for name in loaded
        if name != "intake.js" and USES_SHARED.search((SCRIPTS / name).read_text(encoding="utf-8"))
    ]
    assert {"visit-autosave.js", "visit-drafts.js"} <= set(users)
    assert all(loaded.index("intake.js") < loaded.index(name) for name in users), loaded
    assert html.count('id="conflict-panel"') == 1
