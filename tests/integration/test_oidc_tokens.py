"""ID token verification claim by claim (oidc.verify_id_token), with tokens signed
by a local key published as the provider's JWKS. The end-to-end flow against the
real provider is in test_oidc_flow.py."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import time

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from rar_app.services.identity import oidc

ISSUER = "https://partner.example"
CLIENT_ID = "rar-portal"
CONFIG = oidc.ProviderConfig(ISSUER, CLIENT_ID, "secret-secret-secret-secret-secret")
METADATA = {"issuer": ISSUER, "jwks_uri": ISSUER + "/jwks", "id_token_signing_alg_values_supported": ["RS256"]}
NONCE = "n-0123456789"


@pytest.fixture
def key():
    oidc.clear_caches()
    key = RSAKey.generate_key(2048, parameters={"kid": "k1", "alg": "RS256", "use": "sig"})
    oidc._jwks_cache[METADATA["jwks_uri"]] = (time.monotonic(), KeySet([key]).as_dict(private=False))
    yield key
    oidc.clear_caches()


def claims(**overrides):
    now = int(time.time())
    data = {"iss": ISSUER, "sub": "subject-1", "aud": CLIENT_ID, "exp": now + 300, "iat": now, "nonce": NONCE}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def sign(key, data, alg="RS256"):
    return jwt.encode({"alg": alg, "kid": key.kid}, data, key, algorithms=[alg])


def verify(token, nonce=NONCE, access_token=None):
    return asyncio.run(oidc.verify_id_token(CONFIG, METADATA, token, nonce=nonce, access_token=access_token))


def at_hash(access_token: str) -> str:
    digest = hashlib.sha256(access_token.encode()).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


def test_valid_token(key):
    assert verify(sign(key, claims()))["sub"] == "subject-1"
    assert verify(sign(key, claims(aud=[CLIENT_ID], azp=CLIENT_ID)))["sub"] == "subject-1"
    assert verify(sign(key, claims(at_hash=at_hash("access"))), access_token="access")["sub"] == "subject-1"


@pytest.mark.parametrize("overrides,code", [
    ({"iss": "https://evil.example"}, "id_token_invalid"),
    ({"aud": "someone-else"}, "id_token_invalid"),
    ({"aud": ["someone-else", CLIENT_ID]}, "id_token_invalid"),  # several audiences need azp = us
    ({"aud": ["someone-else", CLIENT_ID], "azp": "someone-else"}, "id_token_invalid"),
    ({"exp": int(time.time()) - 3600}, "id_token_invalid"),
    ({"iat": None}, "id_token_invalid"),
    ({"sub": None}, "id_token_invalid"),
    ({"nonce": "other-nonce"}, "nonce_mismatch"),
    ({"nonce": None}, "nonce_mismatch"),
], ids=["issuer", "audience", "multi-aud-no-azp", "azp", "expired", "no-iat", "no-sub", "nonce", "no-nonce"])
def test_bad_claims(key, overrides, code):
    with pytest.raises(oidc.OidcError) as exc:
        verify(sign(key, claims(**overrides)))
    assert exc.value.code == code


def test_at_hash_must_match_the_access_token(key):
    with pytest.raises(oidc.OidcError) as exc:
        verify(sign(key, claims(at_hash=at_hash("access"))), access_token="another")
    assert exc.value.code == "id_token_invalid"


def test_algorithm_outside_the_providers_list_is_refused(key):
    plain = RSAKey.generate_key(2048, parameters={"kid": "k-any"})  # a published key that names no algorithm
    oidc._jwks_cache[METADATA["jwks_uri"]] = (time.monotonic(), KeySet([plain]).as_dict(private=False))
    token = sign(plain, claims(), alg="RS512")
    with pytest.raises(oidc.OidcError) as exc:
        verify(token)  # the provider's metadata lists RS256 only
    assert exc.value.code == "id_token_invalid"
    rs512 = dict(METADATA, id_token_signing_alg_values_supported=["RS256", "RS512", "HS256", "none"])
    assert asyncio.run(oidc.verify_id_token(CONFIG, rs512, token, nonce=NONCE))["sub"] == "subject-1"
    for alg in ("HS256", "none"):  # listed by the provider, still never accepted
        assert alg not in oidc.ASYMMETRIC_ALGS


def test_unknown_key_id_refetches_the_keys_once(key, monkeypatch):
    """Key rotation: a kid missing from the cached JWKS makes us fetch it again."""
    rotated = RSAKey.generate_key(2048, parameters={"kid": "k2", "alg": "RS256", "use": "sig"})
    fetched = []

    async def fake_jwks(metadata, *, force=False):
        fetched.append(force)
        return KeySet([key, rotated]) if force else KeySet([key])

    monkeypatch.setattr(oidc, "_jwks", fake_jwks)
    assert verify(sign(rotated, claims()))["sub"] == "subject-1"
    assert fetched == [False, True]


def test_identity_round_trip():
    identity = oidc.PartnerIdentity(ISSUER, "s", email="a@example.ca", given_name="Élise")
    assert oidc.PartnerIdentity.from_json(identity.to_json()) == identity
