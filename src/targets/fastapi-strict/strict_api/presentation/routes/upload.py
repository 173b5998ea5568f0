"""Scenario 07: ``POST /upload`` with FastAPI's UploadFile, hashed by the DigestFile use case."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import APIRouter, Depends, UploadFile

from lab_contract.fastapi_support import multipart_content, one_file_part, route_with_body_limit
from lab_contract.pydantic_models import UploadResult
from lab_contract.upload import MULTIPART_SLACK_BYTES

from ..dependencies import ContainerDep

CHUNK_BYTES = 1024 * 1024


async def _chunks(file: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await file.read(CHUNK_BYTES):
        yield chunk


def router_for(upload_limit: int) -> APIRouter:
    # The body may be the file's limit plus its multipart framing; the file's own size is the
    # use case's business.
    router = APIRouter(route_class=route_with_body_limit(upload_limit + MULTIPART_SLACK_BYTES))

    @router.post("/upload", dependencies=[Depends(multipart_content), Depends(one_file_part)])
    async def upload(file: UploadFile, app: ContainerDep) -> UploadResult:
        digest = await app.digest_file(_chunks(file))
        return UploadResult(size=digest.size, sha256=digest.sha256)

    return router
