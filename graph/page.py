"""The page of a view: one self-contained, offline HTML file (pyvis / vis-network).

The view's data goes into the page as JSON in script elements, every ``<`` written as
``\\u003c`` (_json_data), so no text of it can end its element or open a comment, and the
page's script turns tooltips, the evidence panel and the legend
into DOM elements with ``textContent``, so labels and quotes, which are data, can never
become markup. vis-network's script and style are inlined: the page loads nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyvis
from jinja2 import Environment, PackageLoader, Template
from markupsafe import Markup
from pyvis.network import Network

__all__ = ["page_html"]


def page_html(
    title: str, options: dict, nodes: list[dict], edges: list[dict], **variables: object
) -> str:
    """The page that draws nodes and edges with vis-network options; variables are the
    template's own (the legend, the evidence tables, a notice)."""
    net = Network(height="80vh", width="100%", directed=True, heading=title)
    # Our template replaces pyvis's, which links Bootstrap and vis from CDNs, shows the
    # heading twice and, if any tooltip contains "href", sets tooltips with innerHTML.
    net.templateEnv = _Templates(**variables)
    net.path = "view.html"
    net.options = options
    # Filled in bulk: add_node checks each id against a list and add_edge checks both
    # ends against the list of node ids, which is quadratic in the size of the view.
    net.nodes, net.edges = nodes, edges
    return net.generate_html()


class _Templates:
    """Stands in for pyvis's Jinja environment (``net.templateEnv``) so that our page
    template gets the view's own variables besides those ``generate_html`` passes."""

    def __init__(self, **variables: object) -> None:
        self.variables = variables

    def get_template(self, name: str) -> _Template:
        return _Template(_environment().get_template(name), self.variables)


@dataclass(frozen=True)
class _Template:
    template: Template
    variables: dict[str, object]

    def render(self, **variables: object) -> str:
        return self.template.render(**variables, **self.variables)


def _vis_asset(name: str) -> Markup:
    """A file of the newest vis-network the installed pyvis ships (9.1.2 in pyvis 0.3.2)."""
    folders = (Path(pyvis.__file__).parent / "templates" / "lib").glob("vis-*")
    newest = max(folders, key=lambda f: tuple(int(n) for n in re.findall(r"\d+", f.name)))
    text = (newest / name).read_text(encoding="utf-8")
    # The .map file is not inlined: drop the reference so no tool goes looking for it.
    text = re.sub(r"^\s*/[/*][#@] sourceMappingURL=.*$", "", text, flags=re.M)
    if "</script" in text.lower() or "</style" in text.lower():
        raise ValueError(f"{name} cannot be inlined: it closes its own element")
    return Markup(text)


def _json_data(value: object) -> Markup:
    """value as JSON for a <script type="application/json"> element, read with JSON.parse.

    Inside a script element only "<" can end it ("</script") or open a comment, so only
    "<" is escaped: Jinja's tojson also escapes ">", "&" and "'" (for attributes), four
    passes over the 12 MB of a 10,000-node view. Keys keep their order (tojson sorts
    them: a sixth more time), and without the spaces after "," and ":" the page is
    smaller for the browser to read. The lists hold no cycles: nothing checks for them.
    """
    text = json.dumps(value, separators=(",", ":"), check_circular=False)
    return Markup(text.replace("<", "\\u003c"))


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("graph", "templates"),
        autoescape=True,
        keep_trailing_newline=True,
    )
    env.filters["json_data"] = _json_data
    env.globals.update(
        vis_js=_vis_asset("vis-network.min.js"),
        vis_css=_vis_asset("vis-network.css"),
    )
    return env
