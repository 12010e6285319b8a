"""Screenshots of the project's views, for the README: each drawn in headless Chromium.

    python docs/screenshots.py        # writes docs/view-{graph,vertical,timeline,paths}.png

Each view is rendered as `muskgraph render --view VIEW -o FILE` (or `--paths A B -o FILE`)
renders it (building the store under out/ if it is missing or stale), opened from a
temporary folder with a small script that, once the network has settled, clicks one item
as a reader would, so that the evidence panel shows; tests/chromium.py drives the browser,
as in the tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests")]  # tests/chromium.py

import chromium  # noqa: E402

KG = "https://w3id.org/muskgraph/id/"
# what to render, the picture, the node or the edge (from, to) whose evidence the panel shows
VIEWS = (
    (["--view", "graph"], "view-graph.png", {"node": KG + "musk"}),
    (
        ["--view", "vertical"],
        "view-vertical.png",
        {"edge": [KG + "orbital-data-centres", KG + "ai-models"]},
    ),
    (["--view", "timeline"], "view-timeline.png", {"node": KG + "spacex-xai-ipo"}),
    (
        ["--paths", "kg:rockets", "kg:ai-chatbots"],
        "view-paths.png",
        {"edge": [KG + "rockets", KG + "orbital-data-centres"]},
    ),
)

# Headless Chromium lays the page out in a viewport 143 px shorter than the window it
# then captures, and the picture would show the canvas stretched to the window's 80vh:
# the view gets the height it has in a window of 1280 by 900 from the start.
FIXED_HEIGHT = "<style>#view { height: 720px !important; }</style>"

# Clicks the item once the network has settled ("stabilized"), or at once for a view
# with fixed positions, through the same click handler a reader's click reaches.
CLICK = """<script>
window.addEventListener("load", function () {
  var pick = PICK;
  function click() {
    var selection = {nodes: [], edges: []};
    if (pick.node) { selection.nodes = [pick.node]; }
    else {
      selection.edges = network.body.data.edges.getIds({filter: function (e) {
        return e.from === pick.edge[0] && e.to === pick.edge[1]; }});
    }
    network.setSelection(selection);
    network.emit("click", selection);
  }
  if (options.physics.enabled === false) { setTimeout(click, 500); }
  else { network.once("stabilized", function () { setTimeout(click, 500); }); }
});
</script>"""


def main() -> None:
    browser = chromium.find()
    if browser is None:
        sys.exit("Error: chromium is not installed")
    with tempfile.TemporaryDirectory() as folder:
        for what, picture, pick in VIEWS:
            page = Path(folder) / picture.replace(".png", ".html")
            render = ["render", *what, "-o", str(page)]
            subprocess.run(
                [sys.executable, "-m", "graph", "--project", str(ROOT), *render], check=True
            )
            text = page.read_text(encoding="utf-8").replace("</head>", FIXED_HEIGHT + "</head>", 1)
            page.write_text(
                text.replace("</body>", CLICK.replace("PICK", json.dumps(pick)) + "</body>", 1),
                encoding="utf-8",
            )
            target = ROOT / "docs" / picture
            chromium.run(browser, page.as_uri(), Path(folder) / "profile", screenshot=target)
            print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
