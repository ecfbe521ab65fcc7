"""The loopback HTTP adapter: CloudTrail's JSON 1.1 protocol over HTTP, for any client.

The AWS CLI, Terraform and SDKs in other languages reach the mock through this server; the
requests go to the same harness in-process boto3 calls go to, so state, call history and faults
are shared. It is the standard library's threading HTTP server, with:

- HTTP/1.1 keep-alive and ``TCP_NODELAY`` (without it, Nagle's algorithm and delayed ACKs
  make every call wait about 40 ms), each answer written in one piece;
- a thread per connection, a listen backlog for bursts of clients, and an idle timeout, so a
  slow or half-open client holds one thread for a while and nothing else;
- a body limit (``MAX_BODY_BYTES``) checked before reading (and before ``Expect: 100-continue``
  invites the body), and an answer, never a traceback, for malformed HTTP, non-JSON bodies,
  unknown targets and other services' requests.

The request is never checked by a client-side validator here, so the core validates it against
botocore's model as AWS would. Signatures are not verified; the access key and region come from
the SigV4 credential (``credential_scope``), and no header is logged.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from mock_insights._cloudtrail.account_ids import is_account_id
from mock_insights._protocol import wire
from mock_insights._toolkit.harness import Harness
from mock_insights.errors import MockInsightsError

from . import credential_scope, server_control
from .server_control import Served

MAX_BODY_BYTES = 1024 * 1024  # CloudTrail's largest requests are a few tens of kilobytes
IDLE_TIMEOUT_SECONDS = 60.0  # a connection that sends nothing this long is closed
_JSON = "application/json"


def _error_body(code: str, message: str) -> bytes:
    return json.dumps({"__type": code, "Message": message}).encode()


def _xml_error_body(code: str, message: str) -> bytes:
    """The query and REST-XML protocols' error envelope, for another service's request."""
    from xml.sax.saxutils import escape

    return (
        f"<ErrorResponse><Error><Type>Sender</Type><Code>{escape(code)}</Code>"
        f"<Message>{escape(message)}</Message></Error><RequestId>mock_insights</RequestId>"
        "</ErrorResponse>"
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    """One client connection; requests on it are answered in turn."""

    protocol_version = "HTTP/1.1"  # keep-alive
    disable_nagle_algorithm = True
    server: LoopbackServer
    raw_requestline: bytes  # set by handle_one_request

    def setup(self) -> None:
        self.timeout = self.server.idle_timeout  # type: ignore[misc]  # read by setup()
        super().setup()

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (TimeoutError, ConnectionError):  # an idle, slow or vanished client
            self.close_connection = True
        if self.server.stopping:
            self.close_connection = True

    # --- answers --------------------------------------------------------------------------

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        headers: tuple[tuple[str, str], ...] | dict[str, str] = (),
    ) -> None:
        """Write status line, headers and body in one piece."""
        pairs = headers.items() if isinstance(headers, dict) else headers
        lines = [f"{self.protocol_version} {status} {_reason(status)}"]
        lines += [f"{name}: {value}" for name, value in pairs if name.lower() != "content-length"]
        if not any(name.lower() == "content-type" for name, _ in pairs):
            lines.append(f"Content-Type: {content_type}")
        lines.append(f"Content-Length: {len(body)}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(head if self.command == "HEAD" else head + body)
        self.log_request(status, len(body))

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The standard library's answer to malformed HTTP, as a JSON error body."""
        self.close_connection = True
        if not hasattr(self, "command") or self.command is None:
            self.command = ""
        text = message or _reason(code)
        if explain:
            text = f"{text}: {explain}"
        self._send(code, _error_body(_reason(code).replace(" ", ""), text), _JSON)

    def _fail(self, status: int, code: str, message: str, *, close: bool = False) -> None:
        if close:
            self.close_connection = True
        self._send(status, _error_body(code, message), _JSON)

    # --- requests -------------------------------------------------------------------------

    def _body_length(self) -> int | None:
        """The body's declared length, or None after answering why it will not be read."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self._fail(
                411,
                "LengthRequired",
                "send a Content-Length; chunked bodies are not read",
                close=True,
            )
            return None
        texts = {text.strip() for text in self.headers.get_all("Content-Length", [])}
        if not texts:
            return 0
        # 1*DIGIT only: int() would also take "+5", "5_0" and non-ASCII digits.
        text = texts.pop()
        if texts or not (text.isascii() and text.isdigit()):
            shown = ", ".join(sorted({text, *texts}))
            self._fail(400, "BadRequest", f"Content-Length {shown!r} is not a size", close=True)
            return None
        length = int(text)
        if length > self.server.max_body_bytes:
            self._fail(
                413,
                "RequestEntityTooLarge",
                f"the body is {length} bytes; mock_insights reads at most "
                f"{self.server.max_body_bytes}",
                close=True,
            )
            return None
        return length

    def _body(self) -> bytes | None:
        """The request body, or None after answering why it cannot be read."""
        length = self._body_length()
        if length is None:
            return None
        body = self.rfile.read(length)
        if len(body) < length:  # the client went away mid-body
            self.close_connection = True
            return None
        return body

    def handle_expect_100(self) -> bool:
        """Refuse a body that will not be read before inviting the client to send it (the
        standard library sends 100 Continue first, whatever the body)."""
        return self._body_length() is not None and super().handle_expect_100()

    def parse_request(self) -> bool:
        """The standard library's parsing, but a request line without an HTTP version
        (HTTP/0.9) is answered at once: the standard library would wait for headers that
        such a client never sends, until the idle timeout."""
        line = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        if len(line.split()) == 2:
            self.requestline, self.command = line, ""
            self.send_error(505, "HTTP/0.9 requests are not served; send HTTP/1.1")
            return False
        return super().parse_request()

    def _control(self) -> None:
        body = self._body()
        if body is None:
            return
        try:
            answer = server_control.handle(self.server.served, self.command, self.path, body)
        except server_control.ControlError as error:
            self._send(error.status, _error_body(error.code, error.message), _JSON, error.headers)
            return
        except Exception:  # our bug: say so, keep serving
            self._internal_failure()
            return
        self._send(answer.status, json.dumps(answer.body).encode(), _JSON, answer.headers)

    def _aws(self) -> None:
        """A request outside the control prefix: CloudTrail's, or a refusal naming why."""
        body = self._body()
        if body is None:
            return
        served = self.server.served
        scope = credential_scope.parse(self.headers.get("Authorization"))
        target = self.headers.get("X-Amz-Target")
        if scope is not None and scope.service not in ("cloudtrail", "cloudtrail-data"):
            self._unsupported(
                f"this {scope.service} request", scope.region, xml=self._speaks_xml(scope.service)
            )
            return
        if target is None and (
            (scope is not None and scope.service == "cloudtrail-data")
            or self.path.startswith("/PutAuditEvents")
        ):
            region = served.region if scope is None else scope.region
            self._unsupported("CloudTrail Data PutAuditEvents", region)
            return
        if self.command != "POST":
            self._fail(
                405,
                "MethodNotAllowed",
                f"CloudTrail requests are POST /; the controls are under {server_control.PREFIX}",
            )
            return
        region = served.region if scope is None else scope.region
        key = None if scope is None else scope.access_key_id
        account_id = key if is_account_id(key) else served.account_id
        request = wire.WireRequest(target, body, region, account_id, False, key)
        try:
            response = served.harness.answer(request)
        except MockInsightsError as error:  # an operation the mock does not implement
            self._fail(501, type(error).__name__, str(error))
            return
        except Exception:  # our bug: say so, keep serving
            self._internal_failure()
            return
        if self.server.log:
            code = json.loads(response.body).get("__type") if response.status >= 400 else None
            self._detail = f" {target} as {account_id} in {region}: {code or 'ok'}"
        self._send(response.status, response.body, wire.CONTENT_TYPE, response.headers)

    def _internal_failure(self) -> None:
        traceback.print_exc(file=sys.stderr)
        self._fail(
            500,
            "InternalFailure",
            "mock_insights failed answering this request; see the server's output",
        )

    def _speaks_xml(self, service: str) -> bool:
        """Whether the client expects an XML error: query-protocol clients (STS, IAM, SNS,
        EC2) send forms, and S3 speaks REST-XML; the rest read JSON."""
        form = "x-www-form-urlencoded" in (self.headers.get("Content-Type") or "")
        return form or service == "s3"

    def _unsupported(self, what: str, region: str, *, xml: bool = False) -> None:
        code = "UnsupportedOperationError"
        message = (
            f"mock_insights serves CloudTrail only, so {what} is not answered "
            f"(region {region}). Point only CloudTrail at this server, for example with "
            "AWS_ENDPOINT_URL_CLOUDTRAIL."
        )
        if xml:
            self._send(501, _xml_error_body(code, message), "text/xml")
        else:
            self._send(501, _error_body(code, message), _JSON, (("x-amzn-ErrorType", code),))

    def _route(self) -> None:
        if self.path.startswith(server_control.PREFIX):
            self._control()
        else:
            self._aws()

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _route

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """One access log line when asked for: the request line, status and size, and for a
        CloudTrail request the target, account, region and error code; never a header."""
        if self.server.log:
            detail = getattr(self, "_detail", "")
            self._detail = ""
            # The path without its query: a presigned URL carries credentials there.
            line = " ".join(
                word.partition("?")[0] if index == 1 else word
                for index, word in enumerate(self.requestline.split(" "))
            )
            self.log_message('"%s" %s %s%s', line, str(code), str(size), detail)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the stdlib's name)
        if self.server.log:
            super().log_message(format, *args)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


class LoopbackServer(ThreadingHTTPServer):
    """The standard library's threaded HTTP server, bound to the harness it answers from."""

    daemon_threads = True  # a lingering client never keeps the process alive
    request_queue_size = 1024  # the listen backlog (the default, 5, drops bursts of clients)

    def __init__(
        self,
        address: tuple[str, int],
        served: Served,
        *,
        idle_timeout: float = IDLE_TIMEOUT_SECONDS,
        max_body_bytes: int = MAX_BODY_BYTES,
        log: bool = False,
    ) -> None:
        self.served = served
        self.idle_timeout = idle_timeout
        self.max_body_bytes = max_body_bytes
        self.log = log
        self.stopping = False
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        shown = host if isinstance(host, str) else host.decode()
        if ":" in shown:
            shown = f"[{shown}]"
        return f"http://{shown}:{port}"

    def process_request(self, request: Any, client_address: Any) -> None:
        """Note the connection before its thread starts: ``stop`` then finds every connection
        accepted before it, even one whose thread has not run yet."""
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection's unexpected failure is logged; the server keeps serving."""
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)

    def stop(self) -> None:
        """Stop accepting, close every open connection, and release the port."""
        self.stopping = True
        self.shutdown()
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self.server_close()


class RunningServer:
    """A server answering in a background thread; ``stop`` ends it."""

    def __init__(self, server: LoopbackServer) -> None:
        self.server = server
        self.url = server.url
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"mock_insights {self.url}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self.server.stop()
            self._thread.join()


def start(
    harness: Harness,
    *,
    region: str,
    account_id: str,
    host: str = "127.0.0.1",
    port: int = 0,
    idle_timeout: float = IDLE_TIMEOUT_SECONDS,
    max_body_bytes: int = MAX_BODY_BYTES,
    log: bool = False,
) -> RunningServer:
    """Serve ``harness`` on ``host:port`` (0: a free port) from a background thread.

    CloudTrail's model is loaded first (if no client has loaded it), so the first request is
    answered as fast as the next ones."""
    from mock_insights._protocol.dispatch import supported_operations

    supported_operations()
    server = LoopbackServer(
        (host, port),
        Served(harness, region, account_id),
        idle_timeout=idle_timeout,
        max_body_bytes=max_body_bytes,
        log=log,
    )
    return RunningServer(server)
