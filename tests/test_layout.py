"""graph.layout's grouped layout: groups side by side, columns that fit, fewer crossings."""

from __future__ import annotations

from graph.layout import grouped_layout


def test_links_between_two_groups_do_not_cross():
    groups = [[("a1", "A one"), ("a2", "A two")], [("b1", "B one"), ("b2", "B two")]]
    positions, _ = grouped_layout(groups, [("a1", "b2"), ("a2", "b1")])
    (_, ya1), (_, ya2), (_, yb1), (_, yb2) = (positions[n] for n in ("a1", "a2", "b1", "b2"))
    assert (ya1 - ya2) * (yb2 - yb1) > 0  # a1 on the side of b2, a2 on the side of b1


def test_a_large_group_takes_several_columns_within_its_box():
    many = [(f"n{i}", f"node {i}") for i in range(20)]
    positions, boxes = grouped_layout([many, [("alone", "alone")]], [])
    xs = sorted({positions[n][0] for n, _ in many})
    assert len(xs) == 3  # 20 nodes, at most 9 a column
    (left, top, right, bottom), (next_left, *_) = boxes
    assert all(left < x < right and top < y < bottom for x, y in positions.values() if x in xs)
    assert right < next_left < positions["alone"][0]


def test_a_long_label_pushes_the_next_node_down():
    short = [("a", "a"), ("b", "b")]
    long = [("a", "a " + "very long label " * 6), ("b", "b")]
    at = {
        name: grouped_layout([nodes], [])[0] for name, nodes in (("short", short), ("long", long))
    }
    assert at["long"]["b"][1] - at["long"]["a"][1] > at["short"]["b"][1] - at["short"]["a"][1]
