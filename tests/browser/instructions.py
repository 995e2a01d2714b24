"""Issue 17, point 10, in the browser: the page's instructions name only buttons it shows."""

from __future__ import annotations

import re

QUOTED = re.compile(r"«\u00a0([^»]{2,60}?)\u00a0»|\"([^\"]{2,60}?)\"|“([^”]{2,60}?)”")
CLICK = re.compile(r"(?:[Cc]liquez sur|[Cc]lick|[Ss]elect) (?:le bouton |the )?([A-ZÉ][\w’' -]{1,40})")


def assert_instructions_match_buttons(page) -> None:
    """Every « quoted » name (or the guide's « cliquez sur Continuer ») in the page's main text that
    is the label of one of the portal's buttons — i.e. any button or link the page could mean — is
    a visible button or link of this page."""
    buttons = [b.strip() for b in page.locator("main button:visible, main a:visible").all_inner_texts()]
    text = page.locator("main").inner_text()
    named = {next(g for g in m.groups() if g) for m in QUOTED.finditer(text)}
    named |= {m.group(1).strip() for m in CLICK.finditer(text)}
    from rar_app.i18n import catalogue

    labels = {v for lang in ("fr", "en") for k, v in catalogue(lang).items()
              if k.startswith(("nav.", "submit.transmit", "submit.sign")) and len(v) < 40}
    wrong = [n for n in named
             if any(n == lab or n.startswith(lab + " ") for lab in labels)
             and not any(b == n or b.startswith(n) or n.startswith(b) and b for b in buttons)]
    assert not wrong, (wrong, buttons)
