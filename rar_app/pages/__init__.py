"""One module per page (or per wizard step group). Importing this package registers
every page (see registry.page); add a new page module to the list below."""

from rar_app.pages import home, info, sign_in  # noqa: F401
from rar_app.pages import program_questions, program_review, program_results, program_profile  # noqa: F401
from rar_app.pages import documents_demo  # noqa: F401
from rar_app.pages import program_sign, program_payment  # noqa: F401
from rar_app.pages import account_admin, account_challenge, account_enrol, account_merge_confirm, account_password, account_profile, account_recovery, account_requests  # noqa: F401
from rar_app.pages import search  # noqa: F401
from rar_app.pages import status  # noqa: F401
from rar_app.pages import messages  # noqa: F401
from rar_app.pages import link  # noqa: F401
from rar_app.pages import client_portal  # noqa: F401
from rar_app.pages import backoffice, backoffice_file, backoffice_outbox, backoffice_paper, backoffice_refunds, backoffice_reviews  # noqa: F401
from rar_app.pages import enrolment_documents  # noqa: F401
from rar_app.pages import pool_rounds, pool_status, pool_update  # noqa: F401
from rar_app.pages import program_intro  # noqa: F401
from rar_app.pages import audit_search, file_history  # noqa: F401
from rar_app.pages import account_totp  # noqa: F401
