"""State of « Vos résultats » and of the task-list profile page (any program with
eligibility questions or a profile). Thin: it loads the service's view and links on."""

from __future__ import annotations

import dataclasses

import reflex as rx

from rar_app import routes
from rar_app.i18n import t
from rar_app.programs import registry
from rar_app.services.casework import applications, profiles
from rar_app.state.program_nav import page_url, program_here, query_id, step_url
from rar_app.state.session import client_ip, page_lang, require_session, sign_in_redirect


@dataclasses.dataclass
class ReasonRow:
    text: str = ""
    reference: str = ""


@dataclasses.dataclass
class ResultRow:
    title: str = ""
    reasons: list[ReasonRow] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class DetailRow:
    label: str = ""
    value: str = ""


@dataclasses.dataclass
class MissingRow:
    label: str = ""
    href: str = ""


@dataclasses.dataclass
class SectionRow:
    id: str = ""
    title: str = ""
    status: str = ""
    status_text: str = ""
    href: str = ""
    action: str = ""
    action_label: str = ""
    missing: list[MissingRow] = dataclasses.field(default_factory=list)


def _rows(items) -> list[ResultRow]:
    return [ResultRow(r.title, [ReasonRow(x.text, x.reference) for x in r.reasons]) for r in items]


class ProgramResultsState(rx.State):
    app_id: int = 0
    loaded: bool = False
    notice: str = ""
    eligible: bool = False
    results: list[ResultRow] = []
    refusals: list[ResultRow] = []
    advice: list[ReasonRow] = []
    details: list[DetailRow] = []
    redirect_text: str = ""
    redirect_href: str = ""
    continue_href: str = ""
    back_href: str = ""
    # The task list.
    sections: list[SectionRow] = []
    complete: bool = False
    checked: bool = False  # « Vérifier si le formulaire est bien rempli » was pressed
    missing: list[MissingRow] = []
    shortcuts: list[MissingRow] = []  # links at the top (« Modifier les renseignements sur la famille »)
    review_href: str = ""
    prefilled: bool = False  # sections filled in part from step 1: say that changing them means starting again
    confirm_restart: bool = False

    def _open(self):
        info = require_session(self)
        if info is None:
            return None, None, sign_in_redirect(self)
        self.app_id = query_id(self)
        self.loaded, self.notice, self.checked, self.confirm_restart = False, "", False, False
        program = program_here(self.router.url.path or "")[0]
        if program is None or not self.app_id:
            return None, None, rx.redirect(routes.url("home", page_lang(self)), replace=True)
        return info, program, None

    @rx.event
    def load_results(self):
        info, program, event = self._open()
        if info is None:
            return event
        lang = page_lang(self)
        try:
            view = profiles.results(info.account_id, self.app_id, lang)
        except (applications.NotFound, applications.NotEditable):
            self.notice = t("wizard.not_found", lang)
            self.loaded = True
            return None
        except applications.Incomplete as exc:
            return rx.redirect(step_url(lang, self.app_id, exc.goto, program=program), replace=True)
        self.eligible = view.eligible
        self.results, self.refusals = _rows(view.results), _rows(view.refusals)
        self.advice = [ReasonRow(x.text, x.reference) for x in view.advice]
        self.details = [DetailRow(label, value) for label, value in view.details]
        other = registry.find(view.redirect_kind) if view.redirect_kind else None
        self.redirect_text = t("programs.results_redirect", lang, program=t(other.title_key, lang)) if other else ""
        self.redirect_href = routes.url(other.page_id(other.start_page()), lang) if other else ""
        self.continue_href = step_url(lang, self.app_id, view.next_ref, program=program) if view.eligible else ""
        last = program.eligibility.steps[-1].id if program.eligibility else program.first_step()
        self.back_href = page_url(program, last, lang, id=self.app_id)
        self.loaded = True
        return None

    def _section_row(self, program, s, lang: str) -> SectionRow:
        started = s.started  # prefilled from step 1 (« En cours ») but never opened: « Commencer… »
        action = t("programs.profile_update" if started else "programs.profile_start", lang)
        label = t("programs.profile_update_label" if started else "programs.profile_start_label", lang, section=s.title)
        return SectionRow(s.id, s.title, s.status, t(f"programs.profile_{s.status}", lang),
                          step_url(lang, self.app_id, s.ref, program=program), action, label,
                          [self._missing_row(program, s.title, m, lang) for m in s.missing])

    def _missing_row(self, program, section: str, m, lang: str) -> MissingRow:
        """A link to the step, and to the question itself when one answer is missing or wrong."""
        href = step_url(lang, self.app_id, m.ref, program=program)
        if not m.field:
            return MissingRow(t("programs.profile_missing_item", lang, section=section, step=m.label), href)
        return MissingRow(t("task_list.wrong_item", lang, section=section, step=m.label, problem=m.problem),
                          f"{href}#{m.field}")

    @rx.event
    def load_profile(self):
        info, program, event = self._open()
        if info is None:
            return event
        lang = page_lang(self)
        try:
            view = profiles.profile(info.account_id, self.app_id, lang)
        except (applications.NotFound, applications.NotEditable):
            self.notice = t("wizard.not_found", lang)
            self.loaded = True
            return None
        except applications.Incomplete as exc:
            return rx.redirect(step_url(lang, self.app_id, exc.goto, program=program), replace=True)
        self.sections = [self._section_row(program, s, lang) for s in view.sections]
        self.missing = [m for row in self.sections for m in row.missing]
        self.shortcuts = [MissingRow(t(section.shortcut_key, lang), row.href)
                          for section, row in zip(program.profile, self.sections) if section.shortcut_key]
        self.complete = view.complete
        self.prefilled = view.prefilled
        self.review_href = page_url(program, "review", lang, id=self.app_id)
        self.loaded = True
        return None

    @rx.event
    def check_profile(self):
        """« Vérifier si le formulaire est bien rempli »: the missing answers, each a link."""
        if require_session(self) is None:
            return sign_in_redirect(self)
        self.checked = True
        return rx.set_focus("profile-check")

    @rx.event
    def ask_restart(self):
        """« Recommencer » beside the note on the answers from step 1: confirm first."""
        self.confirm_restart = True
        return rx.set_focus("restart-confirm")

    @rx.event
    def cancel_restart(self):
        self.confirm_restart = False
        return rx.set_focus("profile-restart")

    @rx.event
    def confirm_restart_now(self):
        """Every answer erased (the service re-checks owner and status); back to the first question."""
        info, program, event = self._open()
        if info is None:
            return event
        lang = page_lang(self)
        try:
            applications.restart(info.account_id, self.app_id, ip=client_ip(self))
        except (applications.NotFound, applications.NotEditable):
            self.notice = t("wizard.not_found", lang)
            self.loaded = True
            return None
        return rx.redirect(step_url(lang, self.app_id, program.first_step(), program=program))

    @rx.event
    def save_and_exit(self):
        """« Enregistrer et quitter »: every answer is saved at each step already."""
        return rx.redirect(routes.url("home", page_lang(self)) + "#drafts")
