"""Import every model module so that the metadata (and Alembic) knows all tables."""

from app.associations import models as associations_models  # noqa: F401
from app.auth import models as auth_models  # noqa: F401
from app.core import audit  # noqa: F401
