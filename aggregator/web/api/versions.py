"""What the API answers about a stub's version: its `ETag`, and the 412 of a write based on
another version, which carries what a client needs to show the editor both texts."""

from __future__ import annotations

from starlette.responses import Response

from aggregator.stub_records import Stub
from aggregator.web.actions import PRECONDITION_FAILED, Stale
from aggregator.web.api.answers import StaleStub
from aggregator.web.api.preconditions import stub_etag


def etag_of(stub: Stub) -> dict[str, str]:
    """The headers naming the stub's version: `{"ETag": "\\"12-3\\""}`."""
    return {"ETag": stub_etag(stub.item_id, stub.version)}


def stale_answer(stale: Stale, part: str | None = None) -> Response:
    """412 with the stub's current version and ETag (in the body and as `ETag`), and for a
    part's write the part's current text: the client shows it beside its own and sends its
    change again with the new ETag to keep it."""
    current = stale.current
    found = current.part(part) if part is not None else None
    body = StaleStub(
        error=stale.message,
        item_id=current.item_id,
        version=current.version,
        etag=stub_etag(current.item_id, current.version),
        part=part,
        content=found.content if found is not None else None,
    )
    return Response(
        body.model_dump_json(),
        status_code=PRECONDITION_FAILED,
        media_type="application/json",
        headers=etag_of(current),
    )
