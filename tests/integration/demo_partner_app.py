"""The demo Sign-In Partner's routes alone, for test_demo_partner.py (served by Granian)."""

from starlette.applications import Starlette

from rar_app.services.identity.demo_partner import demo_partner_routes

app = Starlette(routes=demo_partner_routes())
