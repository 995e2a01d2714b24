"""The eTA line of business (« Demande d'autorisation de voyage électronique (AVE) »)."""

from rar_app.programs.eta.program import PROGRAM
from rar_app.programs.registry import register

register(PROGRAM)
