"""``mock-insights serve``: the loopback server as a command, for the CLI, Terraform and SDKs.

The first line of output is the URL served, so a script can read it (``read -r URL``); the
server stops cleanly on SIGINT or SIGTERM, saving its state first if asked to.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._activation import DEFAULT_ACCOUNT_ID, DEFAULT_REGION
from ._cloudtrail.account_ids import is_account_id
from .errors import UsageError

_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")


def _region(text: str) -> str:
    if not _REGION.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not an AWS region name such as us-east-1")
    return text


def _account(text: str) -> str:
    if not is_account_id(text):
        raise argparse.ArgumentTypeError(f"an account ID is 12 digits, not {text!r}")
    return text


_MAX_IDLE_TIMEOUT = 365 * 24 * 3600.0  # a socket timeout must fit the platform's time_t


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 0 to 65535 (0: any free port), not {text!r}")
    return port


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    # nan and inf would pass a plain "above 0" check and then fail every connection
    if not (math.isfinite(value) and 0 < value <= _MAX_IDLE_TIMEOUT):
        raise argparse.ArgumentTypeError(
            f"give a number of seconds above 0 and at most {_MAX_IDLE_TIMEOUT:.0f} (a year), "
            f"not {text!r}"
        )
    return value


def _history(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"a number of calls, 0 or more, not {text!r}")
    return value


def parser() -> argparse.ArgumentParser:
    """The command line: ``mock-insights serve [options]``."""
    from ._adapters.http_server import IDLE_TIMEOUT_SECONDS

    top = argparse.ArgumentParser(
        prog="mock-insights", description="mock_insights: an in-memory mock of AWS CloudTrail."
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser(
        "serve",
        help="answer CloudTrail's wire protocol over HTTP on this machine",
        description="Serve a CloudTrail mock over HTTP. The first line printed is its URL; "
        "SIGINT or SIGTERM stops it. Point a client at it with --endpoint-url or "
        "AWS_ENDPOINT_URL_CLOUDTRAIL; a 12-digit access key chooses the account.",
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    serve.add_argument("--port", type=_port, default=0, help="port (default: 0, any free port)")
    serve.add_argument(
        "--region",
        type=_region,
        default=DEFAULT_REGION,
        help=f"region of unsigned requests (default: {DEFAULT_REGION}); signed ones use their own",
    )
    serve.add_argument(
        "--account-id",
        type=_account,
        default=DEFAULT_ACCOUNT_ID,
        help="account of requests whose access key is not an account ID "
        f"(default: {DEFAULT_ACCOUNT_ID})",
    )
    serve.add_argument(
        "--state", metavar="FILE", type=Path, help="JSON state file to load at start"
    )
    serve.add_argument(
        "--save-state",
        action="store_true",
        help="write the state back to --state FILE on exit (the file may not exist yet)",
    )
    serve.add_argument(
        "--history-limit",
        type=_history,
        default=10_000,
        help="keep the newest N calls in the call history (default: 10000; 0: none)",
    )
    serve.add_argument(
        "--idle-timeout",
        type=_positive,
        default=IDLE_TIMEOUT_SECONDS,
        help=f"close a connection silent this many seconds (default: {IDLE_TIMEOUT_SECONDS:g})",
    )
    serve.add_argument(
        "--log", action="store_true", help="log each request line and status to stderr"
    )
    return top


def _loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _save(snapshot: dict[str, Any], path: Path) -> None:
    """Write the state file whole or not at all."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(json.dumps(snapshot, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, path)


def _unwritable(path: Path) -> str | None:
    """Why the state could not be saved to ``path`` on exit, checked before serving so a
    session's state is not lost at the end; None if it can be."""
    folder = path.parent
    if path.is_dir():
        return f"state file {path} is a directory"
    if not folder.is_dir():
        return f"cannot save the state to {path}: the folder {folder} does not exist"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"cannot save the state to {path}: the folder {folder} is not writable"
    return None


def serve(args: argparse.Namespace) -> int:
    """Run the server until SIGINT or SIGTERM. The exit status is 0 after a clean stop, 2 for
    options or a state file that cannot be used, and 1 if the port cannot be listened on or
    the state cannot be saved on exit."""
    from ._adapters import http_server
    from ._toolkit.harness import Harness
    from ._toolkit.seed import Where
    from ._toolkit.snapshot import restore, snapshot

    if args.save_state and args.state is None:
        print("mock-insights: --save-state needs --state FILE", file=sys.stderr)
        return 2
    if args.save_state:
        problem = _unwritable(args.state)
        if problem is not None:
            print(f"mock-insights: {problem}", file=sys.stderr)
            return 2
    harness = Harness(args.history_limit)
    if args.state is not None and (args.state.exists() or not args.save_state):
        try:
            restore(harness.backend, args.state, Where(args.region, args.account_id))
        except UsageError as error:
            print(f"mock-insights: {error}", file=sys.stderr)
            return 2
    try:
        running = http_server.start(
            harness,
            region=args.region,
            account_id=args.account_id,
            host=args.host,
            port=args.port,
            idle_timeout=args.idle_timeout,
            log=args.log,
        )
    except OSError as error:
        print(f"mock-insights: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1
    stopped = threading.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: stopped.set())
    print(running.url, flush=True)
    if not _loopback(args.host):
        print(
            f"mock-insights: warning: listening on {args.host}, beyond this machine; the "
            "server checks no signature, so anyone who can reach it can change its state",
            file=sys.stderr,
        )
    while not stopped.wait(0.5):
        pass
    running.stop()
    if args.save_state:
        try:
            _save(snapshot(harness.backend), args.state)
        except OSError as error:
            print(f"mock-insights: cannot save the state to {args.state}: {error}", file=sys.stderr)
            return 1
        print(f"mock-insights: saved the state to {args.state}", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """The ``mock-insights`` console script."""
    args = parser().parse_args(argv)
    return serve(args)
