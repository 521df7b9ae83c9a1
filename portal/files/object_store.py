"""Attachments in an S3-compatible object store (MinIO, Ceph, a cloud's S3),
for installs whose web processes run on several machines.

Chosen by ``STORAGE_URL=s3://bucket/prefix``; ``S3_ENDPOINT_URL`` names the
server when it is not AWS, and the keys come from ``S3_ACCESS_KEY`` /
``S3_SECRET_KEY`` or boto3's usual places (``AWS_ACCESS_KEY_ID``…, an
instance role). Objects are named like the folder store's files
(``prefix/ab/<random>.pdf``), so a backup moves between the two.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from .stored import CheckedFile, checked_name, new_stored_name


class ObjectStore:
    """The same methods as :class:`portal.files.uploads.FileStore`, over S3."""

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> ObjectStore:
        try:
            import boto3
            from botocore.config import Config
        except ImportError:  # pragma: no cover - depends on the install
            raise RuntimeError("STORAGE_URL is s3://…: install the 's3' extra "
                               "(pip install 'eservice-portal[s3]')") from None
        url = urlsplit(config["STORAGE_URL"])
        if url.scheme != "s3" or not url.netloc:
            raise RuntimeError(f"STORAGE_URL must look like s3://bucket/prefix, not {url!r}")
        client = boto3.client(
            "s3", endpoint_url=config.get("S3_ENDPOINT_URL") or None,
            region_name=config.get("S3_REGION") or "us-east-1",
            aws_access_key_id=config.get("S3_ACCESS_KEY") or None,
            aws_secret_access_key=config.get("S3_SECRET_KEY") or None,
            # Path-style URLs work with every S3-compatible server; retries
            # ride over a store restarting under load.
            config=Config(s3={"addressing_style": "path"},
                          retries={"max_attempts": 5, "mode": "standard"},
                          connect_timeout=5, read_timeout=30))
        return cls(client, url.netloc, url.path)

    def key(self, stored_name: str) -> str:
        name = checked_name(stored_name)
        return f"{self.prefix}{name[:2]}/{name}"

    def write(self, checked: CheckedFile) -> str:
        stored = new_stored_name(checked.extension)
        self.put(stored, checked.data, checked.content_type)
        return stored

    def put(self, stored_name: str, data: bytes,
            content_type: str = "application/octet-stream") -> None:
        # A PUT is all or nothing: no half-written object is ever visible.
        self.client.put_object(Bucket=self.bucket, Key=self.key(stored_name), Body=data,
                               ContentType=content_type)

    def read(self, stored_name: str) -> bytes:
        answer = self.client.get_object(Bucket=self.bucket, Key=self.key(stored_name))
        return answer["Body"].read()

    def exists(self, stored_name: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(stored_name))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def delete(self, stored_name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.key(stored_name))

    def listing(self) -> Iterator[tuple[str, float]]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", []):
                yield item["Key"].rsplit("/", 1)[-1], item["LastModified"].timestamp()

    def remove_listed(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=f"{self.prefix}{name[:2]}/{name}")

    def response(self, stored_name: str, mimetype: str, download_name: str) -> Any:
        from flask import send_file

        # Files are at most a few MB (MAX_UPLOAD_BYTES): read whole, then the
        # answer is built exactly like the folder store's.
        return send_file(io.BytesIO(self.read(stored_name)), mimetype=mimetype,
                         as_attachment=True, download_name=download_name, max_age=0)
