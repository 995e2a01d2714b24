"""Fixtures for the integration tests (real servers on loopback).

Each block is self-contained; add yours beside it.
"""

from __future__ import annotations

import logging
import os
import secrets

import pytest

# --------------------------------------------------------------------------- S3 (documents)
# moto's standalone S3-compatible server, in a thread, on a free 127.0.0.1 port,
# spoken to over real HTTP by boto3 — the same path as MinIO or AWS would take.

S3_TEST_REGION = "ca-central-1"
S3_TEST_KEY_ID = "rar-test-key-id"
S3_TEST_SECRET = "rar-test-secret-access-key"


@pytest.fixture(scope="session")
def s3_server():
    """Yields the endpoint URL of a running S3-compatible server (moto)."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one log line per request otherwise
    saved = {k: os.environ.get(k) for k in ("NO_PROXY", "no_proxy")}
    for k in saved:  # never send loopback traffic through a proxy
        os.environ[k] = ",".join(p for p in (saved[k], "127.0.0.1", "localhost") if p)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture(scope="session")
def s3_boto_session():
    """One boto3 session for the tests' clients (each new session reloads the S3 model: slow)."""
    import boto3

    return boto3.session.Session()


@pytest.fixture(scope="session")
def s3_admin_client(s3_server, s3_boto_session):
    """A plain boto3 client for the S3 test server, to arrange and inspect buckets."""
    from botocore.config import Config

    return s3_boto_session.client(
        "s3", endpoint_url=s3_server, region_name=S3_TEST_REGION, aws_access_key_id=S3_TEST_KEY_ID,
        aws_secret_access_key=S3_TEST_SECRET,
        config=Config(s3={"addressing_style": "path"}, request_checksum_calculation="when_required",
                      response_checksum_validation="when_required"),
    )


@pytest.fixture
def s3_bucket(s3_admin_client):
    """A fresh, empty bucket on the S3 test server; yields its name."""
    client = s3_admin_client
    name = f"rar-docs-{secrets.token_hex(6)}"
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": S3_TEST_REGION})
    yield name
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=name):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=name, Key=item["Key"])
    client.delete_bucket(Bucket=name)


@pytest.fixture
def s3_credentials():
    """Region and credentials the S3 test server accepts (any work with moto)."""
    return {"region": S3_TEST_REGION, "access_key_id": S3_TEST_KEY_ID, "secret_access_key": S3_TEST_SECRET}


@pytest.fixture
def s3_store(s3_server, s3_bucket, s3_boto_session):
    """The portal's S3Store on a fresh bucket of the test server."""
    from rar_app.storage.s3 import S3Store

    return S3Store(s3_bucket, region=S3_TEST_REGION, endpoint_url=s3_server, access_key_id=S3_TEST_KEY_ID,
                   secret_access_key=S3_TEST_SECRET, max_attempts=1, session=s3_boto_session)


@pytest.fixture
def s3_portal_env(portal_env, s3_server, s3_bucket):
    """portal_env configured with RAR_STORAGE=s3 on a fresh bucket of the test server."""
    portal_env(RAR_STORAGE="s3", RAR_S3_BUCKET=s3_bucket, RAR_S3_REGION=S3_TEST_REGION,
               RAR_S3_ENDPOINT_URL=s3_server, RAR_S3_ACCESS_KEY_ID=S3_TEST_KEY_ID,
               RAR_S3_SECRET_ACCESS_KEY=S3_TEST_SECRET)
    return portal_env
