"""Password hashes of the accounts (the authors of the blog fixture; docs/contract.md, 16), as
src/targets/shared/password.ts writes them: ``scrypt$<log2 N>$<r>$<p>$<salt b64>$<key b64>``. The
cost travels with the hash; Python verifies it with the standard library (hashlib.scrypt, which
releases the GIL while it hashes, so other threads and a thread pool's callers keep going)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re

_FORMAT = re.compile(
    r"^scrypt\$(\d{1,2})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$"
)


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored``; a malformed hash matches nothing. CPU-bound (author
    1's hash costs tens of milliseconds): async targets run it in a thread."""
    match = _FORMAT.match(stored)
    if not match:
        return False
    log2_n, r, p = (int(match.group(i)) for i in (1, 2, 3))
    if not 1 <= log2_n <= 20 or r < 1 or p < 1:
        return False
    try:
        salt = base64.b64decode(match.group(4), validate=True)
        expected = base64.b64decode(match.group(5), validate=True)
    except binascii.Error:
        return False
    key = hashlib.scrypt(
        password.encode(),
        salt=salt,
        n=2**log2_n,
        r=r,
        p=p,
        # scrypt needs 128 · N · r bytes; OpenSSL refuses more than maxmem (default 32 MiB).
        maxmem=256 * 2**log2_n * r,
        dklen=len(expected),
    )
    return hmac.compare_digest(key, expected)
