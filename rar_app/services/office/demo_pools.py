"""Demo world: profiles in the pools of the programs that declare one, so that the
« Rondes d’invitations » page has a pool to rank and the representative a profile to
follow. Program-neutral: each program may give demo answers (`Program.extra["demo_profiles"]`,
a function of the rules date returning a list of answer sets); every profile is submitted and
admitted through the program's own `pool_admission` hook."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlmodel import Session

from rar_app.models import Account, Applicant, Application, Client
from rar_app.programs import registry
from rar_app.programs.engine import Context
from rar_app.programs.pool import PoolSpec
from rar_app.services.office import pools

# (family, given, date of birth) of the demo clients with a profile, in turn per representative.
PEOPLE = [("Tremblay", "Camille", "1993-04-12"), ("Gagnon", "Ravi", "1990-09-30"), ("Roy", "Mei", "1996-01-08"),
          ("Côté", "Karim", "1988-07-19"), ("Bouchard", "Ana", "1994-11-02"), ("Gauthier", "Jonas", "1991-03-25")]


def load(db: Session, reps: list[Account], today: date) -> int:
    """Submit and admit the demo profiles (alternating between `reps`). Returns how many."""
    count = 0
    for program in registry.all_programs(include_test=False):
        spec, maker, admission = program.extra.get("pool"), program.extra.get("demo_profiles"), \
            program.extra.get("pool_admission")
        if not isinstance(spec, PoolSpec) or not callable(maker) or not callable(admission):
            continue
        for i, answers in enumerate(maker(today)):
            rep = reps[i % len(reps)]
            family, given, born = PEOPLE[i % len(PEOPLE)]
            at = datetime.combine(today - timedelta(days=20 - i), time(14, i), tzinfo=timezone.utc)
            client = Client(representative_id=rep.id, family_name=family, given_names=given,
                            date_of_birth=date.fromisoformat(born), country_of_residence="FR")
            db.add(client)
            db.flush()
            app = Application(representative_id=rep.id, kind=program.code, status="draft",
                              client_file_number=f"DEMO-{program.code[:3].upper()}-{i + 1:02d}",
                              wizard_data=json.dumps({"v": 1, "answers": answers}, ensure_ascii=False),
                              created_at=at - timedelta(days=1), updated_at=at)
            db.add(app)
            db.flush()
            db.add(Applicant(application_id=app.id, position=1, client_id=client.id,
                             application_type=program.code[:40], status="draft"))
            db.flush()
            app.status, app.signed_at, app.submitted_at, app.wizard_step = "submitted", at, at, "submitted"
            db.add(app)
            db.flush()
            decided: dict[str, Any] = admission(Context(today, answers))
            pools.admit(db, spec, app, score=int(decided["score"]), streams=decided.get("streams", ()),
                        details=decided.get("details"), now=at)
            count += 1
    return count
