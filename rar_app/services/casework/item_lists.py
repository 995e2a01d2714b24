"""A list step (`Step.items`: « Sommaire des pièces d’identité »): several like things, each a
form of its own (an instance of the step, ``id.1`` … ``id.n``). « Enregistrer et ajouter » saves
the item shown (validated like « Suivant ») and opens an empty one; each saved item is a row of
the summary list, with « Modifier » (its form) and « Supprimer » (the later items move up).
The number of items is kept in the answers under `engine.items_key`. For every program; the
access, editability and audit rules are those of `applications.save_step`."""

from __future__ import annotations

import dataclasses
from typing import Any, Mapping

from rar_app.db import session_scope
from rar_app.programs import engine
from rar_app.services import audit
from rar_app.services.casework import answers, applications

NotFound = applications.NotFound
NotEditable = applications.NotEditable


class TooMany(Exception):
    """The list holds `engine.MAX_ITEMS` items already."""


@dataclasses.dataclass(frozen=True)
class ItemView:
    index: int
    ref: str
    text: str  # the item's answers, as on the document


def _list_step(app: Any, step_id: str) -> engine.Step:
    program = answers.program_of(app)
    found = program.wizard_of(step_id)
    step = found[1].step(step_id) if found else None
    if step is None or not step.items:
        raise NotFound()
    return step


def _count(ctx_answers: Mapping[str, Any], step_id: str) -> int:
    return engine.item_count(step_id)(engine.Context(answers.on_date(), dict(ctx_answers)))


def items(account_id: int, app_id: Any, step_id: str, lang: str) -> list[ItemView]:
    """The summary list: every item saved with its answers (an item never saved is not listed)."""
    with session_scope() as db:
        app = answers.owned(db, account_id, app_id)
        step = _list_step(app, step_id)
        ctx = answers.context(app)
        wizard = answers.wizard_of(app, step_id)
        out = []
        for i in range(1, _count(ctx.answers, step_id) + 1):
            ref = engine.make_ref(step_id, i)
            saved = ctx.answers.get(ref)
            if not saved:
                continue
            values = [engine.display_value(wizard, f, saved.get(f.name), ctx, i, lang) for f in step.fields
                      if saved.get(f.name) not in (None, "", [])]
            out.append(ItemView(i, ref, " · ".join(values)))
        return out


def save_and_add(account_id: int, app_id: Any, ref: str, raw: Mapping[str, Any], *, ip: str = ""
                 ) -> tuple[applications.SaveResult, str | None]:
    """« Enregistrer et ajouter »: (the save's result, the reference of the empty item to fill
    next — an item left empty is reused — or None when the answers were refused)."""
    step_id, _index = engine.parse_ref(ref)
    with session_scope() as db:
        _list_step(answers.owned(db, account_id, app_id), step_id)
    result = applications.save_step(account_id, app_id, ref, raw, action="next", ip=ip)
    if not result.ok:
        return result, None
    with session_scope() as db:
        app = answers.owned(db, account_id, app_id, lock=True)
        if app.status not in answers.EDITABLE:
            raise NotEditable(app.status)
        saved = answers.answers_of(app)
        count = _count(saved, step_id)
        empty = next((i for i in range(1, count + 1) if not saved.get(engine.make_ref(step_id, i))), None)
        if empty is None:
            if count >= engine.MAX_ITEMS:
                raise TooMany()
            empty = count = count + 1
        saved[engine.items_key(step_id)] = {"count": count}
        answers.store(app, saved)
        app.wizard_step = engine.make_ref(step_id, empty)
        db.add(app)
        audit.record(db, "application.item_added", actor_id=account_id, actor_role="representative",
                     object_type="application", object_id=app.id, ip=ip, step=step_id, count=count)
        return result, engine.make_ref(step_id, empty)


def remove(account_id: int, app_id: Any, step_id: str, index: Any, *, ip: str = "") -> None:
    """« Supprimer »: the item goes, the later ones move up (there is always one form to fill)."""
    if type(index) is not int:
        raise NotFound()
    with session_scope() as db:
        app = answers.owned(db, account_id, app_id, lock=True)
        if app.status not in answers.EDITABLE:
            raise NotEditable(app.status)
        _list_step(app, step_id)
        saved = answers.answers_of(app)
        count = _count(saved, step_id)
        if not 1 <= index <= count:
            raise NotFound()
        for i in range(index, count):
            saved[engine.make_ref(step_id, i)] = saved.get(engine.make_ref(step_id, i + 1)) or {}
        saved.pop(engine.make_ref(step_id, count), None)
        saved[engine.items_key(step_id)] = {"count": max(1, count - 1)}
        answers.store(app, saved)
        db.add(app)
        audit.record(db, "application.item_removed", actor_id=account_id, actor_role="representative",
                     object_type="application", object_id=app.id, ip=ip, step=step_id, index=index)


def skip_blank(account_id: int, app_id: Any, ref: str, raw: Mapping[str, Any], *, ip: str = "") -> str | None:
    """« Suivant » on the empty form « Enregistrer et ajouter » opened last, with items saved
    before it: that form is dropped (nothing to check) and the questionnaire goes on. Returns
    where to go, or None when this is not that case (the form is then saved as usual)."""
    step_id, index = engine.parse_ref(ref)
    if index is None or any(str(v).strip() for v in raw.values() if not isinstance(v, list)) \
            or any(v for v in raw.values() if isinstance(v, list)):
        return None
    with session_scope() as db:
        app = answers.owned(db, account_id, app_id, lock=True)
        if app.status not in answers.EDITABLE:
            raise NotEditable(app.status)
        step = _list_step(app, step_id)
        saved = answers.answers_of(app)
        count = _count(saved, step_id)
        if index != count or count < 2 or saved.get(engine.make_ref(step_id, index)):
            return None
        saved.pop(engine.make_ref(step_id, index), None)
        saved[engine.items_key(step_id)] = {"count": count - 1}
        answers.store(app, saved)
        program = answers.program_of(app)
        part, wizard = program.wizard_of(step.id)  # type: ignore[misc]
        ctx = answers.context(app)
        goto = engine.next_ref(wizard, engine.make_ref(step_id, count - 1), ctx)
        if goto == engine.REVIEW:
            goto = program.done_page(part)
        app.wizard_step = goto
        db.add(app)
        audit.record(db, "application.item_removed", actor_id=account_id, actor_role="representative",
                     object_type="application", object_id=app.id, ip=ip, step=step_id, index=index)
        return goto
