"""One meaning per colour on every page, safe for colour-blind readers (Okabe–Ito hues, told apart
by lightness as well): red (vermillion) only for "behind target / to be circulated", blue for "on
target", dark grey for the target itself, light grey for no data. Series of ordinary categories take
SERIES, which holds no red, so a red mark always means a shortfall. Pure (no Streamlit)."""
from __future__ import annotations

from serving import formatters as fmt

BEHIND = "#D55E00"
BEHIND_LIGHT = "#F6C9A8"
MET = "#0072B2"
MET_LIGHT = "#BFDCEF"
TARGET = "#444444"
NO_DATA = "#D9D9D9"
NOT_RANKED = "#9E9E9E"
SERIES = ["#0072B2", "#56B4E9", "#009E73", "#E69F00", "#CC79A7", "#332288", "#7A7A7A", "#88CCEE"]
# attainment (0..1, 1 = target met, as dbt computes it): shades of red below the target, blue at it
ATTAINMENT_SCALE = [[0.0, BEHIND], [0.999, BEHIND_LIGHT], [0.999, MET_LIGHT], [1.0, MET]]
# the badge colours of st.markdown for a card's status (Streamlit's named palette)
BADGE = {"met": "blue", "behind": "red", "none": "gray"}


def status(target_met: object) -> str:
    """"met", "behind" or "none" (no target, or no value to judge) from dbt's target_met."""
    if fmt.is_missing(target_met):
        return "none"
    return "met" if bool(target_met) else "behind"


def _rgb(hex_colour: str) -> str:
    """`rgb(r, g, b)`: the form plotly.colors.sample_colorscale needs (it cannot read #RRGGBB)."""
    value = hex_colour.lstrip("#")
    return "rgb({}, {}, {})".format(*(int(value[i:i + 2], 16) for i in (0, 2, 4)))


def target_colorscale(low: float, high: float, target: float | None, direction: str | None) -> list:
    """A colour scale for values from `low` to `high` that turns from red to blue at `target`: reds
    (darker further from it) on the side that misses the target, blues on the side that meets it
    (`direction` at_least: values >= target meet it; at_most: values <= target). Without a target,
    plain blues. Pure."""
    scale = _scale(low, high, target, direction)
    return [[position, _rgb(colour)] for position, colour in scale]


def _scale(low: float, high: float, target: float | None, direction: str | None) -> list:
    blues_up, reds_down = [[0.0, MET_LIGHT], [1.0, MET]], [[0.0, BEHIND], [1.0, BEHIND_LIGHT]]
    if target is None or target != target or direction not in ("at_least", "at_most"):
        return blues_up
    target = float(target)
    if direction == "at_least":
        if low >= target:
            return blues_up
        if high < target:
            return reds_down
        return _turning((target - low) / (high - low), BEHIND, BEHIND_LIGHT, MET_LIGHT, MET)
    if high <= target:
        return [[0.0, MET], [1.0, MET_LIGHT]]
    if low > target:
        return [[0.0, BEHIND_LIGHT], [1.0, BEHIND]]
    return _turning((target - low) / (high - low), MET, MET_LIGHT, BEHIND_LIGHT, BEHIND, target_side="before")


def _turning(cut: float, first: str, before: str, after: str, last: str, target_side: str = "after") -> list:
    """Stops that change hue at `cut`, a value exactly on the target taking `target_side`'s colour (it
    meets the target); positions strictly increasing, as plotly's colour sampler needs."""
    low, high = (max(0.0, cut - 1e-6), cut) if target_side == "after" else (cut, min(1.0, cut + 1e-6))
    stops = [[0.0, first], [low, before], [high, after], [1.0, last]]
    out: list = []
    for position, colour in stops:
        if out and position <= out[-1][0]:
            out[-1] = [out[-1][0], colour] if position == out[-1][0] else out[-1]
            continue
        out.append([position, colour])
    return out
