"""Import every model so the metadata (and Alembic) sees all tables."""

import intake.audit.models  # noqa: F401
import intake.auth.models  # noqa: F401
import intake.outcomes.models  # noqa: F401
import intake.pain.models  # noqa: F401
import intake.patients.models  # noqa: F401
import intake.questionnaire.models  # noqa: F401
import intake.reminders.models  # noqa: F401
import intake.visits.models  # noqa: F401
