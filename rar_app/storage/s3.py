"""Documents in an S3 bucket (AWS S3 or an S3-compatible server) through boto3.

- Objects live under `<prefix><key>` (prefix "documents/" by default), so the
  orphan report ignores anything else kept in the bucket.
- Every object is written with server-side encryption requested
  (`ServerSideEncryption=AES256`, i.e. SSE-S3) and its content type.
- With an endpoint URL (MinIO, Ceph, Garage, moto, ...) the client uses
  path-style addressing and computes/validates checksums only when the
  operation requires them (`when_required`): several S3-compatible servers
  reject or mangle the newer default CRC checksums. Talking to AWS itself (no
  endpoint URL), boto3's defaults are kept.
- The identity needs s3:GetObject, s3:PutObject, s3:DeleteObject and
  s3:ListBucket on the bucket (without ListBucket, AWS answers 403 instead of
  404 for a missing object, which this store reports as "unavailable").
"""

from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from typing import Any, BinaryIO, Iterator

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

from rar_app.storage.base import (
    CHUNK_SIZE,
    ObjectNotFound,
    ObjectStream,
    StorageUnavailable,
    StoredObject,
    check_key,
    content_disposition,
)

_MISSING_CODES = {"NoSuchKey", "404", "NotFound"}


def client_config(*, endpoint_url: str | None, max_attempts: int = 3, connect_timeout: float = 5,
                  read_timeout: float = 30) -> Config:
    options: dict[str, Any] = {
        "signature_version": "s3v4",
        "connect_timeout": connect_timeout,
        "read_timeout": read_timeout,
        "retries": {"max_attempts": max_attempts, "mode": "standard"},
    }
    if endpoint_url:
        options["s3"] = {"addressing_style": "path"}
        options["request_checksum_calculation"] = "when_required"
        options["response_checksum_validation"] = "when_required"
    return Config(**options)


class S3Store:
    name = "s3"

    def __init__(
        self,
        bucket: str,
        *,
        region: str | None = None,
        endpoint_url: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        prefix: str = "documents/",
        max_attempts: int = 3,
        connect_timeout: float = 5,
        read_timeout: float = 30,
        client: Any = None,
        session: Any = None,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self.endpoint_url = endpoint_url
        if client is None:
            # Without explicit keys boto3's usual chain applies (environment, profile, instance role).
            client = (session or boto3.session.Session()).client(
                "s3",
                region_name=region or ("us-east-1" if endpoint_url else None),
                aws_access_key_id=access_key_id,
                aws_secret_access_key=secret_access_key,
                endpoint_url=endpoint_url,
                config=client_config(endpoint_url=endpoint_url, max_attempts=max_attempts,
                                     connect_timeout=connect_timeout, read_timeout=read_timeout),
            )
        self.client = client

    def __repr__(self) -> str:
        where = f" at {self.endpoint_url}" if self.endpoint_url else ""
        return f"S3Store(bucket={self.bucket!r}, prefix={self.prefix!r}{where})"

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    @contextmanager
    def _errors(self, key: str | None = None) -> Iterator[None]:
        """boto3's errors → ObjectNotFound (only where a key is read) or StorageUnavailable."""
        try:
            yield
        except ParamValidationError:
            raise  # a programming error, not an outage
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = str(error.get("Code", ""))
            if key is not None and code in _MISSING_CODES:
                raise ObjectNotFound(key) from exc
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            raise StorageUnavailable(f"S3 bucket {self.bucket!r}: {code or status} {error.get('Message', '')}".strip()) from exc
        except BotoCoreError as exc:  # connection refused, timeouts, no credentials, ...
            raise StorageUnavailable(f"S3 bucket {self.bucket!r}: {exc}") from exc

    def put_stream(self, key: str, fileobj: BinaryIO, *, content_type: str = "") -> int:
        name = self._name(key)
        spool = None
        size = _remaining_size(fileobj)
        if size is None:  # not seekable: S3 needs the length first, so spool (to disk past 1 MB)
            spool = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)
            shutil.copyfileobj(fileobj, spool, CHUNK_SIZE)
            size = spool.tell()
            spool.seek(0)
            fileobj = spool
        try:
            with self._errors():
                # One PUT is atomic: an interrupted upload leaves no object.
                self.client.put_object(
                    Bucket=self.bucket,
                    Key=name,
                    Body=fileobj,
                    ContentLength=size,
                    ContentType=content_type or "application/octet-stream",
                    ServerSideEncryption="AES256",
                )
        finally:
            if spool is not None:
                spool.close()
        return size

    def open_stream(self, key: str) -> ObjectStream:
        with self._errors(key):
            response = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        body = response["Body"]

        def chunks() -> Iterator[bytes]:
            with self._errors(key):
                yield from body.iter_chunks(CHUNK_SIZE)

        return ObjectStream(chunks(), response.get("ContentLength"), body.close)

    def delete(self, key: str) -> None:
        with self._errors():
            self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def exists(self, key: str) -> bool:
        try:
            with self._errors(key):
                self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ObjectNotFound:
            return False
        return True

    def head(self, key: str) -> dict[str, Any]:
        """The object's S3 metadata (content type, encryption, ...)."""
        with self._errors(key):
            return self.client.head_object(Bucket=self.bucket, Key=self._name(key))

    def list_objects(self) -> Iterator[StoredObject]:
        paginator = self.client.get_paginator("list_objects_v2")
        with self._errors():
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
                for item in page.get("Contents", []):
                    yield StoredObject(item["Key"][len(self.prefix):], item["Size"], item["LastModified"])

    def list_keys(self) -> Iterator[str]:
        return (obj.key for obj in self.list_objects())

    def presigned_url(self, key: str, expires: int, *, filename: str | None = None,
                      content_type: str | None = None) -> str | None:
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": self._name(key)}
        if filename:
            params["ResponseContentDisposition"] = content_disposition(filename)
        if content_type:
            params["ResponseContentType"] = content_type
        with self._errors():
            return self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=int(expires))

    def check(self) -> None:
        with self._errors():
            self.client.head_bucket(Bucket=self.bucket)


def _remaining_size(fileobj: BinaryIO) -> int | None:
    """Bytes from the current position to the end, or None if the file cannot seek."""
    try:
        if not fileobj.seekable():
            return None
        here = fileobj.tell()
        end = fileobj.seek(0, 2)
        fileobj.seek(here)
        return end - here
    except (AttributeError, OSError):
        return None

