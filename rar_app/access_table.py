"""The access table (issue 14, « an access table that tests itself»): every public event
handler of every Reflex state and every HTTP route, with the roles it serves and the
object check it makes. `tests/unit/test_access_table.py` enumerates the handlers (all
`rx.State` subclasses) and the routes (the app's API) and fails when one is missing
here or listed but gone; `tests/services/test_access_refusals.py` calls every handler
that takes an id (argument or address) signed out, as another representative, as a
client and as staff, and checks it is refused with nothing changed.

Roles: "public" (no session needed), "session" (any signed-in account, its own data
only), or account roles. `setvar` (Reflex's built-in setter of a state's declared public
vars) exists on every state: public vars are never trusted — every handler re-checks
the session and the services re-check role, owner and status (DocumentsState.editable
is one such var: the document service decides, not it).

ID: which handlers take an object id, and from where: ("arg", name, kind),
("query", name, kind) or ("var", name, kind) — a public state var that a crafted
`setvar` event can set before calling the handler (e.g. the pages' `app_id`). Kinds name the victim's object the refusal tests aim at.
"""

from __future__ import annotations

PUBLIC = ("public",)
REP = ("representative",)
HOLDERS = ("representative", "client")
ACCOUNT = ("representative", "admin", "staff", "client")
STAFF = ("staff",)
ADMIN = ("admin",)
CLIENT = ("client",)

OWN_APP = "own application (Application.representative_id = the session's account), else not found"
OWN_DRAFT = OWN_APP + "; answers change only while status is draft"
HOLDER = "application held by the session's account (representative or client holder), else not found"
UI = "changes this page's own fields only; nothing stored"

# state (module.Class) → (roles, {handler: the object check})
HANDLERS: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "rar_app.state.session.SessionState": (PUBLIC, {
        "enter_page": "page guard: protected routes need a complete session with the route's role",
        "choose_landing": "redirect only"}),
    "rar_app.components.session_timeout.SessionTimeoutState": (PUBLIC, {
        "tick": "the session of this browser's cookie only", "stay": "refreshes this browser's own session only"}),
    "rar_app.pages.sign_in.SignInState": (PUBLIC, {
        "load": "none",
        "submit": "credentials checked by identity.signin; throttled per account and address"}),
    "rar_app.pages.account_challenge.ChallengeState": (PUBLIC, {
        "load": "the challenge session of this browser's cookie",
        "submit": "answer checked against this session's account; wrong answers counted"}),
    "rar_app.pages.account_totp.TotpVerifyState": (PUBLIC, {
        "load": "the \"totp\" stage session of this browser's cookie",
        "submit": "code checked against this session's account (second_factor); throttled; 5 wrong end it"}),
    "rar_app.pages.account_totp.TotpSetupState": (PUBLIC, {
        "load": "the \"totp_setup\" or full session of this browser's cookie: its own account",
        "confirm": "own account (by the cookie's session); code checked; throttled",
        "finish": "the \"totp_setup\" session of this cookie, enrolled; ticket bound to this browser",
        "disable": "own account (full session); current code; not for admin/staff"}),
    "rar_app.pages.account_enrol.EnrolState": (PUBLIC, {
        "load": "none", "set_value": UI,
        "submit": "new account only; throttled; duplicates not revealed; a merge is proven by the earlier "
                  "account's password, its own session (re-checked here), or its e-mail link"}),
    "rar_app.pages.account_merge_confirm.MergeConfirmState": (PUBLIC, {
        "load": "the single-use link (hashed at rest) read from the address, kept in a backend var",
        "confirm": "that link only: open merge request, spent once"}),
    "rar_app.pages.account_recovery.RecoveryState": (PUBLIC, {
        "load": "the single-use recovery link from the address (hashed at rest), kept in a backend var",
        "set_value": UI, "submit_username": "throttled per username and address; existence not revealed",
        "submit_answers": "the account the followed link was mailed to only (backend var); spends the link",
        "submit_password": "only after the answers were verified (backend var)", "start_again": UI}),
    "rar_app.pages.info.GalleryState": (PUBLIC, {"set_file_number": UI, "check": "format check only"}),
    "rar_app.pages.account_password.ChangePasswordState": (ACCOUNT, {
        "load": "own account", "submit": "own account; current password re-checked"}),
    "rar_app.pages.account_profile.QuestionsState": (ACCOUNT, {
        "load": "own account", "set_value": UI, "submit": "own account; password re-checked"}),
    "rar_app.pages.account_profile.EmailState": (ACCOUNT, {
        "load": "own account", "set_value": UI, "submit": "own account; notice to the old address"}),
    "rar_app.pages.account_profile.ProfileState": (ACCOUNT, {
        "load": "own account", "set_language_choice": UI, "save_language": "own account"}),
    "rar_app.pages.account_requests.ClosureState": (ACCOUNT, {
        "load": "own account", "set_reason": UI, "ask": UI, "cancel": UI, "confirm": "closes own account only"}),
    "rar_app.pages.account_requests.NameChangeState": (ACCOUNT, {
        "load": "own account", "set_value": UI, "begin_upload": UI,
        "receive_proof": "staged for own request (account_proofs), never in /_upload", "rejected": UI,
        "submit": "request about own account only"}),
    "rar_app.pages.account_admin.AdminState": (ADMIN, {
        "load": "admin role",
        "choose": "admin role; request id must be one listed",
        "download_proof": "admin role; the request's own proof document",
        "approve": "admin role; open request; never one about the admin's own account",
        "refuse": "admin role; open request; never one about the admin's own account"}),
    "rar_app.pages.audit_search.AuditSearchState": (ADMIN, {
        "set_field": UI, "set_date": UI, "load": "admin role", "search": "admin role (audit_views.search); audited",
        "next_page": "admin role; audited", "previous_page": "admin role; audited"}),
    "rar_app.pages.backoffice.BackofficeState": (STAFF, {
        "set_field": UI, "load": "staff role", "search": "staff role: submitted applications only",
        "show_all": "staff role", "next_page": "staff role"}),
    "rar_app.pages.backoffice_file.FileState": (STAFF, {
        "load": "staff role; submitted application from ?id", "select": "applicant of the loaded application",
        "set_form": UI, "set_follow_up": UI,
        "act": "staff role (backoffice.*: transition allowed; fee exemption decided first)"}),
    "rar_app.pages.backoffice_outbox.OutboxState": (STAFF, {"load": "staff role", "deliver": "staff role"}),
    "rar_app.pages.backoffice_paper.PaperState": (STAFF, {
        "load": "staff role", "set_form": UI, "submit": "staff role; creates a paper application"}),
    "rar_app.pages.backoffice_reviews.ReviewsState": (STAFF, {
        "load": "staff role", "show": "staff role", "next_page": "staff role", "previous_page": "staff role",
        "set_note": "review id must be one listed; UI only",
        "approve": "staff role; open review; never the staff member's own request (reviews.decide)",
        "refuse": "staff role; open review; note required; never own request",
        "download": "staff role; the listed review's own document (backend map)"}),
    "rar_app.pages.backoffice_refunds.RefundsState": (STAFF, {
        "load": "staff role", "show": "staff role", "next_page": "staff role",
        "set_reason": "payment id must be one listed; UI only",
        "refund": "staff role; payment approved or refund_due; once (compare-and-set); audited"}),
    "rar_app.pages.pool_rounds.RoundsState": (STAFF, {
        "set_size": UI, "set_stream": UI, "load": "staff role", "choose_pool": "staff role", "run": "staff role"}),
    "rar_app.pages.pool_status.PoolStatusState": (HOLDERS, {
        "load": "entry of an application the session holds (?n)", "accept": "held entry; open invitation",
        "ask_decline": UI, "cancel_decline": UI, "decline": "held entry; open invitation"}),
    "rar_app.pages.client_portal.ClientHomeState": (CLIENT, {
        "load": "client role; own applications", "open_link": UI, "set_kind": UI, "set_field": UI,
        "submit": "client role; exact match; IMM 5476 opens a staff review (reviews)", "set_dob": UI}),
    "rar_app.pages.link.LinkState": (REP, {
        "load": "representative role", "set_kind": UI, "set_field": UI, "set_dob": UI,
        "submit": "only unheld applications; exact match; throttled"}),
    "rar_app.pages.enrolment_documents.AnswerState": (REP, {
        "load": "own enrolment document requests", "set_answer": UI, "begin_upload": UI,
        "receive_file": "staged as a proof of the own account, never in /_upload", "rejected": UI,
        "submit": "answers an open request about the own account"}),
    "rar_app.pages.enrolment_documents.AskState": (STAFF, {
        "load": "staff role", "set_value": UI, "submit": "staff role; asks an enrolled representative"}),
    "rar_app.pages.home.HomeApplicationsState": (REP, {"load": "own applications in process"}),
    "rar_app.pages.messages.InboxState": (ACCOUNT, {
        "set_category": UI, "set_detail": UI, "set_unread_only": UI, "load": "own inbox",
        "search": "own inbox", "clear": "own inbox", "next_page": "own inbox", "first_page": "own inbox"}),
    "rar_app.pages.messages.MessageState": (ACCOUNT, {
        "load": "message of own inbox (?id), else not found", "mark_unread": "message of own inbox"}),
    "rar_app.pages.search.SearchState": (REP, {
        "set_field": UI, "set_category": UI, "load": "representative role", "submit": "own applications only",
        "clear": UI, "next_page": "own applications only", "previous_page": "own applications only"}),
    "rar_app.pages.status.StatusState": (HOLDERS, {
        "load": HOLDER + " (?n)", "transmit": "held application's open requests only",
        "download_issued": "held application's issued document (backend id)"}),
    "rar_app.pages.status.ApplicationViewState": (HOLDERS, {"load": HOLDER + " (?n)"}),
    "rar_app.pages.file_history.FileHistoryState": (HOLDERS, {
        "load": HOLDER + " (?id); audited", "next_page": HOLDER, "previous_page": HOLDER}),
    "rar_app.pages.documents_demo.DocumentsDemoState": (REP, {"load": "own demonstration draft"}),
    "rar_app.state.documents.DocumentsState": (REP, {
        "begin_upload": "configured slot only", "upload_progress": UI,
        "upload": "documents.upload: own application; frozen once signed (open requests only)",
        "replace": "a document this uploader shows; documents.replace: own, not frozen",
        "rejected": UI,
        "remove": "a document this uploader shows; documents.remove: own, not frozen",
        "download": "a document this uploader shows; token bound to this session",
        "refresh": "configured application; own (documents.list_for_application)"}),
    "rar_app.state.wizard_drafts.DraftsState": (REP, {
        "load": "own drafts", "go_to_page": "own drafts", "ask_delete": "own unsubmitted application",
        "cancel_delete": UI, "confirm_delete": "own unsubmitted application (applications.delete_draft)"}),
    "rar_app.state.questions.QuestionState": (REP, {
        "load": OWN_DRAFT + " (?id)", "set_value": UI, "toggle_check": UI, "toggle_doc": UI, "choose_fee": UI,
        "use_cheapest": UI, "next_step": OWN_DRAFT, "previous_step": OWN_DRAFT, "exit_questionnaire": OWN_DRAFT,
        "leave": OWN_DRAFT, "back_to_review": OWN_DRAFT, "ask_restart": UI, "cancel_restart": UI,
        "confirm_restart_now": OWN_DRAFT, "continue_after_review": OWN_DRAFT,
        "retry_after_outage": OWN_DRAFT + " (repeats the step the outage interrupted)",
        "save_and_add": OWN_DRAFT + "; item_lists.save_and_add re-checks owner and status",
        "remove_item": OWN_DRAFT + "; item_lists.remove re-checks owner and status"}),
    "rar_app.components.noc_finder.NocFinderState": (ACCOUNT, {
        "set_query": UI, "search": "signed-in session; public NOC data only",
        "search_form": "signed-in session; public NOC data only"}),
    "rar_app.pages.pool_update.PoolUpdateState": (HOLDERS, {
        "load": "pool application held by the session's account (pool_profile.profile_values), else not found",
        "set_value": UI,
        "save": "pool application held by the session's account; pool_profile.update validates and recomputes"}),
    "rar_app.state.program_results.ProgramResultsState": (REP, {
        "load_results": OWN_APP, "load_profile": OWN_APP, "check_profile": OWN_APP, "save_and_exit": OWN_DRAFT,
        "ask_restart": UI, "cancel_restart": UI, "confirm_restart_now": OWN_DRAFT + " (?id)"}),
    "rar_app.state.program_sign.FinishSignState": (REP, {
        "load_documents": OWN_APP, "continue_documents": OWN_APP, "load_declaration": OWN_APP,
        "set_consent": UI, "set_given_names": UI, "set_family_name": UI,
        "sign": OWN_DRAFT + "; security question of this session", "withdraw_signature": OWN_APP + "; signed only",
        "load_summary": OWN_APP, "load_checklist": OWN_APP, "go": "navigation among this application's pages",
        "exit_questionnaire": OWN_APP}),
    "rar_app.state.program_payment.FinishPayState": (REP, {
        "load_signature": OWN_APP, "transmit": OWN_APP + "; signed, nothing to pay",
        "load_payment": OWN_APP, "set_method": UI,
        "pay_card": OWN_APP + "; signed; idempotency key; card data never stored",
        "interac_go": OWN_APP + "; signed", "interac_cancel": UI, "interac_confirm": OWN_APP + "; signed",
        "load_receipt": OWN_APP, "print_receipt": OWN_APP, "load_submitted": OWN_APP,
        "go": "navigation among this application's pages"}),
    "rar_app.components.deadlines_panel.DeadlinesState": (REP, {"load": "own applications' deadlines"}),
}

# Handlers that take an object id, and where from. Kinds: see tests/services/test_access_refusals.py.
ID: dict[str, tuple[str, str, str]] = {
    "rar_app.pages.account_admin.AdminState.choose": ("arg", "request_id", "account_request"),
    "rar_app.pages.account_admin.AdminState.download_proof": ("arg", "request_id", "account_request"),
    "rar_app.pages.account_admin.AdminState.approve": ("arg", "request_id", "account_request"),
    "rar_app.pages.account_admin.AdminState.refuse": ("arg", "request_id", "account_request"),
    "rar_app.pages.backoffice_reviews.ReviewsState.approve": ("arg", "review_id", "review"),
    "rar_app.pages.backoffice_reviews.ReviewsState.refuse": ("arg", "review_id", "review"),
    "rar_app.pages.backoffice_reviews.ReviewsState.download": ("arg", "review_id", "review"),
    "rar_app.pages.backoffice_refunds.RefundsState.refund": ("arg", "payment_id", "payment"),
    "rar_app.state.documents.DocumentsState.remove": ("arg", "document_id", "document"),
    "rar_app.state.documents.DocumentsState.replace": ("arg", "document_id", "document"),
    "rar_app.state.documents.DocumentsState.download": ("arg", "document_id", "document"),
    "rar_app.state.wizard_drafts.DraftsState.ask_delete": ("arg", "app_id", "draft"),
    "rar_app.pages.status.StatusState.load": ("query", "n", "application_number"),
    "rar_app.pages.status.ApplicationViewState.load": ("query", "n", "application_number"),
    "rar_app.pages.file_history.FileHistoryState.load": ("query", "id", "application"),
    "rar_app.pages.backoffice_file.FileState.load": ("query", "id", "application"),
    # The questionnaire and the pages after it: the draft from the address (?id), and the
    # draft the state holds (`app_id`, a public var a crafted event can set: ("var", …)).
    "rar_app.state.questions.QuestionState.load": ("query", "id", "draft"),
    "rar_app.state.program_results.ProgramResultsState.load_results": ("query", "id", "draft"),
    "rar_app.state.program_results.ProgramResultsState.load_profile": ("query", "id", "draft"),
    "rar_app.state.program_results.ProgramResultsState.check_profile": ("var", "app_id", "draft"),
    "rar_app.state.program_results.ProgramResultsState.save_and_exit": ("var", "app_id", "draft"),
    "rar_app.state.program_results.ProgramResultsState.confirm_restart_now": ("query", "id", "draft"),
    "rar_app.state.program_sign.FinishSignState.load_documents": ("query", "id", "draft"),
    "rar_app.state.program_sign.FinishSignState.load_declaration": ("query", "id", "draft"),
    "rar_app.state.program_sign.FinishSignState.load_summary": ("query", "id", "draft"),
    "rar_app.state.program_sign.FinishSignState.load_checklist": ("query", "id", "draft"),
    "rar_app.state.program_sign.FinishSignState.continue_documents": ("var", "app_id", "draft"),
    "rar_app.state.program_sign.FinishSignState.sign": ("var", "app_id", "draft"),
    "rar_app.state.program_sign.FinishSignState.withdraw_signature": ("var", "app_id", "signed"),
    "rar_app.state.program_sign.FinishSignState.exit_questionnaire": ("var", "app_id", "draft"),
    "rar_app.state.program_payment.FinishPayState.load_signature": ("query", "id", "signed"),
    "rar_app.state.program_payment.FinishPayState.load_payment": ("query", "id", "signed"),
    "rar_app.state.program_payment.FinishPayState.load_receipt": ("query", "id", "application"),
    "rar_app.state.program_payment.FinishPayState.load_submitted": ("query", "id", "application"),
    "rar_app.state.program_payment.FinishPayState.transmit": ("var", "app_id", "signed"),
    "rar_app.state.program_payment.FinishPayState.pay_card": ("var", "app_id", "signed"),
    "rar_app.state.program_payment.FinishPayState.interac_go": ("var", "app_id", "signed"),
    "rar_app.state.program_payment.FinishPayState.interac_confirm": ("var", "app_id", "signed"),
    "rar_app.state.program_payment.FinishPayState.print_receipt": ("var", "app_id", "application"),
    "rar_app.pages.messages.MessageState.load": ("query", "id", "message"),
    "rar_app.pages.messages.MessageState.mark_unread": ("query", "id", "message"),
    "rar_app.pages.pool_status.PoolStatusState.load": ("query", "id", "application"),
    "rar_app.pages.pool_status.PoolStatusState.accept": ("var", "app_id", "application"),
    "rar_app.pages.pool_status.PoolStatusState.decline": ("var", "app_id", "application"),
    "rar_app.pages.pool_update.PoolUpdateState.load": ("query", "id", "application"),
    "rar_app.pages.pool_update.PoolUpdateState.save": ("var", "app_id", "application"),
}

# HTTP routes of the app's API (rar_app/api.py): path → (roles, check)
ROUTES: dict[str, tuple[tuple[str, ...], str]] = {
    "/api/session/establish": (PUBLIC, "one-time sign-in ticket bound to this browser; sets the session cookie"),
    "/api/session/signout": (PUBLIC, "revokes this browser's own session (POST, same origin)"),
    "/api/health": (PUBLIC, "no data"),
    "/api/documents/download": (ACCOUNT, "signed token bound to the session that asked for it; "
                                         "documents service re-checks access"),
    "/api/oidc/start": (PUBLIC, "starts a Sign-In Partner sign-in bound to this browser"),
    "/api/oidc/callback": (PUBLIC, "state + browser cookie + nonce + PKCE verified"),
    # The embedded demo Sign-In Partner: mounted in demo mode only, never in production.
    "/demo-partner/.well-known/openid-configuration": (PUBLIC, "demo mode only; public metadata"),
    "/demo-partner/authorize": (PUBLIC, "demo mode only; issues a code for a demo identity"),
    "/demo-partner/jwks": (PUBLIC, "demo mode only; public keys"),
    "/demo-partner/token": (PUBLIC, "demo mode only; code + PKCE verifier, once"),
    "/demo-partner/userinfo": (PUBLIC, "demo mode only; bearer token of that partner"),
}

# Reflex's own endpoints (reflex.constants.Endpoint): the test fails when Reflex adds one.
FRAMEWORK_ROUTES: dict[str, tuple[tuple[str, ...], str]] = {
    "/_event": (PUBLIC, "the websocket of every state event: Origin checked (origin_guard); each handler re-checks "
                        "the session, role and owner (HANDLERS above)"),
    "/_upload": (ACCOUNT, "POST: files to an upload handler of HANDLERS (size bounded by body_limit_guard); "
                          "GET of the public folder refused (upload_folder_guard): no file is ever kept there"),
    "/ping": (PUBLIC, "no data"),
    "/_health": (PUBLIC, "no data"),
    "/_all_routes": (PUBLIC, "not added (REFLEX_ADD_ALL_ROUTES_ENDPOINT unset): page names only"),
    "/auth-codespace": (PUBLIC, "GitHub Codespaces only; never on this portal's hosts"),
}
