"""What the history page and the administrators' audit search share: the words for an
audit action, the time as shown, and one entry as a card (readable at 375 px)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from rar_app.i18n import catalogue, t


def action_label(action: str, lang: str) -> str:
    """« Demande signée » for application.signed; the code itself for an action without words yet."""
    key = "history.action." + action.replace(".", "_")
    return t(key, lang) if key in catalogue(lang) else t("history.action_other", lang, code=action)


def who_label(entry: Any, lang: str) -> str:
    if entry.actor_name:
        return entry.actor_name
    if entry.actor_role in ("staff", "admin"):
        return t("history.who_ircc", lang)
    return t("history.who_system", lang)


def when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""


def entry_card(lang: str, e: rx.Var, *, with_details: bool = False) -> rx.Component:
    """One entry: {action, who, at, ip, object, details} (strings)."""
    rows = [
        rx.el.dt(t("history.col_who", lang)), rx.el.dd(e["who"]),
        rx.el.dt(t("history.col_when", lang)), rx.el.dd(rx.el.time(e["at"], date_time=e["iso"])),
        rx.el.dt(t("history.col_where", lang)), rx.el.dd(rx.cond(e["ip"] != "", e["ip"], t("history.no_address", lang))),
    ]
    if with_details:
        rows += [rx.el.dt(t("history.col_object", lang)), rx.el.dd(e["object"]),
                 rx.el.dt(t("history.col_details", lang)), rx.el.dd(rx.el.code(e["details"]), class_name="wrap")]
    return rx.el.li(
        rx.el.article(rx.el.h3(e["action"]), rx.el.dl(*rows, class_name="summary-list"), class_name="card"),
        id="entry-" + e["id"],
    )
