"""Staff roles and the groups of roles that views allow."""

ADMIN = "admin"
PRACTITIONER = "practitioner"
FRONT_DESK = "front_desk"

ROLE_LABELS = {
    ADMIN: "Administrator",
    PRACTITIONER: "Practitioner",
    FRONT_DESK: "Front desk",
}
ALL_ROLES = tuple(ROLE_LABELS)

#: Everyone on staff: demographics, scheduling-level information.
STAFF = ALL_ROLES
#: Who may read and write clinical content (intake answers, pain history, visit notes).
CLINICAL = (ADMIN, PRACTITIONER)

#: Who can appear as the actor of an audited action: staff roles, and the patient filling an intake.
PATIENT_ACTOR = "patient"
ACTOR_ROLE_LABELS = {**ROLE_LABELS, PATIENT_ACTOR: "Patient"}
