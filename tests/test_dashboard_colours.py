"""One colour meaning: red only behind the target, blue on it; the map's scale turns at the target."""
from __future__ import annotations

import plotly.colors as pcolors
import pytest

from dashboard import colours


def _sample(scale, position):
    return pcolors.sample_colorscale(scale, [min(1.0, max(0.0, position))])[0]


def _hue(rgb: str) -> str:
    r, g, b = (int(float(x)) for x in rgb[rgb.index("(") + 1:-1].split(","))
    return "red" if r > b else "blue"


@pytest.mark.parametrize("low,high,target,direction,values", [
    (0.5, 1.0, 0.9, "at_least", {0.5: "red", 0.89: "red", 0.9: "blue", 1.0: "blue"}),
    (0.0, 0.4, 0.2, "at_most", {0.0: "blue", 0.2: "blue", 0.21: "red", 0.4: "red"}),
    (0.95, 1.0, 0.9, "at_least", {0.95: "blue", 1.0: "blue"}),  # every county meets it
    (0.1, 0.5, 0.9, "at_least", {0.1: "red", 0.5: "red"}),  # none does
    (0.3, 0.6, 0.2, "at_most", {0.3: "red", 0.6: "red"}),
    (0.0, 0.1, 0.2, "at_most", {0.0: "blue", 0.1: "blue"}),
])
def test_the_map_scale_turns_from_red_to_blue_at_the_target(low, high, target, direction, values):
    scale = colours.target_colorscale(low, high, target, direction)
    positions = [p for p, _ in scale]
    assert positions == sorted(positions) and positions[0] == 0.0 and positions[-1] == 1.0
    for value, hue in values.items():
        assert _hue(_sample(scale, (value - low) / (high - low))) == hue, (value, scale)


def test_without_a_target_the_scale_holds_no_red():
    assert {_hue(c) for _, c in colours.target_colorscale(0, 1, None, None)} == {"blue"}


def test_red_is_kept_for_shortfalls():
    assert colours.BEHIND not in colours.SERIES and colours.BEHIND_LIGHT not in colours.SERIES
    assert colours.status(True) == "met" and colours.status(False) == "behind"
    assert colours.status(None) == colours.status(float("nan")) == "none"
