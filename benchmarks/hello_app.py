"""The ceiling of benchmarks/next_ani.py: a bare Starlette hello-world JSON endpoint.

Served exactly as ``openani serve`` serves openani (see ``cmd_serve`` in src/openani/cli.py):
uvicorn, one process, httptools, uvloop, warning log level, no access log. It answers GET and
POST on ``/`` without reading the body, so the benchmark can send it the very request bytes it
sends to /dialer/next.

    .venv/bin/python benchmarks/hello_app.py --port 8099
"""

from __future__ import annotations

import argparse
import sys

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


async def hello(_request: Request) -> Response:
    return JSONResponse({"hello": "world"})


app = Starlette(routes=[Route("/", hello, methods=["GET", "POST"])])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    args = parser.parse_args()
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        workers=1,
        log_level="warning",
        access_log=False,
        http="httptools",
        loop="uvloop" if sys.platform != "win32" else "asyncio",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
