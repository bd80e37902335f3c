"""Command-line tasks."""

from intake.audit.models import CREATE, AuditEvent
from intake.auth.models import User
from intake.extensions import db
from intake.patients.models import Patient
from intake.questionnaire.models import Intake
from tests.conftest import sign_in


def test_create_user_prompts_for_password_twice(runner, app):
    result = runner.invoke(
        args=["create-user", "--email", "Owner@Clinic.Example", "--name", "Dana Owner", "--role", "admin"],
        input="a-very-good-password\na-very-good-password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created admin account for Dana Owner" in result.output
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "owner@clinic.example"))
        assert user.role == "admin"


def test_an_account_created_on_the_command_line_is_in_the_audit_trail(runner, app):
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "owner@clinic.example",
            "--name",
            "Dana Owner",
            "--role",
            "admin",
            "--password",
            "a-very-good-password",
        ],
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "owner@clinic.example"))
        event = db.session.scalar(
            db.select(AuditEvent).where(
                AuditEvent.record_type == "staff_account", AuditEvent.record_id == user.id
            )
        )
        assert event is not None and event.action == CREATE
        assert event.endpoint == "command line"


def test_create_user_refuses_mismatched_or_short_password(runner, app):
    result = runner.invoke(
        args=["create-user", "--email", "a@clinic.example", "--name", "A", "--role", "admin"],
        input="short\nshort\n",
    )
    assert result.exit_code != 0
    assert "at least 12 characters" in result.output
    result = runner.invoke(
        args=["create-user", "--email", "a@clinic.example", "--name", "A", "--role", "admin"],
        input="a-very-good-password\ndifferent-password-x\na-very-good-password\na-very-good-password\n",
    )
    assert "do not match" in result.output.lower() or "must match" in result.output.lower()


def test_create_user_refuses_duplicate_email(runner, make_user):
    make_user(email="taken@clinic.example")
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "TAKEN@clinic.example",
            "--name",
            "B",
            "--role",
            "front_desk",
            "--password",
            "a-very-good-password",
        ],
    )
    assert result.exit_code != 0
    assert "already exists" in result.output


def test_seed_demo_loads_once_and_keeps_later_data(runner, app):
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "admin@clinic.example" in result.output
    with app.app_context():
        patients = db.session.scalars(db.select(Patient)).all()
        assert len(patients) >= 3
        patients[0].city = "Changed by staff"
        db.session.commit()
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0
    assert "not loaded" in again.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 4
        assert db.session.scalar(db.select(Patient).where(Patient.city == "Changed by staff")) is not None


def _demo_patient(app, last_name):
    with app.app_context():
        return db.session.scalar(db.select(Patient.id).where(Patient.last_name == last_name))


def test_seeded_demo_charts_and_pain_history_show_a_real_history(runner, app, client):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    maggie = _demo_patient(app, "Okafor")
    assert sign_in(client, "mei.chen@clinic.example", "demo-practitioner-2026").status_code == 302

    chart = client.get(f"/patients/{maggie}")
    assert chart.status_code == 200
    html = chart.get_data(as_text=True)
    assert "Pacemaker" in html and "warfarin" in html
    assert "BL23 BL25 BL40 GV4 KI3" in html and "Signed, amended" in html
    assert "Mei Chen, R.Ac" in html

    history = client.get(f"/patients/{maggie}/pain/")
    assert history.status_code == 200
    assert "Lower back, centre" in history.get_data(as_text=True)
    assert client.get(f"/patients/{maggie}/pain/table").status_code == 200
    assert client.get(f"/patients/{maggie}/visits").status_code == 200

    today = client.get("/").get_data(as_text=True)
    unsigned = today[today.index("Your unsigned notes") : today.index("Patients seen today")]
    assert "Bergstrom, Tyler" in unsigned and ">Overdue<" in unsigned


def test_seeded_demo_has_the_alerts_the_clinic_watches_for(runner, app, client):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    sign_in(client, "admin@clinic.example", "demo-admin-pass-2026")
    priya = client.get(f"/patients/{_demo_patient(app, 'Ramanathan')}").get_data(as_text=True)
    assert "Pregnant (1st trimester)" in priya
    walter = client.get(f"/patients/{_demo_patient(app, 'Nguyen')}").get_data(as_text=True)
    assert "Red flag: night pain" in walter and "No visits yet." in walter
    with app.app_context():
        intakes = db.session.execute(
            db.select(Intake.patient_id, Intake.id).where(Intake.status == "submitted")
        ).all()
    assert {patient_id for patient_id, _ in intakes} == {
        _demo_patient(app, name) for name in ("Okafor", "Bergstrom", "Ramanathan", "Nguyen")
    }
    for patient_id, intake_id in intakes:
        assert client.get(f"/patients/{patient_id}/intakes/{intake_id}").status_code == 200
        assert client.get(f"/patients/{patient_id}/pain/").status_code == 200
