"""State of the generic question pages: one step of any program's wizard at a time
(eligibility questions, application form, profile sections) and the application's review.

It holds only the draft's id, which step is shown and that step's fields (plus the
choices and texts to show them); the answers and the position live in the database
(`services.casework.applications`), saved at every step. The program and the step come
from the address (page id ``<code>:<step id>``, see `state.program_nav`); each step has
its own address (``?id=<draft>&client=<n>``), so the browser's back and forward buttons
simply load another step from the server: they cannot skip a question (the engine
refuses steps that are not reachable yet) nor overwrite an answer.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from datetime import date
from typing import Any
from urllib.parse import urlencode

import reflex as rx
from reflex.istate.data import RouterData

from rar_app import date_parts, routes
from rar_app.i18n import t
from rar_app.programs import engine
from rar_app.programs.base import Program
from rar_app.services import availability
from rar_app.services.casework import applications, item_lists
from rar_app.services.casework.step_page import check_step, step_page
from rar_app.state.program_nav import program_here, query_id, step_url
from rar_app.state.question_rows import (  # noqa: F401  (re-exported: the pages import them from here)
    Choice,
    Doc,
    fee_keys,
    FeeRow,
    ItemRow,
    reason_key,
    REASON_MAX,
    ReviewGroup,
    ReviewItem,
    SummaryLine,
    _as_text,
    _checkbox_names,
    _eligibility_note,
    _error_names,
    _field_names,
    _form_values,
    _step,
)
from rar_app.state.session import assign_changed, client_ip, enter_guard, focus, page_lang, require_session, sign_in_redirect

# The document_choice widget's choice « Aucun document additionnel n’est requis pour ce client »
# (a program lists it among the optional documents under this code).
NO_DOCUMENTS = "none"


# The handlers run on the event loop, database work included: measured with bench/ws_bench.py
# (20 sessions), handing each event's body to a worker thread cost more CPU than the few
# SQLite/PostgreSQL round trips it kept off the loop (« Suivant » with errors 2.5 → 1.5 ms,
# « Suivant » that saves 5.1 → 2.7 ms of server CPU an event; p95 halved).
class QuestionState(rx.State):
    app_id: int = 0
    ref: str = ""
    from_review: bool = False
    loaded: bool = False
    notice: str = ""  # not found / not editable
    # The database out of reach during « Suivant »/« Précédent »/« Quitter »: said above the form (which
    # keeps what was typed) while the same button is tried again by itself (retry_after_outage).
    unavailable: str = ""
    _outage_tries: int = 0
    step_counter: str = ""
    client_heading: str = ""
    # The current step's fields (controlled inputs: nothing typed is lost on an error).
    values: dict[str, str] = {}
    notes: dict[str, str] = {}  # live notes under fields that have one (engine.Field.note)
    _note_facts: dict[str, Any] = {}
    field_errors: dict[str, str] = {}
    errors: list[dict[str, str]] = []
    # Choices that depend on the rules or other answers: field -> choices.
    dyn_options: dict[str, list[Choice]] = {}
    required_docs: list[Doc] = []
    optional_docs: list[Doc] = []
    checked_docs: list[str] = []
    checks: list[str] = []  # the step's checkbox fields: "<field>:<code>" of each box ticked
    _check_names: list[str] = []
    # Fee step.
    fee_rows: list[FeeRow] = []
    fee_lines: list[SummaryLine] = []
    fee_total: str = ""
    fee_warnings: list[str] = []
    cheapest_text: str = ""
    cheapest_better: bool = False
    _cheapest: dict[str, str] = {}
    # Review.
    review_groups: list[ReviewGroup] = []
    review_total: str = ""
    review_complete: bool = False
    review_goto: str = ""
    confirm_restart: bool = False
    eligibility_note: str = ""  # the step repeats eligibility answers: say so before a change, offer « Recommencer »
    items: list[ItemRow] = []  # a list step's summary
    is_list: bool = False
    _loaded_key: str = ""  # the address whose step is loaded (a change of #fragment is not a new step)

    # -- loading ------------------------------------------------------------

    def _reset_step(self) -> None:
        self._note_facts = {}
        assign_changed(self, loaded=False, notice="", errors=[], field_errors={}, values={}, notes={},
                       checked_docs=[], fee_rows=[], fee_lines=[], fee_warnings=[], review_groups=[], items=[],
                       is_list=False, confirm_restart=False, eligibility_note="", client_heading="")

    def _here(self, router: RouterData | None = None) -> tuple[Program | None, str, int | None]:
        url = (router or self.router).url
        program, step_id = program_here(url.path or "")
        index = None
        step = _step(program, step_id)
        if step is not None and step.repeat is not None:
            raw = str(url.query_parameters.get("client", "1"))
            maximum = max(program.max_applicants, 50) if program else 50
            index = int(raw) if raw.isdigit() and 0 < int(raw) <= maximum else 0
        return program, step_id, index

    def _program(self, router: RouterData | None = None) -> Program | None:
        return program_here((router or self.router).url.path or "")[0]

    def _url(self, lang: str, ref: str, *, from_review: bool = False, program: Program | None = None) -> str:
        # `program`: a caller building many links reads the address once (the router is not free).
        return step_url(lang, self.app_id, ref, program=program or self._program(), from_review=from_review)

    @rx.event
    async def load(self):
        """on_load of every step page and of the review: the page guard, then the step's saved
        answers, from the server."""
        router = self.router  # read once: it is assembled anew at each read
        return await enter_guard(self, router) or self._load(router)

    def _load(self, router: RouterData):
        info = require_session(self, router=router)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self, router)
        query = router.url.query_parameters
        key = (router.url.path or "") + "?" + "&".join(f"{k}={v}" for k, v in sorted(query.items()))
        if key == self._loaded_key and self.loaded and not self.notice:
            # Same step again (an error summary's #link, a reload): keep what was typed.
            return None
        self._loaded_key = key
        self._reset_step()
        program, step_id, index = self._here(router)
        if program is None:
            return rx.redirect(routes.url("home", lang), replace=True)
        assign_changed(self, app_id=query_id(self, router), from_review=str(query.get("review", "")) == "1",
                       ref=engine.make_ref(step_id, index) if index != 0 else f"{step_id}.0")
        names = _field_names(program, step_id)
        if not self.app_id:
            if step_id != program.first_step():
                return rx.redirect(routes.url("home", lang), replace=True)
            self.dyn_options = {k: [Choice(o["code"], o["label"], o["help"]) for o in v]
                                for k, v in applications.new_step_options(program.code, lang).items()}
            self.values = {n: "" for n in names}
            self.checks, self._check_names = [], _checkbox_names(program, step_id)
            self.field_errors = {n: "" for n in _error_names(program, step_id)}
            found = program.wizard_of(step_id)
            n, total = engine.stage(found[1], step_id, engine.Context(date.today(), {})) if found else (0, 0)
            self.step_counter = t("wizard.step_counter", lang, n=n, total=total) if total else ""
            self.loaded = True
            return None
        try:
            if step_id == "review":
                return self._load_review(info.account_id, lang, program)
            view, options, heading, self._note_facts = step_page(info.account_id, self.app_id, self.ref, lang)
        except applications.NotFound:
            self.notice = t("wizard.not_found", lang)
            self.loaded = True
            return None
        except applications.NotEditable:
            self.notice = t("wizard.not_editable", lang)
            self.loaded = True
            return None
        except applications.Incomplete as exc:
            return rx.redirect(self._url(lang, exc.goto, from_review=self.from_review, program=program), replace=True)
        step = _step(program, step_id)
        saved = view.values
        values = _form_values(program, step_id, saved)
        self._check_names = _checkbox_names(program, step_id)
        assign_changed(self, step_counter=t("wizard.step_counter", lang, n=view.position, total=view.total),
                       eligibility_note=_eligibility_note(program, step_id, view.from_eligibility, lang),
                       values=values, notes=engine.field_notes(step, self._note_facts, values, lang),
                       checks=[f"{n}:{c}" for n in self._check_names for c in (saved.get(n) or []) if isinstance(c, str)],
                       field_errors={n: "" for n in _error_names(program, step_id)}, client_heading=heading,
                       dyn_options={k: [Choice(o["code"], o["label"], o["help"]) for o in v] for k, v in options.items()},
                       is_list=bool(step.items))
        if step.items:
            self._load_items(info.account_id, step_id, index, lang)
        widget = step.widget
        if widget == "document_choice":
            docs = applications.step_panel(info.account_id, self.app_id, self.ref, lang)
            self.required_docs = [Doc(d["code"], d["label"], d["help"]) for d in docs if d["required"]]
            self.optional_docs = [Doc(d["code"], d["label"], d["help"]) for d in docs if not d["required"]]
            picked = saved.get("documents") or []
            self.checked_docs = [d.code for d in self.optional_docs if d.code in picked]
        elif widget == "fee_selector":
            self.values = {k: _as_text(v) for k, v in saved.items()}
            self._refresh_fees(info.account_id, lang)
        self.loaded = True
        return None

    def _load_items(self, account_id: int, step_id: str, index: int | None, lang: str) -> None:
        rows = item_lists.items(account_id, self.app_id, step_id, lang)
        self.items = [ItemRow(r.index, r.text, self._url(lang, r.ref),
                              t("items.edit_label", lang, item=r.text), t("items.remove_label", lang, item=r.text),
                              r.index == index) for r in rows]

    @rx.event
    def save_and_add(self):
        """« Enregistrer et ajouter »: the item is checked and saved, then an empty one opens."""
        info = require_session(self)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        if self.notice or not self.is_list or not self.app_id:
            return None
        try:
            result, goto = item_lists.save_and_add(info.account_id, self.app_id, self.ref, self._submitted(self._program()),
                                                   ip=client_ip(self))
        except (item_lists.NotFound, ValueError):
            self.notice = t("wizard.not_found", lang)
            return None
        except item_lists.NotEditable:
            self.notice = t("wizard.not_editable", lang)
            return None
        except item_lists.TooMany:
            self.errors = [{"field": "save-and-add", "message": t("items.too_many", lang),
                            "href": (self.router.url.path or "") + "#save-and-add"}]
            return focus("error-summary")
        if goto is None:
            self._show_problems(result.problems, lang)
            return focus("error-summary")
        self.errors = []
        self._loaded_key = ""
        return rx.redirect(self._url(lang, goto))

    @rx.event
    def remove_item(self, index: int):
        """« Supprimer » an item of the summary list; the page shows the list again."""
        info = require_session(self)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        if self.notice or not self.is_list or not self.app_id:
            return None
        step_id = engine.parse_ref(self.ref)[0]
        try:
            item_lists.remove(info.account_id, self.app_id, step_id, index, ip=client_ip(self))
        except item_lists.NotFound:
            self.notice = t("wizard.not_found", lang)
            return None
        except item_lists.NotEditable:
            self.notice = t("wizard.not_editable", lang)
            return None
        self._loaded_key = ""
        return rx.redirect(self._url(lang, engine.make_ref(step_id, 1)))

    def _load_review(self, account_id: int, lang: str, program: Program):
        view = applications.review(account_id, self.app_id, lang)
        if not view.complete:
            return rx.redirect(self._url(lang, view.goto, program=program), replace=True)
        groups: list[ReviewGroup] = []
        pen_ids: set[str] = set()
        links: dict[str, str] = {}

        def pen_url(step_ref: str) -> str:  # a step's answers share one address
            if step_ref not in links:
                links[step_ref] = self._url(lang, step_ref, from_review=True, program=program)
            return links[step_ref]

        for line in view.lines:
            heading = line.group or t("wizard.review_general", lang)
            if not groups or groups[-1].heading != heading:
                groups.append(ReviewGroup(heading, []))
            pen_id = "pen-" + "-".join(re.sub(r"[^a-z0-9_]+", "-", x.lower()) for x in (line.step, line.field))
            while pen_id in pen_ids:
                pen_id += "-x"
            pen_ids.add(pen_id)
            groups[-1].answers.append(ReviewItem(
                line.label, line.value, pen_url(line.step) if line.editable else "",
                # The visible word « Modifier » starts the name; the rest says which answer.
                t("wizard.review_change_label", lang, label=f"{line.label} ({heading})"), pen_id if line.editable else "",
                t("wizard.from_eligibility_item", lang) if (line.step, line.field) in view.from_eligibility else "",
            ))
        n, total = view.stage
        assign_changed(
            self,
            review_groups=groups,
            eligibility_note=t("wizard.from_eligibility_review", lang) if view.from_eligibility else "",
            review_total=applications.money(view.fees["total"], lang) if view.fees else "",
            fee_lines=([SummaryLine(x["explanation"], applications.money(x["amount"], lang)) for x in view.fees["lines"]]
                       if view.fees else []),
            fee_warnings=[w["message"] for w in view.fees["warnings"]] if view.fees else [],
            review_complete=view.complete,
            step_counter=t("wizard.step_counter", lang, n=n, total=total) if total else "")
        self.loaded = True
        return None

    # -- typing ---------------------------------------------------------------

    @rx.event
    def set_value(self, name: str, value: str):
        if name in self.values:
            self.values[name] = str(value)[:200]
            if name in self.notes:  # a field with a live note (typing elsewhere stays as cheap as before)
                self.notes = engine.field_notes(_step(*self._here()[:2]), self._note_facts, self.values, page_lang(self))

    @rx.event
    def toggle_check(self, name: str, code: str, checked: bool):
        """A box of a checkbox field (the server checks the codes again on « Suivant »)."""
        if name in self._check_names and isinstance(code, str) and len(code) <= 60:
            entry = f"{name}:{code}"
            rest = [c for c in self.checks if c != entry]
            self.checks = rest + [entry] if checked else rest

    @rx.event
    def toggle_doc(self, code: str, checked: bool):
        if any(d.code == code for d in self.optional_docs):
            rest = [c for c in self.checked_docs if c != code]
            if checked:  # the document widget's « none » choice excludes the documents, and back
                rest = [c for c in rest if (c == NO_DOCUMENTS) == (code == NO_DOCUMENTS)]
            self.checked_docs = rest + [code] if checked else rest

    # -- the fee selector -----------------------------------------------------------

    def _refresh_fees(self, account_id: int, lang: str) -> None:
        preview = applications.step_panel(account_id, self.app_id, self.ref, lang, self.values)
        errors = self.field_errors
        rows = []
        for r in preview["rows"]:
            n = r["position"]
            fee_id, needed_id, bio_id = fee_keys(n)
            for key in (fee_id, needed_id, bio_id, reason_key(n)):
                self.values.setdefault(key, "")
            rows.append(FeeRow(
                position=n, heading=r["heading"], type_label=t("fees.client_type", lang, type=r["type_label"]),
                fee=self.values[fee_id], bio_needed=self.values[needed_id], bio=self.values[bio_id],
                fee_options=[Choice(**o) for o in r["fee_options"]],
                bio_options=[Choice(**o) for o in r["bio_options"]],
                fee_error=errors.get(fee_id, ""), bio_needed_error=errors.get(needed_id, ""), bio_error=errors.get(bio_id, ""),
                reason=self.values[reason_key(n)], reason_error=errors.get(reason_key(n), ""),
            ))
        self.fee_rows = rows
        summary = preview["summary"]
        # No total and no advice until every client's fee type is chosen (issue 17, point 9).
        chosen = bool(rows) and all(self.values.get(fee_keys(r.position)[0]) for r in rows)
        if summary is None or not chosen:
            self.fee_lines, self.fee_total, self.fee_warnings = [], "", []
            self.cheapest_text, self.cheapest_better = "", False
            return
        self.fee_lines = [SummaryLine(x["explanation"], applications.money(x["amount"], lang)) for x in summary["lines"]]
        self.fee_total = applications.money(summary["total"], lang)
        self.fee_warnings = [w["message"] for w in summary["warnings"]]
        saving = summary["cheapest"]["saving"]
        self._cheapest = preview["cheapest"]
        differs = any(self.values.get(k, "") != v for k, v in preview["cheapest"].items()
                      if not (k.startswith("bio-") and v == ""))
        self.cheapest_better = differs and float(saving) > 0
        self.cheapest_text = (t("fees.cheapest_body", lang, total=applications.money(summary["cheapest"]["total"], lang),
                                saving=applications.money(saving, lang))
                              if self.cheapest_better else t("fees.cheapest_already", lang))

    @rx.event
    def choose_fee(self, position: int, kind: str, value: str):
        """A fee choice changed: keep it and recompute the summary with the rules engine."""
        info = require_session(self)
        if info is None:
            return sign_in_redirect(self)
        try:
            n = int(position)
        except (TypeError, ValueError):
            return None
        keys = dict(zip(("fee", "bio_needed", "bio"), fee_keys(n)))
        if kind == "reason":  # typed text: kept as typed, checked on « Suivant »; no new total
            if reason_key(n) in self.values:
                self.values[reason_key(n)] = str(value)[:REASON_MAX]
                self.fee_rows = [dataclasses.replace(r, reason=self.values[reason_key(n)]) if r.position == n else r
                                 for r in self.fee_rows]
            return None
        if kind not in keys or keys[kind] not in self.values:
            return None
        self.values[keys[kind]] = str(value)[:40]
        if kind == "bio_needed" and value == "no":
            self.values[keys["bio"]] = ""
        try:
            self._refresh_fees(info.account_id, page_lang(self))
        except applications.NotFound:
            self.notice = t("wizard.not_found", page_lang(self))
        return None

    @rx.event
    def use_cheapest(self):
        """One click: the rules engine's cheapest valid choice for every client."""
        info = require_session(self)
        if info is None:
            return sign_in_redirect(self)
        for key, value in self._cheapest.items():
            if key in self.values:
                self.values[key] = value
        self._refresh_fees(info.account_id, page_lang(self))
        return focus("fee-summary")

    # -- navigation ---------------------------------------------------------------

    def _submitted(self, program: Program | None) -> dict[str, Any]:
        step_id, _ = engine.parse_ref(self.ref) if self.ref and not self.ref.endswith(".0") else ("", None)
        step = _step(program, step_id)
        if step is not None and step.widget == "document_choice":
            return {"documents": list(self.checked_docs)}
        ticked = {n: [e.split(":", 1)[1] for e in self.checks if e.startswith(n + ":")] for n in self._check_names}
        return {**self.values, **ticked}

    def _save(self, action: str):
        try:
            event = self._save_now(action)
        except Exception as exc:
            if not availability.database_unavailable(exc):
                raise
            return self._outage(action)
        self.unavailable, self._outage_tries = "", 0
        return event

    def _outage(self, action: str):
        """Nothing was written (the transaction rolled back whole): say so, keep the page as
        typed, and press the same button again a few seconds later, up to MAX_RETRIES times."""
        lang = page_lang(self)
        self._outage_tries += 1
        if self._outage_tries > availability.MAX_RETRIES:
            self.unavailable, self._outage_tries = t("resilience.unavailable_later", lang), 0
            return None
        self.unavailable = t("resilience.unavailable", lang)
        return QuestionState.retry_after_outage(action)

    @rx.event(background=True)
    async def retry_after_outage(self, action: str):
        """After a database outage: the same button again, by itself (it checks everything again)."""
        handler = {"next": QuestionState.next_step, "previous": QuestionState.previous_step,
                   "exit": QuestionState.exit_questionnaire}.get(action)
        if handler is None:
            return
        await asyncio.sleep(availability.RETRY_SECONDS)
        async with self:
            waiting = bool(self.unavailable) and self._outage_tries > 0
        if waiting:
            yield handler

    def _save_now(self, action: str):
        router = self.router
        info = require_session(self, router=router)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self, router)
        if self.notice or not self.ref or self.ref.endswith(".0"):
            return rx.redirect(routes.url("home", lang))
        program = self._program(router)
        submitted = self._submitted(program)
        if action == "next" and self.is_list and self.app_id:
            try:  # the empty form « Enregistrer et ajouter » opened: dropped, the questionnaire goes on
                skipped = item_lists.skip_blank(info.account_id, self.app_id, self.ref, submitted,
                                                ip=client_ip(self, router))
            except (item_lists.NotFound, item_lists.NotEditable):
                skipped = None
            if skipped:
                self._loaded_key = ""
                return rx.redirect(self._url(lang, skipped, program=program))
        try:
            checked = None
            if action == "next" and self.app_id:
                # Checked first on a plain read: answers with problems take no lock and load no object.
                checked = check_step(info.account_id, self.app_id, self.ref, submitted)
                if checked.problems:
                    self._show_problems(checked.problems, lang, router)
                    return focus("error-summary")
            result = applications.save_step(info.account_id, self.app_id or None, self.ref, submitted,
                                            action=action, from_review=self.from_review, ip=client_ip(self, router),
                                            kind=program.code if program else None, checked=checked)
        except applications.NotFound:
            self.notice = t("wizard.not_found", lang)
            return None
        except applications.NotEditable:
            self.notice = t("wizard.not_editable", lang)
            return None
        except applications.Incomplete as exc:
            return rx.redirect(self._url(lang, exc.goto))
        if not result.ok:
            self._show_problems(result.problems, lang, router)
            return focus("error-summary")
        assign_changed(self, errors=[], app_id=result.app_id or 0)
        self._loaded_key = ""  # leaving this step: the next visit loads it from the server again
        if action == "exit" or result.goto is None:
            return rx.redirect(routes.url("home", lang) + "#drafts")
        return rx.redirect(self._url(lang, result.goto, from_review=self.from_review and result.goto != engine.REVIEW,
                                     program=program))

    def _show_problems(self, problems, lang: str, router: RouterData | None = None) -> None:
        field_errors = dict.fromkeys(self.field_errors, "")
        summary = []
        # The links keep the step's query (?id=…&client=…): a bare "#field" would be
        # resolved against the path alone and lose the draft.
        url = (router or self.router).url
        here = (url.path or "") + "?" + urlencode(dict(url.query_parameters))
        for p in problems:
            message = p.message(lang, t)
            field_errors[p.field] = message
            for part in date_parts.marked(p.key, p.part):  # the wrong box(es) of a date
                field_errors[date_parts.part_key(p.field, part)] = "1"
            # Inputs carry the field's id (radio and checkbox groups: their first option; a
            # date: the box to correct first).
            summary.append({"field": p.field, "message": message, "href": f"{here}#{p.anchor()}"})
        self.field_errors = field_errors
        self.errors = summary
        if self.fee_rows:
            for row in self.fee_rows:
                fee_id, needed_id, bio_id = fee_keys(row.position)
                row.fee_error = field_errors.get(fee_id, "")
                row.bio_needed_error = field_errors.get(needed_id, "")
                row.bio_error = field_errors.get(bio_id, "")
                row.reason_error = field_errors.get(reason_key(row.position), "")
            self.fee_rows = list(self.fee_rows)

    @rx.event
    def next_step(self, _form_data: dict | None = None):
        """Suivant: validate on the server, save, go on."""
        return self._save("next")

    @rx.event
    def previous_step(self):
        """Précédent: keep what was typed (unchecked) and go back one step."""
        return self._save("previous")

    @rx.event
    def exit_questionnaire(self):
        """Quitter le questionnaire: save what was typed and go to the account home."""
        return self._save("exit")

    @rx.event
    def leave(self):
        """Quitter le questionnaire on the review: every answer is already saved."""
        self._loaded_key = ""
        return rx.redirect(routes.url("home", page_lang(self)) + "#drafts")

    @rx.event
    def back_to_review(self):
        """Retour à la page précédente (from a pencil): the review, nothing changed."""
        self._loaded_key = ""
        return rx.redirect(self._url(page_lang(self), engine.REVIEW))

    # -- review -----------------------------------------------------------------

    @rx.event
    def ask_restart(self):
        self.confirm_restart = True
        return focus("restart-confirm")

    @rx.event
    def cancel_restart(self):
        self.confirm_restart = False
        on_review = (self.ref or "").split(".")[0] == engine.REVIEW
        return focus("nav-start-again" if on_review or not self.eligibility_note else "eligibility-restart")

    @rx.event
    def confirm_restart_now(self):
        info = require_session(self)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        try:
            applications.restart(info.account_id, self.app_id, ip=client_ip(self))
        except (applications.NotFound, applications.NotEditable):
            self.notice = t("wizard.not_found", lang)
            return None
        self.confirm_restart = False
        self._loaded_key = ""
        program = self._program()
        return rx.redirect(self._url(lang, program.first_step() if program else engine.REVIEW))

    @rx.event
    def continue_after_review(self):
        """Continuer: on to the document checklist (part B), once every answer is there."""
        info = require_session(self)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        try:
            applications.set_position(info.account_id, self.app_id, "documents")
        except applications.Incomplete as exc:
            return rx.redirect(self._url(lang, exc.goto))
        except (applications.NotFound, applications.NotEditable):
            self.notice = t("wizard.not_found", lang)
            return None
        self._loaded_key = ""
        program = self._program()
        return rx.redirect(self._url(lang, program.next_page("review") if program else "documents"))

