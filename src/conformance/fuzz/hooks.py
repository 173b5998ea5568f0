"""Schemathesis hooks for the lab's contract (loaded through schemathesis.toml).

schemathesis.toml lets positive_data_acceptance accept a 400 on two operations, where the
contract documents a refusal that no schema can express. The checks below keep each allowance
exact: a schema-valid request there may be refused for the documented reason only, and any
other 400 is still a finding.
"""

import schemathesis
from schemathesis import Case, CheckContext, Response

# Bulk insert strategies only the raw pg data layer must implement (docs/contract.md).
RAW_SQL_STRATEGIES = {"unnest", "copy"}


def _positive_400(case: Case, response: Response, label: str) -> str | None:
    """The error code of a 400 answering schema-valid input to `label`, else None."""
    meta = case.meta
    if case.operation.label != label or response.status_code != 400:
        return None
    if meta is None or not meta.generation.mode.is_positive:
        return None
    body = response.json() or {}
    return str(body.get("error", {}).get("code"))


@schemathesis.check
def cursor_refusal_is_invalid_cursor(ctx: CheckContext, response: Response, case: Case) -> None:
    """GET /db/users/cursor: a well-formed cursor that does not decode is 400 invalid_cursor."""
    code = _positive_400(case, response, "GET /db/users/cursor")
    if code is None:
        return None
    if code != "invalid_cursor" or not (case.query or {}).get("cursor"):
        raise AssertionError(
            f"schema-valid input refused with 400 {code!r}; only a cursor that does not decode "
            "(400 invalid_cursor) may be refused here"
        )
    return None


@schemathesis.check
def bulk_insert_refusal_is_missing_strategy(ctx: CheckContext, response: Response, case: Case) -> None:
    """POST /db/bulk/insert: a layer without unnest/copy refuses them with 400 validation_failed."""
    code = _positive_400(case, response, "POST /db/bulk/insert")
    if code is None:
        return None
    strategy = (case.query or {}).get("strategy")
    message = str((response.json() or {}).get("error", {}).get("message", ""))
    if code != "validation_failed" or strategy not in RAW_SQL_STRATEGIES or strategy not in message:
        raise AssertionError(
            f"schema-valid input refused with 400 {code!r} (strategy {strategy!r}); only a raw-SQL "
            f"strategy ({', '.join(sorted(RAW_SQL_STRATEGIES))}) the layer lacks may be refused, "
            "with a message naming it"
        )
    return None


AGGREGATE_OPERATIONS = {
    "GET /db/aggregate/count",
    "GET /db/aggregate/orders-by/{dimension}",
    "GET /db/aggregate/top-authors",
}


@schemathesis.check
def aggregate_refusal_is_missing_builder(ctx: CheckContext, response: Response, case: Case) -> None:
    """GET /db/aggregate/*: a layer without a query builder refuses `builder` with 400."""
    label = case.operation.label
    if label not in AGGREGATE_OPERATIONS:
        return None
    code = _positive_400(case, response, label)
    if code is None:
        return None
    strategy = (case.query or {}).get("strategy")
    message = str((response.json() or {}).get("error", {}).get("message", ""))
    if code != "validation_failed" or strategy != "builder" or "builder" not in message:
        raise AssertionError(
            f"schema-valid input refused with 400 {code!r} (strategy {strategy!r}); only the "
            "builder strategy of a layer without a query builder may be refused, naming it"
        )
    return None


@schemathesis.hook("filter_body").apply_to(path="/upload", method="POST")
def multipart_sends_what_it_means(ctx: schemathesis.HookContext, body: object) -> bool:
    """POST /upload: generate only forms that multipart can carry as generated.

    A multipart part is bytes: a JSON type (a number, a boolean, an object) or null cannot be
    sent in one, and the encoder drops parts whose value is null. A body mutated only that way
    reaches the target as a valid form (or as a different one), and its acceptance is no finding.
    Missing, renamed and extra parts are representable and stay.
    """
    if not isinstance(body, dict):
        return True
    # Generated file content is `str` (Schemathesis's Binary is one) or bytes.
    return all(isinstance(value, (str, bytes)) for value in body.values())
