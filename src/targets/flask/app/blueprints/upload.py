"""Scenario 07: ``POST /upload`` through Werkzeug's form parser (a part spools to a temporary
file past 500 KB), hashed in chunks."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from lab_contract import rules
from lab_contract.errors import ApiError
from lab_contract.jsonbody import media_type
from lab_contract.upload import MULTIPART_SLACK_BYTES, Digest

from . import lab

bp = Blueprint("upload", __name__)

CHUNK_BYTES = 1024 * 1024


@bp.post("/upload")
def upload() -> dict[str, Any]:
    if media_type(request.content_type) != "multipart/form-data":
        raise ApiError("unsupported_media_type", "expected multipart/form-data")
    limit = lab()["settings"].upload_limit_bytes
    # The file's limit plus its multipart framing; the file's own size is checked below (413
    # past the limit, after the whole body was read, so the connection stays usable).
    request.max_content_length = limit + MULTIPART_SLACK_BYTES
    # The form's one part is the file "file". A body Werkzeug could not parse reads as an empty
    # form (it gives up on malformed multipart quietly): no file either.
    rules.only_file_part(
        [name for name, _ in request.files.items(multi=True)],
        [name for name, _ in request.form.items(multi=True)],
    )
    file = request.files["file"]
    digest = Digest(limit)
    while chunk := file.stream.read(CHUNK_BYTES):
        digest.update(chunk)
    return digest.result()
