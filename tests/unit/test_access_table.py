"""The access table tests itself (issue 14): every public event handler of every Reflex
state of the app and every HTTP route of its API is listed in rar_app/access_table.py
with its roles and object check — and nothing listed is gone."""

from __future__ import annotations

import importlib
import inspect
import re

import reflex as rx

from rar_app import access_table
from rar_app.api import build_api

KNOWN_ROLES = {"public", "session", "representative", "client", "staff", "admin"}


def _states():
    import rar_app.rar_app  # noqa: F401  (every page's state)

    def walk(cls):
        for sub in cls.get_substates():
            yield sub
            yield from walk(sub)

    return [s for s in walk(rx.State) if s.__module__.startswith("rar_app.")]


def _handlers() -> dict[str, object]:
    found = {}
    for state in _states():
        for name, handler in state.event_handlers.items():
            if not name.startswith("_") and name != "setvar":  # setvar: see the table's docstring
                found[f"{state.__module__}.{state.__name__}.{name}"] = handler
    return found


def _listed() -> set[str]:
    return {f"{state}.{name}" for state, (_roles, handlers) in access_table.HANDLERS.items() for name in handlers}


def test_every_public_handler_is_in_the_table():
    found = set(_handlers())
    assert len(found) > 150
    missing, gone = sorted(found - _listed()), sorted(_listed() - found)
    assert not missing, "handlers missing from rar_app/access_table.py:\n" + "\n".join(missing)
    assert not gone, "listed in rar_app/access_table.py but no longer in the app:\n" + "\n".join(gone)


def test_every_route_is_in_the_table():
    paths = {route.path for route in build_api().routes}
    assert paths == set(access_table.ROUTES), (sorted(paths - set(access_table.ROUTES)),
                                               sorted(set(access_table.ROUTES) - paths))


def test_every_entry_names_its_roles_and_check():
    for state, (roles, handlers) in access_table.HANDLERS.items():
        assert roles and set(roles) <= KNOWN_ROLES, state
        assert all(isinstance(c, str) and c.strip() for c in handlers.values()), state
    for path, (roles, check) in access_table.ROUTES.items():
        assert set(roles) <= KNOWN_ROLES and check.strip(), path


def test_id_entries_name_real_parameters():
    handlers = _handlers()
    for key, (source, name, _kind) in access_table.ID.items():
        assert key in handlers, key
        if source == "arg":
            assert name in inspect.signature(handlers[key].fn).parameters, key
        elif source == "var":  # a public var of the handler's state (a crafted setvar sets it)
            state_path = key.rsplit(".", 1)[0]
            module, cls = state_path.rsplit(".", 1)
            state_cls = getattr(importlib.import_module(module), cls)
            assert name in state_cls.base_vars and not name.startswith("_"), key
        else:
            assert source == "query", key


def test_handlers_taking_an_id_argument_are_all_in_the_id_list():
    """A handler whose parameter is an object id must get the generated refusal tests."""
    ids = ("document_id", "request_id", "review_id", "payment_id", "app_id", "application_id", "message_id")
    for key, handler in _handlers().items():
        params = set(inspect.signature(handler.fn).parameters)
        if params & set(ids) and not key.endswith((".set_note", ".set_reason")):
            assert key in access_table.ID, f"{key} takes an id: add it to access_table.ID"


# Handlers that read the address's query for something that is not an object id: a notice
# code, a prefill flag, a saved flag, a one-time token checked by its own service.
QUERY_NOT_AN_ID = {
    "rar_app.pages.sign_in.SignInState.load", "rar_app.pages.account_enrol.EnrolState.load",
    "rar_app.pages.account_merge_confirm.MergeConfirmState.load", "rar_app.pages.account_recovery.RecoveryState.load",
    "rar_app.pages.account_profile.ProfileState.load",
}


def test_handlers_reading_an_id_from_the_address_are_all_in_the_id_list():
    """A handler that opens an object named by the address (?id=, ?n=) — directly or through
    the pages' shared openers — must get the generated refusal tests (issue 14)."""
    reads = re.compile(r"query_id\(self\)|query_param\(self|open_view\(self|self\._open\(|query_parameters")
    missing = []
    for key, handler in _handlers().items():
        try:
            source = inspect.getsource(handler.fn)
        except (OSError, TypeError):
            continue
        if reads.search(source) and key not in access_table.ID and key not in QUERY_NOT_AN_ID:
            missing.append(key)
    assert not missing, f"reads an id from the address but is not in access_table.ID: {missing}"


def test_every_reflex_endpoint_is_in_the_table():
    from reflex import constants

    served = {str(endpoint) for endpoint in constants.Endpoint}
    assert served == set(access_table.FRAMEWORK_ROUTES), (sorted(served - set(access_table.FRAMEWORK_ROUTES)),
                                                          sorted(set(access_table.FRAMEWORK_ROUTES) - served))
    for path, (roles, check) in access_table.FRAMEWORK_ROUTES.items():
        assert roles and set(roles) <= KNOWN_ROLES and check.strip(), path


def test_the_public_upload_folder_serves_nothing_but_uploads_still_arrive():
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from rar_app.api import upload_folder_guard

    async def inner(request):
        return PlainTextResponse("reached " + request.method)

    app = Starlette(routes=[Route("/_upload", inner, methods=["GET", "POST"]),
                            Route("/_upload/{name:path}", inner, methods=["GET", "HEAD"]),
                            Route("/ping", inner)])
    client = TestClient(upload_folder_guard(app))
    for path in ("/_upload/passeport.pdf", "/_upload/a/b.png", "/_upload", "/_upload/"):
        assert client.get(path).status_code == 404, path
    assert client.head("/_upload/x.pdf").status_code == 404
    assert client.post("/_upload", content=b"x").text == "reached POST"
    assert client.get("/ping").text == "reached GET"
