"""What a program with a pool declares (Express Entry, International Experience Canada):
the pool's code, how rounds choose, how long invitations and profiles last, and which
catalogue keys word its notices. Programs put a `PoolSpec` in `Program.extra["pool"]`;
the program-neutral pool service (`rar_app.services.office.pools`) reads it."""

from __future__ import annotations

import dataclasses

RANKED = "ranked"  # by score, ties by submission date and time (earliest first)
RANDOM = "random"  # at random among the eligible


@dataclasses.dataclass(frozen=True)
class Stream:
    """A part of the pool a round may target (a program, a category)."""

    code: str
    label_key: str = ""
    label_fr: str = ""  # ready labels instead of a key (streams built from reference data)
    label_en: str = ""

    def label(self, lang: str) -> str:
        from rar_app.i18n import t

        if self.label_key:
            return t(self.label_key, lang)
        return self.label_fr if lang == "fr" else self.label_en


@dataclasses.dataclass(frozen=True)
class PoolSpec:
    pool: str  # stored in PoolEntry.pool
    title_key: str  # the pool's name in notices (« Entrée express »)
    selection: str = RANKED
    streams: tuple[Stream, ...] = ()
    invitation_days: int = 60  # to answer an invitation
    validity_days: int = 365  # a profile stays in the pool this long
    number_prefix: str = "P"  # profile numbers: prefix + 9 digits
    validation_code: bool = False  # a job seeker validation code with the profile number
    notices: str = "pools.tpl"  # catalogue prefix: <notices>.<event>.subject / .body
    round_every_days: float = 14.0  # training: simulated days between two automatic rounds
    round_size: int = 500  # training: invitations per automatic round
    # -- added for IEC (all optional, program-neutral) --------------------------------------
    reminder_days: tuple[int, ...] = ()  # e-mail reminders this many days before each deadline
    application_days: int | None = None  # after accepting: days to submit the application, else it lapses
    # The invitation's own deadline is also the deadline to submit (Express Entry: the ITA gives
    # 60 days to submit the complete application, not only to answer).
    apply_within_invitation: bool = False
    rounds_by_stream: bool = False  # every round targets one stream; training rounds run per stream
