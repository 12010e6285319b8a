"""Where the nodes of a view stand: a force layout for large views, a flow for chains.

Small views leave their layout to vis-network's physics. A view of many nodes gets fixed
positions from :func:`spring_layout` (vis-network's physics never settles at 10,000
nodes); a view of a chain of steps (business lines that feed one another) gets them from
:func:`flow_layout`, left to right, so that the page reads as the flow it shows; a
timeline gets them from :func:`timeline_layout`, its times left to right along one axis.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # networkx and numpy are imported where a view needs them
    import numpy as np
    from numpy.typing import NDArray

_LAYOUT_SEED = 20240601
_SPACING = 120  # pixels a unit of spring_layout: nodes without links stand a unit apart
_GRID = 64  # cells a side of the grid that sums the push in _spring
_STEP = 340  # pixels between two steps of a flow, left to right
_ROW = 110  # pixels between two nodes of one step, top to bottom
# grouped_layout's units are the pixels of a page in a window of 1280 by 900, where the
# groups of the project's graph fill the view at the zoom the page opens with, and its
# labels are about 18 px (graph/templates/view.html sizes them, to 14 px on screen).
_COLUMN = 9  # nodes a column of grouped_layout holds at most
_TALLEST = 800  # pixels a column of grouped_layout takes at most, where it can
_GROUP_STEP = 158  # pixels between two columns; graph.style wraps labels at 150
_GROUP_GAP = 20  # pixels between two groups, besides their columns'
_LINE_CHARS = 13  # characters of a line of an 18 px label wrapped at 150 pixels
_LINE = 22  # pixels of a line of a label
_NODE = 34  # pixels of a node, and the space between its label and the next node
_CAPTION = 30  # pixels of a group's name, above its nodes
_FONT = 18  # pixels of a label, where the groups are as wide as _CANVAS
_CANVAS = 1040  # pixels of the groups' width that a 1280-wide window shows at 14 px labels


def chain_layout(chains: Iterable[list[str]]) -> dict[str, tuple[int, int]]:
    """Pixel positions for chains of nodes: each chain a row, its nodes left to right in
    its order; a node already placed by an earlier chain stays where it is."""
    positions: dict[str, tuple[int, int]] = {}
    for row, chain in enumerate(chains):
        for column, node in enumerate(chain):
            positions.setdefault(node, (column * _STEP, row * _ROW))
    return positions


def flow_layout(
    ids: list[str], flow: Iterable[tuple[str, str]], attached: Iterable[tuple[str, str]]
) -> dict[str, tuple[int, int]]:
    """Pixel positions for the nodes ids: those joined by flow edges left to right,
    each a step after the steps that flow into it, and the rest (joined to them by
    attached edges) in a row under the flow, each below the steps it is attached to.

    A loop stays a loop: the nodes of a cycle take consecutive steps, in the order a
    breadth-first walk from where the flow enters the cycle meets them, so that one of
    its edges points back.
    """
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_edges_from(flow)
    cycles = nx.condensation(graph)  # a DAG of the strongly connected parts
    members = nx.get_node_attributes(cycles, "members")
    step: dict[str, int] = {}
    first: dict[int, int] = {}  # part -> the step its first node takes
    for part in nx.lexicographical_topological_sort(cycles, key=lambda c: min(members[c])):
        first[part] = max(
            (first[p] + _width(members[p], step) for p in cycles.predecessors(part)),
            default=0,
        )
        entries = sorted(
            n for n in members[part] if any(m not in members[part] for m in graph.predecessors(n))
        ) or [min(members[part])]
        inside = graph.subgraph(members[part])
        distance = nx.multi_source_dijkstra_path_length(inside, entries)
        for node in sorted(members[part]):
            step[node] = first[part] + distance[node]
    positions: dict[str, tuple[int, int]] = {}
    columns: dict[int, list[str]] = {}
    for node in sorted(step):
        columns.setdefault(step[node], []).append(node)
    for column, nodes in columns.items():
        for row, node in enumerate(nodes):
            positions[node] = (column * _STEP, round((row - (len(nodes) - 1) / 2) * _ROW))
    below = max((y for _, y in positions.values()), default=0) + 2 * _ROW
    anchors: dict[str, list[int]] = {}
    for a, b in attached:
        for node, other in ((a, b), (b, a)):
            if node not in step and other in positions:
                anchors.setdefault(node, []).append(positions[other][0])
    rest = sorted(
        (n for n in ids if n not in positions),
        key=lambda n: (sum(anchors.get(n, [0])) / len(anchors.get(n, [0])), n),
    )
    x = None
    for node in rest:
        wanted = anchors.get(node, [0])
        left = round(sum(wanted) / len(wanted))
        x = left if x is None else max(left, x + _STEP * 2 // 3)
        positions[node] = (x, below)
    return positions


def timeline_layout(
    times: list[str], order: Iterable[tuple[str, str]], at: dict[str, str]
) -> dict[str, tuple[int, int]]:
    """Pixel positions for times and the events at them: the times that order (earlier,
    later) pairs reach left to right along one axis, each a step after those before it,
    with the events at each time (at: event -> time) in a column under it; the times no
    pair reaches, with their events, in a row of their own below the axis.
    """
    order = list(order)
    axis = flow_layout([], order, [])
    under: dict[str, list[str]] = {}
    for event in sorted(at):
        under.setdefault(at[event], []).append(event)
    positions: dict[str, tuple[int, int]] = {}
    columns: dict[int, list[str]] = {}
    for time in sorted(axis, key=lambda t: (axis[t][1], t)):
        columns.setdefault(axis[time][0], []).append(time)
    for x, column in columns.items():
        y = 0
        for time in column:
            for node in (time, *under.get(time, [])):
                positions[node] = (x, y)
                y += _ROW
    apart = sorted(t for t in times if t not in axis)
    below = max((y for _, y in positions.values()), default=0) + 2 * _ROW
    for step, time in enumerate(apart):
        for row, node in enumerate((time, *under.get(time, []))):
            positions[node] = (step * _STEP, below + row * _ROW)
    return positions


def grouped_layout(
    groups: list[list[tuple[str, str]]], links: Iterable[tuple[str, str]]
) -> tuple[dict[str, tuple[int, int]], list[tuple[int, int, int, int]]]:
    """Pixel positions for the nodes of groups (lists of (id, label)), the groups left to
    right, each in as few columns of at most _COLUMN nodes and _TALLEST pixels as it
    needs, in the order given; and the box (left, top, right, bottom) around each group.

    Each node takes the height its label needs, wrapped as the page wraps it (see
    _label_lines); a column with room to spare spreads its nodes out. Within each
    column the nodes are then sorted by the mean height of the nodes they link to in the
    other columns, a few times over (the barycentre heuristic of layered drawings), so
    that links cross less.
    """
    columns: list[list[str]] = []
    x: list[int] = []  # of each column
    spans: list[tuple[int, int]] = []  # the first and last column of each group
    tall: dict[str, int] = {}  # pixels each node takes, its label under it
    labels: dict[str, str] = {}
    left = 0
    for members in groups:
        tall.update((node, _NODE + _LINE * _label_lines(label)) for node, label in members)
        needed = sum(tall[node] for node, _ in members)
        labels.update(members)
        count = max(-(-len(members) // _COLUMN), -(-needed // _TALLEST))
        size = -(-len(members) // count) if count else 0
        first = len(columns)
        for c in range(count):
            columns.append([node for node, _ in members[c * size : (c + 1) * size]])
            x.append(left)
            left += _GROUP_STEP
        spans.append((first, len(columns) - 1))
        left += _GROUP_GAP
    # A view wider than the window's canvas opens zoomed out, where the page draws its
    # labels larger (14 px on screen): fewer characters to a line, and taller lines.
    font = _FONT * max(1.0, left / _CANVAS)
    chars = max(1, round(_LINE_CHARS * _FONT / font))
    tall = {
        n: _NODE + round(_LINE * font / _FONT) * _label_lines(t, chars) for n, t in labels.items()
    }
    height = max((sum(tall[n] for n in column) for column in columns), default=0)
    linked: dict[str, list[str]] = {}
    for a, b in links:
        linked.setdefault(a, []).append(b)
        linked.setdefault(b, []).append(a)
    y: dict[str, float] = {}

    def place(column: list[str]) -> None:
        spare = height - sum(tall[n] for n in column)
        gap = min(spare / (len(column) - 1), _NODE * 2) if len(column) > 1 else 0
        top = (spare - gap * (len(column) - 1)) / 2
        for node in column:
            y[node] = top + _NODE / 3
            top += tall[node] + gap

    for column in columns:
        place(column)
    for sweep in range(4):
        for column in columns if sweep % 2 == 0 else reversed(columns):
            inside = set(column)

            def height_of(node: str, inside: set[str] = inside) -> tuple[float, float]:
                around = [y[m] for m in linked.get(node, ()) if m not in inside]
                return (sum(around) / len(around) if around else y[node], y[node])

            column.sort(key=height_of)
            place(column)
    positions = {
        node: (x[c], round(y[node])) for c, column in enumerate(columns) for node in column
    }
    half = _GROUP_STEP // 2 - _GROUP_GAP // 4
    boxes = [(x[first] - half, -_CAPTION, x[last] + half, height) for first, last in spans]
    return positions, boxes


def _label_lines(label: str, chars: int = _LINE_CHARS) -> int:
    """How many lines the page wraps a label into: words are kept whole on lines of at
    most chars characters, as vis-network keeps them within a width."""
    lines, length = 1, 0
    for word in label.split():
        if length and length + 1 + len(word) > chars:
            lines, length = lines + 1, 0
        length += (1 if length else 0) + len(word)
        while length > chars:  # a word too long for a line is cut
            lines, length = lines + 1, length - chars
    return lines


def _width(part: Iterable[str], step: dict[str, int]) -> int:
    """How many steps a laid-out part of the flow takes."""
    steps = [step[n] for n in part]
    return max(steps) - min(steps) + 1


def spring_layout(count: int, links: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Pixel positions for count nodes joined by links: the same for the same input.

    Linked nodes get a force-directed layout (_spring); nodes without links stand in
    rows under it, in the order given, instead of being pushed out to a ring around it.
    networkx's own layouts do not fit in the time a view has: its spring_layout took
    2.5 s for 600 nodes (50 iterations) and 14 s for 2 iterations at 10,000, its
    spectral_layout 1.8 s at 10,000, and forceatlas2 and kamada_kawai hold n-by-n
    matrices; _spring takes about 0.05 s at either size.
    """
    import numpy as np

    src = np.fromiter((a for a, _ in links), dtype=np.intp, count=len(links))
    dst = np.fromiter((b for _, b in links), dtype=np.intp, count=len(links))
    degree = np.bincount(src, minlength=count) + np.bincount(dst, minlength=count)
    linked = np.flatnonzero(degree)
    lone = np.flatnonzero(degree == 0)
    renumbered = np.zeros(count, dtype=np.intp)
    renumbered[linked] = np.arange(linked.size)
    z = np.zeros(count, dtype=complex)
    z[linked] = _spring(linked.size, renumbered[src], renumbered[dst])
    if lone.size:
        left, right, top = -np.sqrt(lone.size) / 2, np.sqrt(lone.size) / 2, 0.0
        if linked.size:
            left, right = z[linked].real.min(), z[linked].real.max()
            top = z[linked].imag.max() + 2  # y grows downwards on the canvas
        row, column = np.divmod(np.arange(lone.size), max(1, int(right - left) + 1))
        z[lone] = left + column + 1j * (top + row)
    z = np.rint(z * _SPACING)
    return list(zip(z.real.astype(int).tolist(), z.imag.astype(int).tolist(), strict=True))


def _spring(count: int, src: NDArray[np.intp], dst: NDArray[np.intp]) -> NDArray[np.complex128]:
    """Positions, as complex numbers, for count nodes joined by links src[i] -> dst[i].

    Fruchterman-Reingold: springs along the links, every node pushing every other away,
    a pull towards the centre, and moves that cool down step by step. The all-pairs push
    is summed on a grid with FFTs, as particle-mesh simulations do, so a step costs
    O(nodes + links) and not O(nodes squared).
    """
    import numpy as np

    if count == 0:
        return np.zeros(0, dtype=complex)
    rng = np.random.default_rng(_LAYOUT_SEED)
    radius = np.sqrt(count)  # of the disc the nodes fill, one unit apart
    z = (rng.random(count) - 0.5 + 1j * (rng.random(count) - 0.5)) * 2 * radius
    # The push on a node from one in a grid cell (i, j) away: unit vector / distance.
    cells = 2 * _GRID  # padded, so that the FFT's wrap-around adds nothing
    offset = np.fft.fftfreq(cells, 1 / cells)
    dx, dy = np.meshgrid(offset, offset, indexing="ij")
    distance2 = dx * dx + dy * dy
    distance2[0, 0] = 1
    push = np.fft.rfft2(dx / distance2), np.fft.rfft2(dy / distance2)
    steps = int(np.clip(200_000 // count, 30, 150))
    for step in np.linspace(radius / 5, radius / 5 / steps, steps):  # the most a node moves
        left, bottom = z.real.min(), z.imag.min()
        side = max(z.real.max() - left, z.imag.max() - bottom) / (_GRID - 1) + 1e-9
        cell = ((z.real - left) / side).astype(np.intp) * cells
        cell += ((z.imag - bottom) / side).astype(np.intp)
        density = np.bincount(cell, minlength=cells * cells).reshape(cells, cells)
        spectrum = np.fft.rfft2(density.astype(float))
        across, down = (np.fft.irfft2(spectrum * p, s=density.shape).ravel() for p in push)
        force = (across[cell] + 1j * down[cell]) / side
        pull = z[dst] - z[src]
        pull *= np.abs(pull)
        force += np.bincount(src, pull.real, count) - np.bincount(dst, pull.real, count)
        force += 1j * (np.bincount(src, pull.imag, count) - np.bincount(dst, pull.imag, count))
        force -= z - z.mean()  # the pull towards the centre
        length = np.abs(force)
        z += force * (np.minimum(length, step) / np.maximum(length, 1e-9))
    # Small parts that the push threw far out come back to the rim of the rest.
    z -= np.median(z.real) + 1j * np.median(z.imag)
    distance = np.abs(z)
    rim = np.quantile(distance, 0.98) * 1.05
    far = distance > rim
    z[far] *= (rim + (distance[far] - rim) * 0.05) / distance[far]
    return _spread(z)


def _spread(z: NDArray[np.complex128], gap: float = 0.3) -> NDArray[np.complex128]:
    """z with the nodes that share a square of side gap set around a circle in it.

    The grid sums no push between nodes in one of its cells, so leaves of the same hub
    can end up on one spot, where a node would hide the others.
    """
    import numpy as np

    cell = np.floor(z.real / gap).astype(np.int64) << 32
    cell += np.floor(z.imag / gap).astype(np.int64) & 0xFFFFFFFF
    order = np.lexsort((np.arange(z.size), cell))  # by cell, then by node
    first = np.flatnonzero(np.r_[True, cell[order][1:] != cell[order][:-1]])
    size = np.diff(np.r_[first, z.size])
    crowd = np.repeat(size, size)  # how many share each node's cell, in that order
    place = np.arange(z.size) - np.repeat(first, size)
    radius = gap * np.maximum(0.5, crowd / (2 * np.pi))
    shared = crowd > 1
    offset = radius * np.exp(2j * np.pi * place / crowd)
    spread = z.copy()
    spread[order[shared]] += offset[shared]
    return spread
