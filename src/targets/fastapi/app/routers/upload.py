"""Scenario 07: ``POST /upload`` with FastAPI's ``UploadFile`` (python-multipart; Starlette spools
a part to a temporary file past 1 MiB), hashed in chunks."""

from __future__ import annotations

from fastapi import APIRouter, UploadFile

from lab_contract.fastapi_support import route_with_body_limit
from lab_contract.pydantic_models import UploadResult
from lab_contract.upload import MULTIPART_SLACK_BYTES, Digest

from ..dependencies import MultipartBody, OneFilePart, SettingsDep

CHUNK_BYTES = 1024 * 1024


def router_for(upload_limit: int) -> APIRouter:
    # The body may be the file's limit plus its multipart framing; the file's own size is checked
    # below (413 past the limit, after the whole body was read so the connection stays usable).
    router = APIRouter(route_class=route_with_body_limit(upload_limit + MULTIPART_SLACK_BYTES))

    @router.post("/upload", dependencies=[MultipartBody, OneFilePart])
    async def upload(file: UploadFile, settings: SettingsDep) -> UploadResult:
        digest = Digest(settings.upload_limit_bytes)
        while chunk := await file.read(CHUNK_BYTES):
            digest.update(chunk)
        return UploadResult(**digest.result())

    return router
