"""Issue 17, « also seen »: country names as the official French list writes them, sorted
with accents ignored; the component gallery linked on a developer's machine only; the
demo Sign-In Partner only in demo mode, never in production."""

from __future__ import annotations

from rar_app.programs.countries import country_name, country_options, sort_key
from rar_app.settings import load_settings


def test_country_names_and_order():
    labels = [o["label"] for o in country_options("fr")]
    assert labels == sorted(labels, key=sort_key)
    # Accents ignored: « Égypte » among the E's, not after « Zimbabwe ».
    assert labels.index("Danemark") < labels.index("Égypte") < labels.index("Équateur") < labels.index("Espagne")
    assert labels[-1] == "Zimbabwe"
    assert [country_name(c, "fr") for c in ("CI", "RU", "SY", "IR", "LA", "RE")] == [
        "Côte d’Ivoire", "Russie", "Syrie", "Iran", "Laos", "La Réunion"]
    assert all("'" not in label and not label.endswith((" de", " d’")) for label in labels)
    assert country_name("SN", "fr") == "Sénégal" and country_name("SN", "en") == "Senegal"


def test_developer_gallery_linked_on_a_developers_machine_only(tmp_path):
    base = {"RAR_DATA_DIR": str(tmp_path), "RAR_SECRET_KEY": "k" * 40}
    assert load_settings(base).developer_pages_linked
    assert not load_settings({**base, "RAR_HOST": "0.0.0.0", "RAR_PUBLIC_URL": "https://rar.example"}).developer_pages_linked
    production = load_settings({**base, "RAR_ENV": "production", "RAR_DEMO": "false"}, refuse_unsafe=False)
    assert not production.developer_pages_linked


def test_demo_partner_in_demo_mode_only(tmp_path):
    base = {"RAR_DATA_DIR": str(tmp_path), "RAR_SECRET_KEY": "k" * 40}
    demo = load_settings(base)
    assert demo.demo_partner and demo.oidc_issuer == demo.public_url + "/demo-partner"
    assert demo.oidc_client_secret and demo.oidc_client_secret not in demo.secret_key
    configured = load_settings({**base, "RAR_OIDC_ISSUER": "https://partner.example", "RAR_OIDC_CLIENT_ID": "x",
                                "RAR_OIDC_CLIENT_SECRET": "y"})
    assert not configured.demo_partner and configured.oidc_issuer == "https://partner.example"
    assert not load_settings({**base, "RAR_DEMO": "false"}).demo_partner
    production = load_settings({**base, "RAR_ENV": "production", "RAR_DEMO": "true"}, refuse_unsafe=False)
    assert not production.demo_partner and production.oidc_issuer is None
