"""Pure map builder: a county-level choropleth of 抚顺市 from a DataFrame (no Streamlit, no database,
no network).

Each county is drawn as filled `go.Scatter` polygons (`fill="toself"`) on plain x/y axes: x is the
longitude, y the latitude, and the x axis is anchored to the y axis with a scale ratio of cos(mean
latitude), so the map has its true shape. Plotly's `geo` traces (go.Choropleth) are not used: they
fetch a world topojson from cdn.plot.ly even with the basemap off, so offline they render blank.
Colours are computed here from a continuous colorscale; an invisible marker trace carries the values
and draws the colorbar. A county with no row, or a row without a value, is grey and labelled 无数据.
The counties come from the checked-in GeoJSON (dashboard/geo.py); every number is written by
`serving.formatters`.
"""
from __future__ import annotations

import math

import pandas as pd
import plotly.colors as pcolors
import plotly.graph_objects as go

from dashboard import colours
from dashboard import geo
from dashboard.figures import FONT_FAMILY
from dashboard.i18n import DEFAULT_LANG, t
from serving import formatters as fmt

NO_DATA_COLOUR = colours.NO_DATA
BORDER_COLOUR = "#ffffff"
# how a value is written (serving.formatters) and the colour bar's ticks, by the value's unit
VALUE_TEXT = {"percent": fmt.percent, "ratio": fmt.ratio, "score": lambda v, lang: fmt.score(v),
              "count": lambda v, lang: fmt.count(v)}
TICK_FORMATS = {"percent": ".0%", "ratio": ".2f", "score": ".0f", "count": ",d"}


# --- geometry helpers (pure) ---------------------------------------------------------------------

def _signed_area(ring) -> float:
    """Shoelace area: positive for counter-clockwise (lon to the right, lat up)."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:])) / 2


def _wound(ring, clockwise: bool):
    return list(ring) if (_signed_area(ring) < 0) == clockwise else list(ring)[::-1]


def d3_wound(geojson: dict) -> dict:
    """A copy with d3-geo's winding (exterior rings clockwise, holes counter-clockwise), the opposite of
    RFC 7946. Plotly's geo traces draw with d3-geo, which takes a counter-clockwise exterior for the
    whole globe minus the county (the map turns into one coloured sheet)."""
    def polygon(rings):
        return [_wound(ring, clockwise=(i == 0)) for i, ring in enumerate(rings)]

    features = []
    for feature in geojson["features"]:
        geometry = feature["geometry"]
        if geometry["type"] == "Polygon":
            geometry = {"type": "Polygon", "coordinates": polygon(geometry["coordinates"])}
        elif geometry["type"] == "MultiPolygon":
            geometry = {"type": "MultiPolygon", "coordinates": [polygon(p) for p in geometry["coordinates"]]}
        features.append({**feature, "geometry": geometry})
    return {**geojson, "features": features}


def label_point(geometry: dict) -> tuple[float, float]:
    """(lon, lat) for a county's label: the centroid of its largest polygon's exterior ring."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    ring = max((p[0] for p in polygons), key=lambda r: abs(_signed_area(r)))
    area = _signed_area(ring)
    if area == 0:
        xs, ys = zip(*ring)
        return sum(xs) / len(xs), sum(ys) / len(ys)
    cx = sum((x0 + x1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in zip(ring, ring[1:])) / (6 * area)
    cy = sum((y0 + y1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in zip(ring, ring[1:])) / (6 * area)
    return cx, cy


# --- the figure ----------------------------------------------------------------------------------

def value_text(value, unit: str = "percent", lang: str = DEFAULT_LANG) -> str:
    """A county's value as written everywhere else (serving.formatters), by its unit."""
    return VALUE_TEXT.get(unit, fmt.percent)(value, lang)


def polygon_xy(geometry: dict) -> tuple[list, list]:
    """The exterior rings of a (Multi)Polygon as one x (lon) / y (lat) path, rings separated by None
    (plotly fills each ring on its own)."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    xs: list = []
    ys: list = []
    for polygon in polygons:
        if xs:
            xs.append(None)
            ys.append(None)
        ring = polygon[0]
        xs.extend(p[0] for p in ring)
        ys.extend(p[1] for p in ring)
    return xs, ys


def label_spots(geojson: dict, small: float = 0.1) -> dict[str, tuple[float, float]]:
    """Where each county's name goes: its label point, or, for a county whose largest ring is under
    `small` of the largest county's (the urban districts), a spot in a column west of the city with a
    leader line back, stacked in the order of their latitude so the names never overlap."""
    features = {f["properties"]["region_code"]: f for f in geojson["features"]}
    points = {code: label_point(f["geometry"]) for code, f in features.items()}

    def area(geometry):
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        return max(abs(_signed_area(p[0])) for p in polygons)

    areas = {code: area(f["geometry"]) for code, f in features.items()}
    largest = max(areas.values(), default=0)
    tiny = sorted((c for c in features if areas[c] < small * largest), key=lambda c: -points[c][1])
    if not tiny:
        return points
    west = min(x for f in features.values() for x in polygon_xy(f["geometry"])[0] if x is not None)
    top = max(points[c][1] for c in tiny) + 0.06 * (len(tiny) - 1)
    spots = dict(points)
    for index, code in enumerate(tiny):
        spots[code] = (west - 0.04, top - 0.12 * index)
    return spots


def _is_dark(colour: str) -> bool:
    """True for a fill on which dark text is hard to read (relative luminance under 0.35)."""
    text = colour.strip()
    if text.startswith("#") and len(text) == 7:
        r, g, b = (int(text[i:i + 2], 16) for i in (1, 3, 5))
    elif text.startswith("rgb"):
        r, g, b = (float(v) for v in text[text.index("(") + 1:text.index(")")].split(",")[:3])
    else:
        return False
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255 < 0.35


def colour_for(value: float, zmin: float, zmax: float, colorscale) -> str:
    """The colour of `value` on a continuous colorscale (a name such as "Blues" or a list of stops)."""
    scale = pcolors.get_colorscale(colorscale) if isinstance(colorscale, str) else colorscale
    position = 0.5 if zmax <= zmin else (float(value) - zmin) / (zmax - zmin)
    return pcolors.sample_colorscale(scale, [min(1.0, max(0.0, position))])[0]


def choropleth(
    df: pd.DataFrame,
    value_column: str,
    *,
    geojson: dict | None = None,
    region_column: str = "region_code",
    name_column: str | None = None,
    numerator_column: str = "numerator",
    denominator_column: str = "denominator",
    title: str = "",
    value_label: str | None = None,
    unit: str = "percent",
    colorscale: str | list = "Blues",
    target: float | None = None,
    target_direction: str | None = None,
    zmin: float | None = None,
    zmax: float | None = None,
    show_labels: bool = True,
    lang: str = DEFAULT_LANG,
    height: int = 520,
    outside: frozenset[str] = frozenset(),
) -> go.Figure:
    """A choropleth of `value_column` per county (one row per `region_code`, a GB/T 2260 code as text).

    Traces: one filled polygon trace per county of the GeoJSON (in file order; `meta` holds its
    region_code and value, grey and 无数据 when it has none), then [-2 or -1] the values trace (an
    invisible marker per county with a value: `ids` and `marker.color` are exactly the input rows that
    have a boundary and a non-null value, in input order; it draws the colorbar and the hover), then
    the county names as text (when `show_labels`). Hover shows the county name, the value (written by
    `serving.formatters` for its `unit`: percent, ratio, score or count) and, when the frame has
    `numerator_column` and `denominator_column`, both. Names come from `name_column` when given, else
    from the GeoJSON. Rows whose code has no boundary (the city's own code, say) are left out.
    `outside`: counties the reader may not see (a county or department account): grey and labelled
    不在查看范围, not 无数据, which would say the county has no data.
    """
    collection = geo.boundaries() if geojson is None else geojson
    names = geo.county_names(collection)
    label = value_label or value_column
    codes = df[region_column].astype("string")
    if codes.duplicated().any():
        raise ValueError(f"choropleth needs one row per {region_column}; duplicated: "
                         f"{sorted(codes[codes.duplicated()].dropna().unique())}")
    shown = df.loc[codes.isin(list(names)).fillna(False).to_numpy() & df[value_column].notna().to_numpy()]
    shown_codes = shown[region_column].astype(str).tolist()
    if name_column:
        shown_names = [str(n) if pd.notna(n) else names[c] for c, n in zip(shown_codes, shown[name_column])]
    else:
        shown_names = [names[c] for c in shown_codes]
    values = shown[value_column].astype(float).tolist()
    has_fraction = numerator_column in df.columns and denominator_column in df.columns
    nums = shown[numerator_column].tolist() if has_fraction else [None] * len(shown)
    dens = shown[denominator_column].tolist() if has_fraction else [None] * len(shown)
    low = min(values) if zmin is None and values else (zmin if zmin is not None else 0.0)
    high = max(values) if zmax is None and values else (zmax if zmax is not None else 1.0)
    if target is not None and target_direction:  # red where a county misses the target, blue where it meets it
        colorscale = colours.target_colorscale(low, high, target, target_direction)
    fraction = f"{t('numerator', lang)} / {t('denominator', lang)}"
    no_data = t("map_no_data", lang)
    missing = {code: t("map_outside_scope", lang) if code in outside else no_data for code in names}

    features = {f["properties"]["region_code"]: f for f in collection["features"]}
    points = {code: label_point(features[code]["geometry"]) for code in names}
    by_code = {c: (n, v, a, b) for c, n, v, a, b in zip(shown_codes, shown_names, values, nums, dens)}
    fig = go.Figure()
    fills: dict[str, str] = {}
    for code, county in names.items():
        xs, ys = polygon_xy(features[code]["geometry"])
        if code in by_code:
            name, value, num, den = by_code[code]
            fill = colour_for(value, low, high, colorscale)
            hover = f"{name}：{value_text(value, unit, lang)}"
            if has_fraction:
                hover += f"（{fmt.fraction(num, den)}）"
        else:
            name, value, fill, hover = county, None, NO_DATA_COLOUR, f"{county}：{missing[code]}"
        fills[code] = fill
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines", fill="toself", fillcolor=fill,
            line={"color": BORDER_COLOUR, "width": 1.2}, name=hover, hoveron="fills", hoverinfo="name",
            showlegend=False, meta={"region_code": code, "value": value},
        ))

    hover = "<b>%{customdata[0]}</b><br>" + label + "：%{customdata[3]}"
    if has_fraction:
        hover += f"<br>{fraction}：%{{customdata[1]}} / %{{customdata[2]}}"
    fig.add_trace(go.Scatter(
        x=[points[c][0] for c in shown_codes], y=[points[c][1] for c in shown_codes], ids=shown_codes,
        mode="markers", name=label, showlegend=False,
        customdata=[[n, fmt.count(a), fmt.count(b), value_text(v, unit, lang)]
                    for n, a, b, v in zip(shown_names, nums, dens, values)],
        marker={"color": values, "colorscale": colorscale, "cmin": low, "cmax": high, "size": 18,
                "opacity": 0, "showscale": bool(shown_codes),
                # under the map, not beside it: on a phone a side bar takes half the width
                "colorbar": {"title": {"text": label, "side": "top"}, "tickformat": TICK_FORMATS.get(unit, ".0%"),
                             "thickness": 12, "orientation": "h", "x": 0, "xanchor": "left", "y": -0.02,
                             "yanchor": "top", "len": 1.0}},
        hovertemplate=hover + "<extra></extra>",
    ))
    if show_labels:
        name_of = dict(zip(shown_codes, shown_names))
        spots = label_spots(collection)
        leaders_x: list = []
        leaders_y: list = []
        for code in names:
            if spots[code] != points[code]:
                leaders_x += [points[code][0], spots[code][0], None]
                leaders_y += [points[code][1], spots[code][1], None]
        if leaders_x:
            fig.add_trace(go.Scatter(x=leaders_x, y=leaders_y, mode="lines", hoverinfo="skip", showlegend=False,
                                     line={"color": "#666666", "width": 0.8}, name="leaders"))
        fig.add_trace(go.Scatter(
            x=[spots[c][0] for c in names], y=[spots[c][1] for c in names],
            textposition=["middle left" if spots[c] != points[c] else "middle center" for c in names],
            text=[name_of.get(code, names[code]) + ("" if code in name_of else f"<br>（{missing[code]}）")
                  for code in names],
            mode="text", textfont={"size": 11, "color": [
                "#ffffff" if spots[c] == points[c] and _is_dark(fills[c]) else "#222222" for c in names]},
            hoverinfo="skip", showlegend=False,
            name="labels",
        ))
    lats = [y for f in features.values() for y in polygon_xy(f["geometry"])[1] if y is not None]
    mean_lat = sum(lats) / len(lats) if lats else 41.9
    west = min(x for f in features.values() for x in polygon_xy(f["geometry"])[0] if x is not None)
    east = max(x for f in features.values() for x in polygon_xy(f["geometry"])[0] if x is not None)
    fig.update_xaxes(visible=False, scaleanchor="y", scaleratio=math.cos(math.radians(mean_lat)),
                     constrain="domain", range=[west - 0.35, east + 0.05])
    fig.update_yaxes(visible=False, constrain="domain")
    fig.update_layout(
        title={"text": title, "x": 0},
        font={"family": FONT_FAMILY},
        margin={"l": 0, "r": 0, "t": 50 if title else 10, "b": 70},
        height=height,
        plot_bgcolor="rgba(0,0,0,0)",
        paper_bgcolor="rgba(0,0,0,0)",
        hovermode="closest",
        separators=".,",
    )
    return fig
