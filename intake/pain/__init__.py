"""Pain scores by body region and the patient's pain history."""

from flask import Blueprint

bp = Blueprint("pain", __name__, url_prefix="/patients/<int:patient_id>/pain")


@bp.record_once
def register_body_map_globals(state):
    """Make the body map's regions and colours template globals, so imported macros see them too."""
    from intake.pain.bodymap import body_map_template_context

    state.app.jinja_env.globals.update(body_map_template_context())


from intake.pain import chart, views  # noqa: E402,F401
