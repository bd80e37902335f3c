"""Flask extensions, created unbound and bound to the app in the factory."""

from typing import TYPE_CHECKING

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from intake.database import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()

# Flask-SQLAlchemy builds db.Model at run time, which a type checker cannot follow; to mypy every model
# derives from our declarative Base, which db.Model is a subclass of.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
