"""The codes the patient's FHIR record is written in: LOINC, SNOMED CT body sites with laterality, the clinic's own.

SNOMED CT body structures come from the one table of body regions (``intake.pain.regions``), so the pain CSV and
the FHIR record always name a region alike. A left or right region is written as a SNOMED CT post-coordinated
expression (the structure refined by 272741003 |Laterality| = 7771000 |Left| or 24028007 |Right|), which FHIR R4
allows in a SNOMED CT Coding; the clinic's own region code travels beside it in a second coding.
"""

from intake.pain.regions import REGION_BY_CODE, Region

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
#: SNOMED CT attribute for the side of the body.
LATERALITY_ATTRIBUTE = "272741003"
LATERALITY_TERMS = {"7771000": "Left", "24028007": "Right"}

#: LOINC 72514-3: the 0-10 Numeric Pain Rating Scale score, as the patient reports it.
PAIN_SEVERITY = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
#: LOINC 97909-6: the Oswestry Disability Index score (percent); 97908-8 is its panel of ten sections.
ODI_SCORE = ("97909-6", "Oswestry disability index score ODI")
ODI_PANEL = ("97908-8", "Oswestry Disability Index")
#: PEG (pain, enjoyment of life, general activity): the mean of its three 0-10 items.
PEG_SCALE = ("91148-7", "PEG 3 item pain scale")
#: LOINC 59284-0: a patient's consent.
CONSENT_DOCUMENT = ("59284-0", "Patient Consent")
#: LOINC 11506-3: a progress note (the treatment visit's note).
PROGRESS_NOTE = ("11506-3", "Progress note")

OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"
PROVENANCE_PARTICIPANT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
SIGNATURE_TYPE = "urn:iso-astm:E1762-95:2013"
AUTHOR_SIGNATURE = ("1.2.840.10065.1.12.1.1", "Author's Signature")
CONSENT_SIGNATURE = ("1.2.840.10065.1.12.1.7", "Consent Signature")
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
#: Alberta's personal health number, as the Canadian baseline names it.
ALBERTA_PHN = "https://fhir.infoway-inforoute.ca/NamingSystem/ca-ab-patient-healthcare-id"

#: The clinic's own code systems (what no standard codes): regions, score contexts, points, flags, decisions.
CLINIC_SYSTEM_BASE = "https://intake.clinic/fhir"
CHART_NUMBER = f"{CLINIC_SYSTEM_BASE}/chart-number"
BODY_REGION = f"{CLINIC_SYSTEM_BASE}/CodeSystem/body-region"
PAIN_CONTEXT = f"{CLINIC_SYSTEM_BASE}/CodeSystem/pain-score-context"
#: WHO Standard Acupuncture Point Locations (2008) codes, e.g. BL23; extra points as EX-B2.
ACUPUNCTURE_POINT = f"{CLINIC_SYSTEM_BASE}/CodeSystem/who-acupuncture-point"
RED_FLAG = f"{CLINIC_SYSTEM_BASE}/CodeSystem/red-flag"
RED_FLAG_DECISION = f"{CLINIC_SYSTEM_BASE}/CodeSystem/red-flag-decision"
INTAKE_QUESTIONNAIRE = f"{CLINIC_SYSTEM_BASE}/Questionnaire/intake"
CHECK_IN_QUESTIONNAIRE = f"{CLINIC_SYSTEM_BASE}/Questionnaire/check-in"
#: The three PEG items, coded by the check-in's own keys (peg_pain, peg_enjoyment, peg_activity).
PEG_ITEM = f"{CLINIC_SYSTEM_BASE}/CodeSystem/peg-item"


def coding(system: str, code: str, display: str | None = None) -> dict:
    """Return a FHIR Coding (display left out when unknown)."""
    found = {"system": system, "code": code}
    if display:
        found["display"] = display
    return found


def loinc(code: tuple[str, str], text: str | None = None) -> dict:
    """Return a CodeableConcept of one LOINC code."""
    return {"coding": [coding(LOINC, *code)], "text": text or code[1]}


def snomed_body_site(region: Region) -> dict:
    """Return the SNOMED CT Coding of a region, its side post-coordinated when it has one."""
    if region.snomed is None:
        raise ValueError(f"region {region.code} has no SNOMED CT concept")
    laterality = region.snomed_laterality
    if laterality is None:
        return coding(SNOMED, region.snomed, region.snomed_term)
    expression = f"{region.snomed}:{LATERALITY_ATTRIBUTE}={laterality}"
    return coding(SNOMED, expression, f"{region.snomed_term}, {LATERALITY_TERMS[laterality].lower()}")


def body_site(region_code: str) -> dict:
    """Return the CodeableConcept of a body region: SNOMED CT with laterality, and the clinic's region code."""
    region = REGION_BY_CODE.get(region_code)
    if region is None:
        return {"coding": [coding(BODY_REGION, region_code)], "text": region_code}
    codings = [coding(BODY_REGION, region.code, region.label)]
    if region.snomed:
        codings.insert(0, snomed_body_site(region))
    return {"coding": codings, "text": region.label}


def region_of(concept: dict) -> str | None:
    """Return the clinic's region code a body-site CodeableConcept carries (None when it carries none)."""
    for found in concept.get("coding", ()):
        if found.get("system") == BODY_REGION:
            return found["code"]
    return None
