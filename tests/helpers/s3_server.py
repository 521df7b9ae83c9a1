"""A real S3-compatible server on loopback for the object-store tests: moto
in server mode (HTTP, the same API boto3 speaks to MinIO or AWS)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    server_module = pytest.importorskip("moto.server")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=port,
                                              verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_bucket(s3_endpoint: str, request: pytest.FixtureRequest) -> dict[str, Any]:
    """A new bucket per test, and the settings that point the portal at it."""
    import boto3

    name = "portal-" + request.node.name.lower().replace("_", "-")[:40].strip("-")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    client.create_bucket(Bucket=name)
    return {"client": client, "bucket": name,
            "config": {"STORAGE_URL": f"s3://{name}/files", "S3_ENDPOINT_URL": s3_endpoint,
                       "S3_ACCESS_KEY": "test", "S3_SECRET_KEY": "test"}}
