"""``POST /upload`` through Django's multipart parser with an upload handler (Django's hook for
where file data goes) that hashes the ``file`` part as it streams: nothing is buffered or
written to disk."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from lab_contract.upload import Digest


class DigestedFile(UploadedFile):
    """What the handler leaves in ``request.FILES``: the file's digest, not its bytes."""

    def __init__(self, name: str, digest: Digest) -> None:
        super().__init__(file=None, name=name, size=digest.size)
        self.digest = digest


class DigestUploadHandler(FileUploadHandler):
    """Hashes the first file part, if it is named ``file``; past the limit it only counts, so the
    whole body is still read (the client's connection stays usable) and the view answers 413.
    Every file part's name is kept in ``file_parts``: the view refuses a form with any other part
    (a file part the handler keeps nothing of is in no ``request.FILES``)."""

    def __init__(self, limit: int, request: Any = None) -> None:
        super().__init__(request)
        self.limit = limit
        self.digest: Digest | None = None
        self.file_parts: list[str] = []

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, *args, **kwargs)
        self.file_parts.append(field_name)
        self.digest = Digest(self.limit) if self.file_parts == ["file"] else None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if self.digest is not None:
            self.digest.update(raw_data)
        # None: nothing for later handlers, nothing kept.

    def file_complete(self, file_size: int) -> DigestedFile | None:
        return DigestedFile(self.file_name or "file", self.digest) if self.digest is not None else None
