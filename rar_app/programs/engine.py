"""The wizard engine: a questionnaire described as data, driven by one set of rules.

A `Wizard` is an ordered tuple of `Step`s. A step has an id, a title key, its
fields, an optional cross-field check, an applicability rule (`when`), an
optional repetition (`repeat`: one instance per applicant, say) and the review
lines its answers produce. The engine derives everything else:

- the *flow*: the ordered step references (``"file_number"``, ``"client.2"``,
  ``"review"``) that apply to the answers given so far — the next-step rule is
  "the next reference in the flow", so changing an earlier answer (a country,
  a number of applicants) adds or removes later steps by itself;
- validation of one step's submitted values (required, length, dates,
  numbers, choices, then the step's own check), giving clean values or
  `Problem`s (catalogue key + parameters, or ready bilingual texts from the
  rules engine) that the page translates;
- which steps may be shown: a step is reachable when every step before it
  in the flow is complete (its saved answers validate), so a typed-in address
  or the browser's back button can never skip a question;
- navigation: next (or, when editing from the review, the first incomplete
  step, else the review), previous, first incomplete (where a draft resumes);
- the review: every answer as a line with the step it comes from.

No Reflex and no database here: `rar_app.services.casework.applications` stores the
answers (Application.wizard_data) and the position (Application.wizard_step).
Express Entry, IEC, eTA and IFHP wizards are new tuples of steps, not new
engines.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import unicodedata
from datetime import date
from typing import Any, Callable, Iterator, Mapping, Sequence

from rar_app import date_parts

REVIEW = "review"


# ---------------------------------------------------------------------------
# Data that describes a wizard


@dataclasses.dataclass(frozen=True)
class Option:
    """One choice of a select, radio group or checkbox group. `label_key` is a
    catalogue key; rules-owned choices carry ready labels instead (`label_fr/_en`)."""

    code: str
    label_key: str = ""
    label_fr: str = ""
    label_en: str = ""
    help_fr: str = ""
    help_en: str = ""

    def label(self, lang: str, t: Callable[..., str]) -> str:
        if self.label_key:
            return t(self.label_key, lang)
        return self.label_fr if lang == "fr" else self.label_en


@dataclasses.dataclass(frozen=True)
class Field:
    """A question. Kinds: text, date, number, select, radio, checkboxes, search.

    `search` is a text box that suggests the choices as one types (a long reference
    list, e.g. Canadian cities): the answer must be one of the choices' codes, which are
    what the box shows; case, accents and spacing are ignored, and a unique prefix before
    « ( » (« montreal » → « Montréal (QC) ») is enough. Otherwise `pattern_error_key`.

    `options` is a tuple, or a function of the `Context` (and the step
    instance) for choices that depend on the rules or on other answers.
    `show_if = (other field, value)` hides the field (not validated, answer dropped)
    unless the other field of the step has that value (or one of them, when `value`
    is a tuple); declarative, so the page
    can show and hide it the same way without a round trip."""

    name: str
    kind: str
    label_key: str
    required: bool = True
    max_length: int = 100
    minimum: int | None = None
    maximum: int | None = None
    pattern: str | None = None
    pattern_error_key: str = "wizard.error_format"
    help_key: str | None = None
    hint_key: str | None = None
    options: Sequence[Option] | Callable[["Context", int | None], Sequence[Option]] = ()
    show_if: tuple[str, str | tuple[str, ...]] | None = None
    required_error_key: str | None = None
    allow_future: bool = False  # a date field that may be after today (a passport's expiry)
    finder: str = ""  # a search helper the question page shows under the field ("noc": « Trouver la CNP »)
    # A live text under the field as it is typed (e.g. the CLB a test result converts to):
    # note(the step's `note_facts`, value typed, lang) -> text ("" for none). Pure and cheap:
    # it runs on every keystroke, with what the step read from the other answers at load.
    note: Callable[[Mapping[str, Any], str, str], str] | None = None

    def choices(self, ctx: "Context", index: int | None) -> list[Option]:
        return list(self.options(ctx, index) if callable(self.options) else self.options)

    def shown(self, values: Mapping[str, Any]) -> bool:
        if self.show_if is None:
            return True
        answer, wanted = str(values.get(self.show_if[0]) or "").strip(), self.show_if[1]
        return answer in wanted if isinstance(wanted, tuple) else answer == wanted


@dataclasses.dataclass(frozen=True)
class Problem:
    """A validation error on one field. The message is a catalogue key with
    parameters, or ready texts (`message_fr`/`message_en`) from the rules engine."""

    field: str
    key: str = ""
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    message_fr: str = ""
    message_en: str = ""
    # The question it is about (a catalogue key, set by `validate`): the message names it,
    # « Date de naissance : Entrez une date valide. », so a summary of several errors says which.
    label_key: str = ""
    # Which box of a three-box date is wrong ("day", "month", "year"): the error summary's
    # link focuses it, and only that box is marked. Empty for every other kind of field.
    part: str = ""

    def anchor(self) -> str:
        """The id the error summary links to: the field's input, or the wrong box of a date."""
        return date_parts.part_id(self.field, self.part) if self.part else self.field

    def message(self, lang: str, t: Callable[..., str]) -> str:
        text = t(self.key, lang, **dict(self.params)) if self.key else (
            self.message_fr if lang == "fr" else self.message_en)
        if not self.label_key:
            return text
        label = t(self.label_key, lang)
        if "{" in label:  # a label that needs values the problem does not carry
            return text
        label = label.rstrip(" ?:\u00a0\u202f")
        return f"{label}{t('typography.colon', lang)}{text}"


@dataclasses.dataclass(frozen=True)
class ReviewLine:
    """One answer on "Révisez vos réponses": label, shown value, the step that
    asks it (for the pencil link) and the field to focus there."""

    label: str
    value: str
    step: str
    field: str
    group: str = ""
    # A line the rules compute (the documents a client must give, an eligibility result)
    # is shown without a pen: there is no question to change.
    editable: bool = True


@dataclasses.dataclass
class Context:
    """What validation and the flow may depend on besides the answers: the rules date."""

    on_date: date
    answers: dict[str, dict[str, Any]]  # step reference -> saved values
    # While the answers are only read (`reading`): each saved step's check, made once. A review
    # checked every step two to three times (the flow, the lines, the fees).
    checked: dict[tuple[int, str], tuple[dict[str, Any], list[Problem]]] | None = dataclasses.field(
        default=None, compare=False, repr=False)


@contextlib.contextmanager
def reading(ctx: Context) -> Iterator[Context]:
    """A scope in which `ctx.answers` do not change: the checks of saved answers are kept."""
    ctx.checked = {}
    try:
        yield ctx
    finally:
        ctx.checked = None


StepCheck = Callable[[Context, dict[str, Any], "int | None"], list[Problem]]
StepValidate = Callable[[Context, Mapping[str, Any], "int | None"], "tuple[dict[str, Any], list[Problem]]"]
StepReview = Callable[[Context, dict[str, Any], "int | None", str], list[ReviewLine]]


@dataclasses.dataclass(frozen=True)
class Step:
    """One page of the questionnaire.

    - `repeat(ctx)`: number of instances (refs ``id.1`` … ``id.n``); None = one, ref ``id``.
    - `when(ctx, index)`: whether this (instance of the) step applies to the answers so far.
    - `check(ctx, clean, index)`: cross-field problems after the field checks pass.
    - `validate(ctx, raw, index)`: replaces the field checks entirely (steps whose
      fields are not known in advance, e.g. one fee choice per applicant).
    - `review(ctx, clean, index, lang)`: the step's lines on the review page; the
      default is one line per shown field (label and chosen option label)."""

    id: str
    title_key: str
    fields: tuple[Field, ...] = ()
    repeat: Callable[[Context], int] | None = None
    when: Callable[[Context, int | None], bool] | None = None
    check: StepCheck | None = None
    validate: StepValidate | None = None
    review: StepReview | None = None
    group: Callable[[Context, "int | None", str], str] | None = None  # heading of its review lines
    # How the generic question page shows the step: "" = its fields one by one; a named
    # widget ("document_choice", "fee_selector") = a component of rar_app/components fed by
    # the program's `step_panels[step id]`. Widgets are shared by programs, never per program.
    widget: str = ""
    intro_key: str | None = None  # a paragraph shown above the fields
    note_keys: tuple[str, ...] = ()  # notes from the guide shown below the intro (e.g. multiple entry on the fees)
    # A list of like things (identity documents…): one instance per item, with `repeat=item_count(id)`;
    # the page shows the summary list (edit/remove) and « Enregistrer et ajouter » (services/casework/item_lists.py).
    items: bool = False
    # What its fields' notes need from the other answers (a small dict), read once per page load.
    note_facts: Callable[[Context, "int | None"], dict[str, Any]] | None = None


def field_notes(step: Step, facts: Mapping[str, Any], values: Mapping[str, Any], lang: str) -> dict[str, str]:
    """The live notes of a step's fields that have one: {field: text}."""
    return {f.name: f.note(facts, str(values.get(f.name) or ""), lang) for f in step.fields if f.note is not None}


@dataclasses.dataclass(frozen=True)
class Wizard:
    id: str
    steps: tuple[Step, ...]
    translate: Callable[..., str]  # t(key, lang, **values)

    def step(self, step_id: str) -> Step:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)


# ---------------------------------------------------------------------------
# References


_REF_RE = re.compile(r"^([a-z][a-z0-9_]{0,40})(?:\.([1-9][0-9]{0,2}))?$")


def parse_ref(ref: str) -> tuple[str, int | None]:
    """``"client.2"`` -> ``("client", 2)``; ``"fees"`` -> ``("fees", None)``. ValueError if malformed."""
    m = _REF_RE.fullmatch(ref or "")
    if not m:
        raise ValueError(f"bad step reference {ref!r}")
    return m.group(1), int(m.group(2)) if m.group(2) else None


def make_ref(step_id: str, index: int | None) -> str:
    return step_id if index is None else f"{step_id}.{index}"


MAX_ITEMS = 20


def items_key(step_id: str) -> str:
    """Where a list step keeps its number of items in the answers (never a step reference)."""
    return f"{step_id}#items"


def item_count(step_id: str) -> Callable[[Context], int]:
    """`Step.repeat` of a list step: the items added so far (at least one form to fill)."""
    def count(ctx: Context) -> int:
        try:
            return max(1, min(MAX_ITEMS, int((ctx.answers.get(items_key(step_id)) or {}).get("count") or 1)))
        except (TypeError, ValueError):
            return 1
    return count


# ---------------------------------------------------------------------------
# Flow and navigation


def flow(wizard: Wizard, ctx: Context) -> list[str]:
    """The step references that apply to the answers so far, then ``"review"``.

    Repeated steps are interleaved by instance when they repeat together
    (client.1, documents.1, client.2, documents.2…): consecutive steps with a
    `repeat` form one group walked instance by instance."""
    refs: list[str] = []
    steps = list(wizard.steps)
    i = 0
    while i < len(steps):
        s = steps[i]
        if s.repeat is None:
            if s.when is None or s.when(ctx, None):
                refs.append(s.id)
            i += 1
            continue
        group = [s]
        j = i + 1
        while j < len(steps) and steps[j].repeat is not None:
            group.append(steps[j])
            j += 1
        count = max(0, int(s.repeat(ctx)))
        for n in range(1, count + 1):
            for g in group:
                if g.when is None or g.when(ctx, n):
                    refs.append(make_ref(g.id, n))
        i = j
    refs.append(REVIEW)
    return refs


def validate(wizard: Wizard, ref: str, raw: Mapping[str, Any], ctx: Context) -> tuple[dict[str, Any], list[Problem]]:
    """Check one step's submitted values: (clean values, problems)."""
    memo = ctx.checked
    if memo is None or raw is not ctx.answers.get(ref):
        return _validate(wizard, ref, raw, ctx)
    key = (id(wizard), ref)
    if key not in memo:
        memo[key] = _validate(wizard, ref, raw, ctx)
    clean, problems = memo[key]
    return dict(clean), list(problems)


def _validate(wizard: Wizard, ref: str, raw: Mapping[str, Any], ctx: Context) -> tuple[dict[str, Any], list[Problem]]:
    step_id, index = parse_ref(ref)
    step = wizard.step(step_id)
    if step.validate is not None:
        clean, problems = step.validate(ctx, raw, index)
        return clean, _named(step, problems)
    clean: dict[str, Any] = {}
    problems: list[Problem] = []
    values = {f.name: raw.get(f.name) for f in step.fields}
    for f in step.fields:
        if not f.shown(values):
            continue
        value, problem = _check_field(f, date_parts.submitted(f.name, raw) if f.kind == "date" else raw.get(f.name),
                                      ctx, index)
        if problem is not None:
            problems.append(problem)
        else:
            clean[f.name] = value
    if not problems and step.check is not None:
        problems.extend(step.check(ctx, clean, index))
    return clean, _named(step, problems)


def _named(step: Step, problems: Sequence[Problem]) -> list[Problem]:
    """Each problem on one of the step's questions carries that question's label."""
    labels = {f.name: f.label_key for f in step.fields}
    return [dataclasses.replace(p, label_key=labels[p.field]) if not p.label_key and labels.get(p.field) else p
            for p in problems]


def is_complete(wizard: Wizard, ref: str, ctx: Context) -> bool:
    saved = ctx.answers.get(ref)
    if saved is None:
        return False
    _clean, problems = validate(wizard, ref, saved, ctx)
    return not problems


def _first_gap(wizard: Wizard, refs: Sequence[str], ctx: Context) -> str | None:
    """The first of `refs` that is the review or a step whose answers are missing or no
    longer valid; None when every one is complete. Checks stop there: validating the later
    steps too (the fee step runs the fee rules) was a third of a « Suivant »'s own work."""
    return next((ref for ref in refs if ref == REVIEW or not is_complete(wizard, ref, ctx)), None)


def first_incomplete(wizard: Wizard, ctx: Context) -> str:
    """Where the questionnaire should resume: the first step whose answers are
    missing or no longer valid, else the review."""
    return _first_gap(wizard, flow(wizard, ctx), ctx) or REVIEW


def reachable(wizard: Wizard, ref: str, ctx: Context) -> bool:
    """A step may be shown when it is in the flow and every step before it is complete."""
    refs = flow(wizard, ctx)
    return ref in refs and _first_gap(wizard, refs[:refs.index(ref)], ctx) is None


def next_ref(wizard: Wizard, ref: str, ctx: Context, *, from_review: bool = False) -> str:
    """After a valid "Suivant": the next step of the flow; when the change came
    from the review's pencil, the first incomplete step if the change added one,
    else back to the review."""
    if from_review:
        return first_incomplete(wizard, ctx)
    refs = flow(wizard, ctx)
    if ref not in refs:
        return first_incomplete(wizard, ctx)
    pos = refs.index(ref)
    target = refs[min(pos + 1, len(refs) - 1)]
    # Never send someone past an incomplete step.
    return _first_gap(wizard, refs[:refs.index(target)], ctx) or target


def previous_ref(wizard: Wizard, ref: str, ctx: Context) -> str | None:
    refs = flow(wizard, ctx)
    if ref not in refs:
        return None
    pos = refs.index(ref)
    return refs[pos - 1] if pos > 0 else None


def progress(wizard: Wizard, ref: str, ctx: Context) -> tuple[int, int]:
    """(position of `ref` counted from 1, number of steps) in the current flow."""
    refs = flow(wizard, ctx)
    return (refs.index(ref) + 1 if ref in refs else 0), len(refs)


def stage(wizard: Wizard, ref: str, ctx: Context) -> tuple[int, int]:
    """(n, total) for « Étape n de N », counted in pages of the questionnaire rather than in
    step instances: a step repeated per client counts once (the page's heading names the
    client), and is counted from the start, so the total does not grow with the number of
    clients. A step with a `when` counts once it applies to someone. The review is the last."""
    in_flow = {parse_ref(r)[0] for r in flow(wizard, ctx) if r != REVIEW}
    ids = [s.id for s in wizard.steps if s.id in in_flow or (s.repeat is not None and s.when is None)]
    ids.append(REVIEW)
    step_id = REVIEW if ref == REVIEW else parse_ref(ref)[0]
    return (ids.index(step_id) + 1 if step_id in ids else 0), len(ids)


# ---------------------------------------------------------------------------
# Review


def review(wizard: Wizard, ctx: Context, lang: str) -> list[ReviewLine]:
    """Every answer of the flow, in order, with the step that asks it."""
    lines: list[ReviewLine] = []
    for ref in flow(wizard, ctx):
        if ref == REVIEW:
            continue
        step_id, index = parse_ref(ref)
        step = wizard.step(step_id)
        clean, _problems = validate(wizard, ref, ctx.answers.get(ref, {}), ctx)
        if step.review is not None:
            lines.extend(step.review(ctx, clean, index, lang))
            continue
        group = step.group(ctx, index, lang) if step.group else ""
        for f in step.fields:
            if f.name not in clean:
                continue
            lines.append(ReviewLine(wizard.translate(f.label_key, lang), display_value(wizard, f, clean[f.name], ctx, index, lang),
                                    ref, f.name, group))
    return lines


def display_value(wizard: Wizard, f: Field, value: Any, ctx: Context, index: int | None, lang: str) -> str:
    t = wizard.translate
    if value is None or value == "" or value == []:
        return t("wizard.review_empty", lang)
    if f.kind in ("select", "radio"):
        for o in f.choices(ctx, index):
            if o.code == value:
                return o.label(lang, t)
    if f.kind == "checkboxes":
        labels = {o.code: o.label(lang, t) for o in f.choices(ctx, index)}
        return "; ".join(labels.get(v, v) for v in value)
    return str(value)


# ---------------------------------------------------------------------------
# Field checks


def _text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    # Control characters never belong in a form answer.
    return "".join(ch for ch in value if ch >= " " or ch == "\t").strip()


def _check_field(f: Field, raw: Any, ctx: Context, index: int | None) -> tuple[Any, Problem | None]:
    required_key = f.required_error_key or ("wizard.error_choose" if f.kind in ("select", "radio", "checkboxes", "search")
                                            else "wizard.error_required")
    if f.kind == "date":
        return _check_date(f, raw, ctx, required_key)
    if f.kind == "checkboxes":
        items = raw if isinstance(raw, (list, tuple)) else ([] if raw in (None, "") else [raw])
        allowed = [o.code for o in f.choices(ctx, index)]
        chosen = [c for c in allowed if c in {_text(x) for x in items}]
        if any(_text(x) not in allowed for x in items):
            return None, Problem(f.name, "wizard.error_choice")
        if f.required and not chosen:
            return None, Problem(f.name, required_key)
        return chosen, None
    text = _text(raw)
    if not text:
        if f.required:
            return None, Problem(f.name, required_key)
        return "", None
    if f.kind in ("select", "radio"):
        if text not in {o.code for o in f.choices(ctx, index)}:
            return None, Problem(f.name, "wizard.error_choice")
        return text, None
    if f.kind == "search":
        found = _search_choice(text, [o.code for o in f.choices(ctx, index)])
        return (found, None) if found else (None, Problem(f.name, f.pattern_error_key))
    if f.kind == "number":
        if not re.fullmatch(r"[0-9]{1,4}", text):
            return None, Problem(f.name, "wizard.error_number")
        n = int(text)
        lo = f.minimum if f.minimum is not None else 0
        hi = f.maximum if f.maximum is not None else 9999
        if not lo <= n <= hi:
            return None, Problem(f.name, "wizard.error_range", {"min": lo, "max": hi})
        return n, None
    if len(text) > f.max_length:
        return None, Problem(f.name, "wizard.error_too_long", {"max": f.max_length})
    if f.pattern and not re.fullmatch(f.pattern, text):
        return None, Problem(f.name, f.pattern_error_key)
    return text, None


def _fold(text: str) -> str:
    """Case, accents, punctuation spacing ignored: « Trois-Rivières (QC) » ~ « trois rivieres (qc) »."""
    plain = "".join(c for c in unicodedata.normalize("NFD", text.casefold()) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9a-z()]+", " ", plain).replace("(", " (").split())


def _search_choice(text: str, codes: Sequence[str]) -> str | None:
    """The choice `text` names: exactly (folded), or the only one whose part before « ( » matches."""
    wanted = _fold(text)
    exact = [c for c in codes if _fold(c) == wanted]
    if exact:
        return exact[0]
    named = [c for c in codes if _fold(c.split("(")[0]) == wanted]
    return named[0] if len(named) == 1 else None


def _check_date(f: Field, raw: Any, ctx: Context, required_key: str) -> tuple[Any, Problem | None]:
    """Three boxes (or an ISO string from saved answers and the API) -> the ISO date."""
    d, error = date_parts.parse(raw, today=ctx.on_date, allow_future=f.allow_future)
    if error is not None:
        return None, Problem(f.name, error.key, dict(error.params), part=error.part)
    if d is None:
        return (None, Problem(f.name, required_key, part="day")) if f.required else ("", None)
    return d.isoformat(), None


def form_keys(step: Step) -> list[str]:
    """The keys of a step's form values: each field's name, a date's three boxes instead
    of its name (checkbox groups, whose values are lists, are left to the caller)."""
    out: list[str] = []
    for f in step.fields:
        out.extend(date_parts.keys(f.name) if f.kind == "date" else [f.name])
    return out


def raw_copy(step: Step, raw: Mapping[str, Any], extra_keys: Sequence[str] = ()) -> dict[str, Any]:
    """What typed values to keep for an unfinished step ("Précédent", "Quitter le
    questionnaire"): known fields only, as short strings (or lists of strings)."""
    # A date: its three boxes, or its single ISO value when that is what came (the API).
    names = form_keys(step) + [f.name for f in step.fields if f.kind == "date"] + list(extra_keys)
    out: dict[str, Any] = {}
    for name in names:
        if name not in raw:
            continue
        v = raw[name]
        if isinstance(v, (list, tuple)):
            out[name] = [_text(x)[:60] for x in v][:50]
        else:
            out[name] = _text(v)[:200]
    return out
