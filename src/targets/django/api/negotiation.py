"""Content negotiation: JSON whatever the client's Accept says (DRF's documented way, a custom
negotiation class); the contract has one representation, and a browser's Accept must not 406."""

from __future__ import annotations

from rest_framework.negotiation import DefaultContentNegotiation


class JSONOnly(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):  # type: ignore[no-untyped-def]
        return renderers[0], renderers[0].media_type
