"""Form data a patient posts on each questionnaire step, and helpers to walk the questionnaire."""

import re

from intake.questionnaire import steps as q

# A drawn signature as static/js/questionnaire-signature.js writes it: two strokes on the 600 x 200 box.
SIGNATURE = "M40 150 L60 120 L80 90 L100 120 L120 150 M150 100 L200 100 L250 110 L300 90 L350 100"


def step_data() -> dict[str, dict]:
    """Valid answers for every step (a new patient with chronic low back pain)."""
    return {
        q.CONTACT: {
            "phone": "780-555-0199",
            "email": "Margaret@Example.com",
            "address_line": "10230 Jasper Ave",
            "city": "Edmonton",
            "province": "AB",
            "postal_code": "t5j 4p6",
            "emergency_contact_name": "Daniel Okafor",
            "emergency_contact_relationship": "Husband",
            "emergency_contact_phone": "780-555-0177",
        },
        q.COMPLAINT: {
            "reason": "Lower back pain on the left, into the buttock",
            "goals": "Garden again",
            "onset_description": "Lifting a bag of soil",
            "started": "over_3_months",
            "pattern": "intermittent",
            "worse": "Sitting long",
            "better": "Walking, heat",
            "previous_treatment": "Physiotherapy",
            "previous_acupuncture": "no",
            "previous_massage": "yes",
        },
        q.PAIN: {"pain-lower_back_l": "7", "pain-buttock_l": "4", "worst": "8", "least": "2", "average": "5"},
        q.ODI: {key: "2" for key in q.ODI_SECTION_KEYS},
        q.RED_FLAGS: {key: "no" for key in q.RED_FLAG_KEYS},
        q.HEALTH: {
            "conditions": "High blood pressure",
            "medications": "Ramipril",
            "anticoagulant": "no",
            "anticoagulant_name": "",
            "allergy_other": "",
            "pregnant": "no",
            **{key: "no" for key in q.PRECAUTION_KEYS},
            "skin_condition": "no",
            "recent_surgery": "no",
        },
        q.CONSENT: {
            "agree": "y",
            "privacy_acknowledged": "y",
            "full_name": "Margaret Okafor",
            "signature_path": SIGNATURE,
            "signature_typed": "",
        },
    }


def link_path_from(html: str) -> str:
    """Return the path of the intake link shown on the staff's link page."""
    match = re.search(r'data-copy-source>http://localhost(/i/[A-Za-z0-9_-]{43})</textarea>', html)
    assert match, "no intake link on the page"
    return match.group(1)


def start_link(client, patient) -> str:
    """As signed-in staff, get a link for the patient; return its path (/i/<token>)."""
    response = client.post(f"/patients/{patient.id}/intakes/link")
    assert response.status_code == 200
    return link_path_from(response.get_data(as_text=True))


def fill_every_step(client, base: str, overrides: dict | None = None) -> None:
    """Post every step with valid answers (changed by ``overrides``: {step: {field: value}})."""
    data = step_data()
    for step, values in (overrides or {}).items():
        data[step].update(values)
    for step, values in data.items():
        response = client.post(f"{base}/{step}", data=values)
        assert response.status_code == 302, (step, response.get_data(as_text=True)[:2000])
