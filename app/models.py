"""Import every model module so that the metadata (and Alembic) knows all tables, and every
approval subject kind so that the engine knows it."""

from app.approvals import models as approvals_models  # noqa: F401
from app.arc import letters as arc_letters  # noqa: F401
from app.arc import models as arc_models  # noqa: F401
from app.arc import subject as arc_subject  # noqa: F401
from app.associations import models as associations_models  # noqa: F401
from app.auth import models as auth_models  # noqa: F401
from app.budgets import models as budgets_models  # noqa: F401
from app.budgets import subject as budget_subject  # noqa: F401
from app.compliance import batch_build as compliance_batch_build  # noqa: F401
from app.compliance import batches as compliance_batches  # noqa: F401
from app.compliance import committee as fining_committee  # noqa: F401
from app.compliance import letter_delivery  # noqa: F401
from app.compliance import letter_models as compliance_letter_models  # noqa: F401
from app.compliance import models as compliance_models  # noqa: F401
from app.compliance import subject as fine_subject  # noqa: F401
from app.core import (
    audit,  # noqa: F401
    jobs,  # noqa: F401
)
from app.delivery import models as delivery_models  # noqa: F401
from app.documents import models as documents_models  # noqa: F401
from app.meetings import consent as meeting_consent  # noqa: F401
from app.meetings import hearings as meeting_hearings  # noqa: F401
from app.meetings import minutes as minutes_subject  # noqa: F401
from app.meetings import models as meetings_models  # noqa: F401
from app.meetings import packet as meeting_packet  # noqa: F401
from app.meetings import venue as meeting_venue  # noqa: F401
from app.notices import models as notices_models  # noqa: F401
from app.notices import publication as notice_subject  # noqa: F401
from app.vendors import contracts as contract_subject  # noqa: F401
from app.vendors import models as vendors_models  # noqa: F401
