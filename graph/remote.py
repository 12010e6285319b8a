"""Talking to remote triple stores through the W3C standards.

Queries go through the SPARQL 1.1 Protocol, graphs through the SPARQL 1.1 Graph Store
HTTP Protocol (GSP), and graph swaps through SPARQL 1.1 Update. Standard library only.

Credentials never come from arguments or URLs: MUSKGRAPH_USER and MUSKGRAPH_PASSWORD,
else the netrc entry for the endpoint's host (`$NETRC`, else `~/.netrc`). They are sent
as HTTP Basic, or as HTTP Digest to a server that asks for it (Virtuoso's `*-auth`
endpoints).

Queries are sent as URL-encoded POST forms, which every store accepts: Virtuoso 7.2
(Debian 12) never answers a POST of `application/sparql-query`.
"""

from __future__ import annotations

import base64
import contextlib
import html
import http.client
import netrc
import os
import re
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from graph.errors import InputError, MuskgraphError

USER_VARIABLE = "MUSKGRAPH_USER"
PASSWORD_VARIABLE = "MUSKGRAPH_PASSWORD"

RESULT_TYPES = frozenset(
    {
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    }
)
GRAPH_TYPES = frozenset(
    {
        "text/turtle",
        "application/n-triples",
        "application/rdf+xml",
        "application/ld+json",
        "text/n3",
    }
)
DATASET_TYPES = frozenset({"application/trig", "application/n-quads"})

_MESSAGE_LIMIT = 300


class RemoteError(MuskgraphError):
    """A triple store could not be reached, or refused or failed the request."""

    exit_code = 2


class NotSparqlError(RemoteError):
    """The address answered, but not as a SPARQL service."""


@dataclass(frozen=True)
class Endpoint:
    """Where a triple store listens: its query URL, and optionally update and GSP URLs.

    `store_url` is the Graph Store Protocol service (`?graph=IRI` / `?default` are
    appended); `update_url` the SPARQL Update service. `timeout` bounds each connection
    attempt and each wait for data, in seconds.
    """

    query_url: str
    update_url: str | None = None
    store_url: str | None = None
    timeout: float = 30.0

    def __post_init__(self) -> None:
        for url in (self.query_url, self.update_url, self.store_url):
            if url is not None:
                _check_url(url)
        if not self.timeout > 0:
            raise InputError(f"timeout must be more than 0 seconds, not {self.timeout}")


def _check_url(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{url!r} is not an http:// or https:// URL")
    if parts.username is not None or parts.password is not None:
        raise InputError(
            f"{_redacted(url)}: credentials do not go in the URL: set {USER_VARIABLE} and "
            f"{PASSWORD_VARIABLE}, or a netrc entry for {parts.hostname}"
        )


def _redacted(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def _media_type(value: str | None) -> str:
    return (value or "").split(";", 1)[0].strip().lower()


# -- credentials --------------------------------------------------------------------------


def credentials(url: str) -> tuple[str, str] | None:
    """The user and password for a URL's host: the environment, else netrc, else none."""
    user = os.environ.get(USER_VARIABLE)
    password = os.environ.get(PASSWORD_VARIABLE)
    if user is not None or password is not None:
        if user is None or password is None:
            present, missing = (
                (USER_VARIABLE, PASSWORD_VARIABLE)
                if user is not None
                else (PASSWORD_VARIABLE, USER_VARIABLE)
            )
            raise InputError(f"{present} is set but {missing} is not: set both or neither")
        return user, password
    host = urllib.parse.urlsplit(url).hostname or ""
    path = os.environ.get("NETRC")
    if path is None:
        path = os.path.join(os.path.expanduser("~"), ".netrc")
        if not os.path.isfile(path):
            return None
    try:
        entry = netrc.netrc(path).authenticators(host)
    except FileNotFoundError:
        raise InputError(f"{path}: no such netrc file (named by $NETRC)") from None
    except netrc.NetrcParseError as error:
        raise InputError(f"{path}: bad netrc file: {error.msg} (line {error.lineno})") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror}") from None
    if entry is None:
        return None
    login, _account, secret = entry
    return login, secret or ""


# -- HTTP -----------------------------------------------------------------------------------


def _challenge(url: str, timeout: float) -> str | None:
    """The WWW-Authenticate header a bodiless HEAD to `url` is answered with, if any.

    A Digest server answers a request that carries a body with 401 and may close the
    connection before reading the body; so before sending a body with credentials, ask
    once without one.
    """
    probe = urllib.request.Request(url, method="HEAD")
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=_tls()))
    try:
        with opener.open(probe, timeout=timeout):
            return None
    except urllib.error.HTTPError as error:
        with error:
            return error.headers.get("WWW-Authenticate") if error.code == 401 else None
    except (urllib.error.URLError, OSError, http.client.HTTPException):
        return None  # the real request reports the problem


def _tls() -> ssl.SSLContext:
    return ssl.create_default_context()


def _request(
    endpoint: Endpoint,
    method: str,
    url: str,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
) -> tuple[bytes, str, dict[str, str]]:
    """Send one request; return the body, its media type and the response headers."""
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
    handlers: list[urllib.request.BaseHandler] = [urllib.request.HTTPSHandler(context=_tls())]
    login = credentials(url)
    if login is not None:
        user, password = login
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, url, user, password)
        digest = urllib.request.HTTPDigestAuthHandler(manager)
        handlers.append(digest)
        challenge = _challenge(url, endpoint.timeout) if body else None
        if challenge and challenge.split(None, 1)[0].lower() == "digest":
            parameters = urllib.request.parse_keqv_list(
                urllib.request.parse_http_list(challenge.split(None, 1)[1])
            )
            authorization = digest.get_authorization(request, parameters)
            request.add_unredirected_header("Authorization", f"Digest {authorization}")
        else:
            token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
            request.add_unredirected_header("Authorization", f"Basic {token}")
    opener = urllib.request.build_opener(*handlers)
    shown = _redacted(url)
    try:
        with opener.open(request, timeout=endpoint.timeout) as response:
            data = response.read()
            return data, _media_type(response.headers.get("Content-Type")), dict(response.headers)
    except urllib.error.HTTPError as error:
        with error:
            raise RemoteError(_http_message(shown, error, login is not None)) from None
    except urllib.error.URLError as error:
        raise RemoteError(_network_message(shown, error.reason, endpoint.timeout)) from None
    except ValueError as error:  # urllib's auth handlers refuse schemes they do not know
        raise RemoteError(f"{shown}: {error}") from None
    except (OSError, http.client.HTTPException) as error:
        raise RemoteError(_network_message(shown, error, endpoint.timeout)) from None


def _network_message(url: str, reason: object, timeout: float) -> str:
    if isinstance(reason, TimeoutError | socket.timeout):
        return f"{url}: no answer within {timeout:g} s"
    if isinstance(reason, ConnectionRefusedError):
        return f"cannot reach {url}: connection refused"
    if isinstance(reason, socket.gaierror):
        host = urllib.parse.urlsplit(url).hostname
        return f"cannot reach {url}: unknown host {host}"
    if isinstance(reason, ssl.SSLError):
        return f"cannot reach {url}: TLS: {reason.reason or reason}"
    if isinstance(reason, ConnectionResetError | BrokenPipeError | http.client.HTTPException):
        return f"{url}: the server closed the connection without an answer"
    if isinstance(reason, OSError) and reason.strerror:
        return f"cannot reach {url}: {reason.strerror.lower()}"
    return f"cannot reach {url}: {reason}"


def _server_message(body: bytes, media_type: str) -> str:
    """The first paragraph of an error body, as one trimmed line."""
    text = body.decode("utf-8", errors="replace")
    if media_type in ("text/html", "application/xhtml+xml") or text.lstrip().startswith("<"):
        title = re.search(r"<title[^>]*>(.*?)</title>", text, re.I | re.S)
        text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.I | re.S)
        text = re.sub(r"<[^>]+>", "\n", text)
        text = html.unescape(text)
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if title:  # the title is usually "404 Not Found", and repeated in the heading
            heading = " ".join(html.unescape(title.group(1)).split())
            lines = [line for line in lines if line != heading] or [heading]
        text = "\n".join(lines[:2])
    paragraph = re.split(r"\n\s*\n", text.strip(), maxsplit=1)[0]
    line = " ".join(paragraph.split())
    if len(line) > _MESSAGE_LIMIT:
        line = line[: _MESSAGE_LIMIT - 1].rstrip() + "…"
    return line


def _http_message(url: str, error: urllib.error.HTTPError, had_credentials: bool) -> str:
    try:
        body = error.read(64 * 1024)
    except (OSError, http.client.HTTPException):
        body = b""
    message = f"{url}: HTTP {error.code} {error.reason}"
    detail = _server_message(body, _media_type(error.headers.get("Content-Type")))
    if detail and detail.lower() not in message.lower():
        message += f": {detail}"
    if error.code == 401:
        host = urllib.parse.urlsplit(url).hostname
        message += (
            f" (the credentials for {host} were refused)"
            if had_credentials
            else f" (set {USER_VARIABLE} and {PASSWORD_VARIABLE}, or a netrc entry for {host})"
        )
    return message


def _with_parameters(url: str, parameters: str) -> str:
    return url + ("&" if urllib.parse.urlsplit(url).query else "?") + parameters


# -- the SPARQL 1.1 Protocol -----------------------------------------------------------


def sparql_query(endpoint: Endpoint, query: str, accept: str) -> tuple[bytes, str]:
    """Run a query on the endpoint; return the answer's body and media type.

    `accept` is the Accept header: a results format for SELECT and ASK
    (`application/sparql-results+json`), an RDF syntax for CONSTRUCT and DESCRIBE
    (`text/turtle`, `application/n-triples`). An answer that is neither (an HTML page,
    say) raises NotSparqlError.
    """
    body = urllib.parse.urlencode({"query": query}).encode("utf-8")
    data, media_type, _headers = _request(
        endpoint,
        "POST",
        endpoint.query_url,
        body,
        {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
    )
    asked_ntriples = "application/n-triples" in accept.lower()
    if media_type not in RESULT_TYPES | GRAPH_TYPES and not (
        media_type == "text/plain" and asked_ntriples  # N-Triples' media type until RDF 1.1
    ):
        shown = media_type or "no content type"
        raise NotSparqlError(
            f"{_redacted(endpoint.query_url)} answered {shown}, not SPARQL results: "
            "is it a SPARQL query endpoint?"
        )
    return data, media_type


def sparql_update(endpoint: Endpoint, update: str) -> None:
    """Run a SPARQL 1.1 Update request on the endpoint's update URL."""
    if endpoint.update_url is None:
        raise InputError(f"{_redacted(endpoint.query_url)}: no SPARQL Update URL given")
    body = urllib.parse.urlencode({"update": update}).encode("utf-8")
    _request(
        endpoint,
        "POST",
        endpoint.update_url,
        body,
        {"Content-Type": "application/x-www-form-urlencoded"},
    )


def describe(endpoint: Endpoint) -> str:
    """One line on what answers at the query URL: a SPARQL service, and which server."""
    body = urllib.parse.urlencode({"query": "ASK {}"}).encode("utf-8")
    _data, media_type, headers = _request(
        endpoint,
        "POST",
        endpoint.query_url,
        body,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json",
        },
    )
    url = _redacted(endpoint.query_url)
    if media_type not in RESULT_TYPES:
        shown = media_type or "no content type"
        raise NotSparqlError(
            f"{url} answered {shown}, not SPARQL results: is it a SPARQL endpoint?"
        )
    server = " ".join(headers.get("Server", "").split())
    return f"{url}: SPARQL endpoint" + (f" ({server})" if server else "")


# -- the SPARQL 1.1 Graph Store HTTP Protocol ------------------------------------------


def _check_graph_iri(graph: str) -> None:
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*", graph):
        raise InputError(f"{graph!r} is not an absolute IRI to name a graph with")


def _graph_url(store_url: str, graph: str | None) -> str:
    if graph is None:
        return _with_parameters(store_url, "default")
    return _with_parameters(store_url, urllib.parse.urlencode({"graph": graph}))


def _gsp(endpoint: Endpoint, method: str, data: bytes, media_type: str, graph: str | None) -> None:
    assert endpoint.store_url is not None
    _request(
        endpoint,
        method,
        _graph_url(endpoint.store_url, graph),
        data,
        {"Content-Type": media_type},
    )


def push(
    endpoint: Endpoint,
    data: bytes,
    media_type: str,
    graph: str | None = None,
    replace: bool = False,
) -> None:
    """Send one graph to the store: into the named graph `graph`, or the default graph.

    Without `replace` the triples are added (GSP POST). With `replace` they take the
    graph's place: by one GSP PUT; or, when the endpoint has an update URL, by a PUT into
    a fresh staging graph and then one SPARQL Update request that MOVEs it over the
    target. Readers see the swap at once where the store runs a request as one isolated
    transaction: a PUT on Oxigraph, Fuseki (TDB2) and GraphDB, a MOVE on Oxigraph. On
    Virtuoso 7.2 neither is: its readers see the graph empty or half loaded meanwhile.
    """
    push_graphs(endpoint, {graph: data}, media_type, replace)


def push_graphs(
    endpoint: Endpoint,
    graphs: Mapping[str | None, bytes],
    media_type: str,
    replace: bool = False,
) -> None:
    """Send several graphs (`None` is the default graph), each as `push` sends one.

    With `replace` and an update URL, every graph is staged first and all are swapped
    in by one update request: on a store that isolates it (Oxigraph), readers see the old
    graphs or the new ones, never a mix. Meanwhile, readers of a union default graph see
    the staging graphs too.
    """
    if endpoint.store_url is None:
        raise InputError(f"{_redacted(endpoint.query_url)}: no Graph Store Protocol URL to push to")
    kind = _media_type(media_type)
    if kind in DATASET_TYPES:
        raise InputError(
            f"{kind} holds several graphs; push each graph in a triple syntax "
            "(text/turtle, application/n-triples) under its own name"
        )
    if kind not in GRAPH_TYPES:
        raise InputError(f"{media_type!r} is not an RDF syntax the Graph Store Protocol takes")
    for name in graphs:
        if name is not None:
            _check_graph_iri(name)
    if not replace:
        for name, data in graphs.items():
            _gsp(endpoint, "POST", data, media_type, name)
        return
    if endpoint.update_url is None:
        for name, data in graphs.items():
            _gsp(endpoint, "PUT", data, media_type, name)
        return
    staged = {name: f"urn:uuid:{uuid.uuid4()}" for name in graphs}
    try:
        for name, data in graphs.items():
            _gsp(endpoint, "PUT", data, media_type, staged[name])
        moves = [
            f"MOVE GRAPH <{staging}> TO {'DEFAULT' if name is None else f'GRAPH <{name}>'}"
            for name, staging in staged.items()
        ]
        sparql_update(endpoint, " ;\n".join(moves))
    except MuskgraphError:
        with contextlib.suppress(MuskgraphError):  # the first error is the one to report
            sparql_update(
                endpoint, " ;\n".join(f"DROP SILENT GRAPH <{s}>" for s in staged.values())
            )
        raise
