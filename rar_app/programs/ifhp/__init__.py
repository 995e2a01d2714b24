"""The IFHP line of business (« Demande au titre du Programme fédéral de santé intérimaire (PFSI) »)."""

from rar_app.programs.ifhp.program import PROGRAM
from rar_app.programs.registry import register

register(PROGRAM)
