"""Command-line tasks."""

from intake.auth.models import User
from intake.extensions import db
from intake.patients.models import Patient


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
