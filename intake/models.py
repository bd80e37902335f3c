"""Import every model so the metadata (and Alembic) sees all tables."""

from intake.auth.models import User  # noqa: F401
from intake.pain.models import PainScore  # noqa: F401
from intake.patients.models import Counter, Patient  # noqa: F401
