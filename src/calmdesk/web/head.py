"""``HEAD`` answered wherever ``GET`` is: FastAPI makes one route per method, so a ``HEAD`` of a
page or an API route would be a 405. This middleware runs such a request as a ``GET`` and sends
its status and headers without the body (``Content-Length`` kept: what the ``GET`` would send).
Static files go the same way (their body dropped here)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)
