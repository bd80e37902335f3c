"""Staff account administration."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from intake.auth.access import roles_required
from intake.auth.models import User
from intake.auth.roles import ADMIN
from intake.extensions import db
from intake.forms import ConfirmForm
from intake.staff import bp, operations
from intake.staff.forms import EditStaffForm, NewStaffForm, ResetPasswordForm


def _get_user(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@bp.route("/")
@roles_required(ADMIN)
def index():
    users = db.session.scalars(db.select(User).order_by(User.is_active_account.desc(), User.full_name)).all()
    return render_template("staff/index.html", users=users, confirm_form=ConfirmForm())


@bp.route("/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def create():
    form = NewStaffForm()
    if form.validate_on_submit():
        user = operations.create_user(
            email=form.email.data,
            full_name=form.full_name.data,
            role=form.role.data,
            password=form.password.data,
            designation=form.designation.data,
        )
        db.session.commit()
        flash(f"Staff account for {user.full_name} created.", "success")
        return redirect(url_for("staff.index"))
    return render_template("staff/form.html", form=form, user=None), 422 if form.errors else 200


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required(ADMIN)
def edit(user_id: int):
    user = _get_user(user_id)
    form = EditStaffForm(obj=user, editing=user)
    if form.validate_on_submit():
        if user.id == current_user.id and form.role.data != ADMIN:
            form.role.errors.append("You cannot remove your own administrator role.")
        else:
            operations.update_details(
                user,
                email=form.email.data,
                full_name=form.full_name.data,
                role=form.role.data,
                designation=form.designation.data,
            )
            db.session.commit()
            flash(f"Saved changes to {user.full_name}.", "success")
            return redirect(url_for("staff.index"))
    return render_template("staff/form.html", form=form, user=user), 422 if form.errors else 200


@bp.route("/<int:user_id>/password", methods=["GET", "POST"])
@roles_required(ADMIN)
def reset_password(user_id: int):
    user = _get_user(user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        operations.set_password(user, form.password.data)
        db.session.commit()
        flash(f"New password set for {user.full_name}; their sessions were ended.", "success")
        return redirect(url_for("staff.index"))
    return render_template("staff/password.html", form=form, user=user), 422 if form.errors else 200


@bp.route("/<int:user_id>/deactivate", methods=["POST"])
@roles_required(ADMIN)
def deactivate(user_id: int):
    user = _get_user(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash("You cannot deactivate your own account.", "error")
        return redirect(url_for("staff.index"))
    operations.set_active(user, False)
    db.session.commit()
    flash(f"{user.full_name} can no longer sign in.", "success")
    return redirect(url_for("staff.index"))


@bp.route("/<int:user_id>/activate", methods=["POST"])
@roles_required(ADMIN)
def activate(user_id: int):
    user = _get_user(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    operations.set_active(user, True)
    db.session.commit()
    flash(f"{user.full_name} can sign in again.", "success")
    return redirect(url_for("staff.index"))
