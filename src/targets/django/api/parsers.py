"""Request body parsing the contract's way."""

from __future__ import annotations

from rest_framework.parsers import JSONParser

from lab_contract.config import DRAIN_LIMIT_BYTES, JSON_BODY_LIMIT_BYTES
from lab_contract.errors import ApiError
from lab_contract.jsonbody import parse_json

_CHUNK = 64 * 1024


class ContractJSONParser(JSONParser):
    """RFC 8259 JSON (no NaN, deep nesting is a 400 rather than a RecursionError) of at most
    1 MiB. DRF reads the body as a stream, past Django's DATA_UPLOAD_MAX_MEMORY_SIZE check, so
    the limit is enforced here; a too-large body is read to its end before the 413, so the client
    is not reset before it reads the answer."""

    def parse(self, stream, media_type=None, parser_context=None):  # type: ignore[no-untyped-def]
        body = stream.read(JSON_BODY_LIMIT_BYTES + 1)
        if len(body) > JSON_BODY_LIMIT_BYTES:
            drained = len(body)
            while drained < DRAIN_LIMIT_BYTES and (chunk := stream.read(_CHUNK)):
                drained += len(chunk)
            raise ApiError("payload_too_large", f"JSON body exceeds {JSON_BODY_LIMIT_BYTES} bytes")
        return parse_json(body)
