"""`/healthz` (the process answers and the database is reachable) and `/metrics` (Prometheus)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from aggregator.storage.health import ping, state_counts
from aggregator.web.context import WebContext
from aggregator.workers.status import task_gauges

PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8"


def routes(ctx: WebContext) -> list[Route]:
    async def healthz(request: Request) -> Response:
        try:
            await ctx.db(ping, ctx.app.store)
        except Exception as exc:  # any failure means "not healthy", said plainly
            return JSONResponse(
                {"status": "unhealthy", "database": f"unreachable: {type(exc).__name__}"},
                status_code=503,
                headers={"Cache-Control": "no-store"},
            )
        return JSONResponse(
            {"status": "ok", "database": "ok"}, headers={"Cache-Control": "no-store"}
        )

    async def metrics(request: Request) -> Response:
        state = dict(await ctx.db(state_counts, ctx.app.store))
        if ctx.app.store.engine.dialect.name == "postgresql":  # the workers' queue is there
            state.update(await ctx.db(task_gauges, ctx.app.store))
        return PlainTextResponse(
            ctx.metrics.render(state),
            media_type=PROMETHEUS,
            headers={"Cache-Control": "no-store"},
        )

    return [
        Route("/healthz", healthz, methods=["GET", "HEAD"]),
        Route("/metrics", metrics, methods=["GET"]),
    ]
