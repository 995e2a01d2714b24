"""State of the visitor visa / study permit / work permit questionnaire.

It holds only the draft's id, which step is shown and that step's fields (plus
the choices and texts to show them); the answers and the position live in the
database (`services.applications`), saved at every step. Each step has its own
address (`?id=<draft>&client=<n>`), so the browser's back and forward buttons
simply load another step from the server: they cannot skip a question (the
engine refuses steps that are not reachable yet) nor overwrite an answer.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlencode

import reflex as rx

from rar_app import routes
from rar_app.i18n import t
from rar_app.services.casework import applications
from rar_app.programs import engine, registry
from rar_app.programs.visitor_study_work import fees as vsw_fees  # replaced by the generic pages
from rar_app.state.session import client_ip, page_lang, require_session, sign_in_redirect

# Which page shows which step of the questionnaire.
STEP_PAGES = {
    "file_number": "vsw_start",
    "applicants": "vsw_applicants",
    "client": "vsw_client",
    "sds": "vsw_sds",
    "documents": "vsw_client_documents",
    "fees": "vsw_fees",
    "review": "vsw_review",
}
PAGE_STEPS = {v: k for k, v in STEP_PAGES.items()}
# Positions set after the review by the later pages (signature, payment…) -> their page id.
LATER_PAGES = {"documents": "vsw_documents", "signature": "vsw_signature", "payment": "vsw_payment"}


def step_url(lang: str, app_id: int | None, ref: str, *, from_review: bool = False) -> str:
    """The address of one step of a draft (or of the first step of a new one)."""
    if ref in LATER_PAGES:
        page_id = LATER_PAGES[ref]
        if page_id in routes.ROUTES:
            return routes.url(page_id, lang) + "?" + urlencode({"id": app_id})
        ref = engine.REVIEW
    step_id, index = engine.parse_ref(ref)
    params: dict[str, Any] = {}
    if app_id:
        params["id"] = app_id
    if index is not None:
        params["client"] = index
    if from_review and step_id != engine.REVIEW:
        params["review"] = 1
    query = urlencode(params)
    return routes.url(STEP_PAGES[step_id], lang) + ("?" + query if query else "")


@dataclasses.dataclass
class Choice:
    code: str = ""
    label: str = ""
    help: str = ""
    amount: str = ""


@dataclasses.dataclass
class Doc:
    code: str = ""
    label: str = ""
    help: str = ""


@dataclasses.dataclass
class FeeRow:
    """One client in the fee selector: their options and current choices."""

    position: int = 0
    heading: str = ""
    type_label: str = ""
    fee: str = ""
    bio_needed: str = ""
    bio: str = ""
    fee_options: list[Choice] = dataclasses.field(default_factory=list)
    bio_options: list[Choice] = dataclasses.field(default_factory=list)
    fee_error: str = ""
    bio_needed_error: str = ""
    bio_error: str = ""


@dataclasses.dataclass
class SummaryLine:
    text: str = ""
    amount: str = ""


@dataclasses.dataclass
class ReviewItem:
    label: str = ""
    value: str = ""
    href: str = ""
    edit_label: str = ""


@dataclasses.dataclass
class ReviewGroup:
    heading: str = ""
    answers: list[ReviewItem] = dataclasses.field(default_factory=list)


def _field_names(step_id: str) -> list[str]:
    try:
        return [f.name for f in registry.default().application.step(step_id).fields]
    except KeyError:
        return []


class VswState(rx.State):
    app_id: int = 0
    ref: str = ""
    from_review: bool = False
    loaded: bool = False
    notice: str = ""  # not found / not editable
    step_counter: str = ""
    client_heading: str = ""
    # The current step's fields (controlled inputs: nothing typed is lost on an error).
    values: dict[str, str] = {}
    field_errors: dict[str, str] = {}
    errors: list[dict[str, str]] = []
    # Choices that depend on the rules or other answers.
    type_options: list[Choice] = []
    required_docs: list[Doc] = []
    optional_docs: list[Doc] = []
    checked_docs: list[str] = []
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
    _loaded_key: str = ""  # the address whose step is loaded (a change of #fragment is not a new step)

    # -- loading ------------------------------------------------------------

    def _reset_step(self) -> None:
        self.loaded = False
        self.notice = ""
        self.errors = []
        self.field_errors = {}
        self.values = {}
        self.checked_docs = []
        self.fee_rows = []
        self.fee_lines = []
        self.fee_warnings = []
        self.review_groups = []
        self.confirm_restart = False
        self.client_heading = ""

    def _page_step(self) -> tuple[str, int | None]:
        found = routes.find(self.router.url.path or "")
        page_id = found[0].page_id if found else "vsw_start"
        params = self.router.url.query_parameters
        index = None
        if PAGE_STEPS.get(page_id) in ("client", "sds", "documents"):
            raw = str(params.get("client", "1"))
            index = int(raw) if raw.isdigit() and 0 < int(raw) <= registry.default().max_applicants else 0
        return PAGE_STEPS.get(page_id, "file_number"), index

    def _query_id(self) -> int:
        raw = str(self.router.url.query_parameters.get("id", "") or "")
        return int(raw) if raw.isdigit() and len(raw) < 18 else 0

    @rx.event
    def load(self):
        """on_load of every step page: the step's saved answers, from the server."""
        info = require_session(self)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        key = (self.router.url.path or "") + "?" + "&".join(
            f"{k}={v}" for k, v in sorted(self.router.url.query_parameters.items()))
        if key == self._loaded_key and self.loaded and not self.notice:
            # Same step again (an error summary's #link, a reload): keep what was typed.
            return None
        self._loaded_key = key
        self._reset_step()
        step_id, index = self._page_step()
        self.app_id = self._query_id()
        self.from_review = str(self.router.url.query_parameters.get("review", "")) == "1"
        self.ref = engine.make_ref(step_id, index) if index != 0 else f"{step_id}.0"
        names = _field_names(step_id)
        if not self.app_id:
            if step_id != "file_number":
                return rx.redirect(routes.url("home", lang), replace=True)
            self.values = {n: "" for n in names}
            self.field_errors = {n: "" for n in names}
            self.step_counter = ""
            self.loaded = True
            return None
        try:
            if step_id == "review":
                return self._load_review(info.account_id, lang)
            view = applications.open_step(info.account_id, self.app_id, self.ref)
        except applications.NotFound:
            self.notice = t("wizard.not_found", lang)
            self.loaded = True
            return None
        except applications.NotEditable:
            self.notice = t("wizard.not_editable", lang)
            self.loaded = True
            return None
        except applications.Incomplete as exc:
            return rx.redirect(step_url(lang, self.app_id, exc.goto, from_review=self.from_review), replace=True)
        self.step_counter = t("wizard.step_counter", lang, n=view.position, total=view.total)
        saved = view.values
        self.values = {n: _as_text(saved.get(n)) for n in names}
        self.field_errors = {n: "" for n in names}
        if index:
            self.client_heading = applications.client_heading(info.account_id, self.app_id, index, lang)
        if step_id == "client":
            self.type_options = [Choice(o["code"], o["label"]) for o in applications.application_type_options(lang)]
        elif step_id == "documents":
            docs = applications.client_checklist(info.account_id, self.app_id, index or 1, lang)
            self.required_docs = [Doc(d["code"], d["label"], d["help"]) for d in docs if d["required"]]
            self.optional_docs = [Doc(d["code"], d["label"], d["help"]) for d in docs if not d["required"]]
            picked = saved.get("documents") or []
            self.checked_docs = [d.code for d in self.optional_docs if d.code in picked]
        elif step_id == "fees":
            self.values = {k: _as_text(v) for k, v in saved.items()}
            self._refresh_fees(info.account_id, lang)
        self.loaded = True
        return None

    def _load_review(self, account_id: int, lang: str):
        view = applications.review(account_id, self.app_id, lang)
        if not view.complete:
            return rx.redirect(step_url(lang, self.app_id, view.goto), replace=True)
        groups: list[ReviewGroup] = []
        for line in view.lines:
            heading = line.group or t("wizard.review_general", lang)
            if not groups or groups[-1].heading != heading:
                groups.append(ReviewGroup(heading, []))
            groups[-1].answers.append(ReviewItem(
                line.label, line.value, step_url(lang, self.app_id, line.step, from_review=True),
                t("wizard.review_change_label", lang, label=f"{line.label} ({heading})"),
            ))
        self.review_groups = groups
        self.review_total = applications.money(view.fees["total"], lang) if view.fees else ""
        self.fee_lines = [SummaryLine(x["explanation"], applications.money(x["amount"], lang)) for x in view.fees["lines"]] if view.fees else []
        self.fee_warnings = [w["message"] for w in view.fees["warnings"]] if view.fees else []
        self.review_complete = view.complete
        self.step_counter = ""
        self.loaded = True
        return None

    # -- typing ---------------------------------------------------------------

    @rx.event
    def set_value(self, name: str, value: str):
        if name in self.values:
            self.values[name] = str(value)[:200]

    @rx.event
    def toggle_doc(self, code: str, checked: bool):
        if any(d.code == code for d in self.optional_docs):
            rest = [c for c in self.checked_docs if c != code]
            self.checked_docs = rest + [code] if checked else rest

    # -- the fee selector -----------------------------------------------------------

    def _refresh_fees(self, account_id: int, lang: str) -> None:
        preview = applications.fee_preview(account_id, self.app_id, self.values, lang)
        errors = self.field_errors
        rows = []
        for r in preview["rows"]:
            n = r["position"]
            fee_id, needed_id, bio_id = vsw_fees.fee_field_ids(n)
            for key in (fee_id, needed_id, bio_id):
                self.values.setdefault(key, "")
            rows.append(FeeRow(
                position=n, heading=r["heading"], type_label=t("fees.client_type", lang, type=r["type_label"]),
                fee=self.values[fee_id], bio_needed=self.values[needed_id], bio=self.values[bio_id],
                fee_options=[Choice(**o) for o in r["fee_options"]],
                bio_options=[Choice(**o) for o in r["bio_options"]],
                fee_error=errors.get(fee_id, ""), bio_needed_error=errors.get(needed_id, ""), bio_error=errors.get(bio_id, ""),
            ))
        self.fee_rows = rows
        summary = preview["summary"]
        if summary is None:
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
        keys = dict(zip(("fee", "bio_needed", "bio"), vsw_fees.fee_field_ids(int(position))))
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
        return rx.set_focus("fee-summary")

    # -- navigation ---------------------------------------------------------------

    def _submitted(self) -> dict[str, Any]:
        step_id, _ = engine.parse_ref(self.ref) if self.ref and not self.ref.endswith(".0") else ("", None)
        if step_id == "documents":
            return {"documents": list(self.checked_docs)}
        return dict(self.values)

    def _save(self, action: str):
        info = require_session(self)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        if self.notice or not self.ref or self.ref.endswith(".0"):
            return rx.redirect(routes.url("home", lang))
        try:
            result = applications.save_step(info.account_id, self.app_id or None, self.ref, self._submitted(),
                                            action=action, from_review=self.from_review, ip=client_ip(self))
        except applications.NotFound:
            self.notice = t("wizard.not_found", lang)
            return None
        except applications.NotEditable:
            self.notice = t("wizard.not_editable", lang)
            return None
        except applications.Incomplete as exc:
            return rx.redirect(step_url(lang, self.app_id, exc.goto))
        if not result.ok:
            self._show_problems(result.problems, lang)
            return rx.set_focus("error-summary")
        self.errors = []
        self.app_id = result.app_id or 0
        self._loaded_key = ""  # leaving this step: the next visit loads it from the server again
        if action == "exit" or result.goto is None:
            return rx.redirect(routes.url("home", lang) + "#drafts")
        return rx.redirect(step_url(lang, self.app_id, result.goto,
                                    from_review=self.from_review and result.goto != engine.REVIEW))

    def _show_problems(self, problems, lang: str) -> None:
        step_id = engine.parse_ref(self.ref)[0]
        field_errors = {k: "" for k in self.field_errors}
        summary = []
        # The links keep the step's query (?id=…&client=…): a bare "#field" would be
        # resolved against the path alone and lose the draft.
        here = (self.router.url.path or "") + "?" + urlencode(dict(self.router.url.query_parameters))
        for p in problems:
            message = p.message(lang, t)
            field_errors[p.field] = message
            # Inputs carry the field's id (radio and checkbox groups: their first option).
            summary.append({"field": p.field, "message": message, "href": f"{here}#{p.field}"})
        self.field_errors = field_errors
        self.errors = summary
        if step_id == "fees":
            for row in self.fee_rows:
                fee_id, needed_id, bio_id = vsw_fees.fee_field_ids(row.position)
                row.fee_error = field_errors.get(fee_id, "")
                row.bio_needed_error = field_errors.get(needed_id, "")
                row.bio_error = field_errors.get(bio_id, "")
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
        return rx.redirect(step_url(page_lang(self), self.app_id, engine.REVIEW))

    # -- review -----------------------------------------------------------------

    @rx.event
    def ask_restart(self):
        self.confirm_restart = True
        return rx.set_focus("restart-confirm")

    @rx.event
    def cancel_restart(self):
        self.confirm_restart = False
        return rx.set_focus("nav-start-again")

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
        return rx.redirect(step_url(lang, self.app_id, "file_number"))

    @rx.event
    def continue_after_review(self):
        """Continuer: on to the document checklist (part B), once every answer is there."""
        info = require_session(self)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        if "vsw_documents" not in routes.ROUTES:
            return None
        try:
            applications.set_position(info.account_id, self.app_id, "documents")
        except applications.Incomplete as exc:
            return rx.redirect(step_url(lang, self.app_id, exc.goto))
        except (applications.NotFound, applications.NotEditable):
            self.notice = t("wizard.not_found", lang)
            return None
        self._loaded_key = ""
        return rx.redirect(routes.url("vsw_documents", lang) + "?" + urlencode({"id": self.app_id}))


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ""
    return str(value)
