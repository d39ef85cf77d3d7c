"""Pure map builder: a county-level choropleth of 抚顺市 from a DataFrame (no Streamlit, no database,
no network).

It uses Plotly's `geo` subplot with the basemap switched off (`visible=False`), so nothing is fetched
from a tile server or Plotly's CDN; the counties come from the checked-in GeoJSON (dashboard/geo.py),
the view fits them (`fitbounds="locations"`). A county with no row, or a row without a value, is drawn
grey and labelled 无数据.
"""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from dashboard import geo
from dashboard.figures import FONT_FAMILY
from dashboard.i18n import DEFAULT_LANG, t

NO_DATA_COLOUR = "#d9d9d9"
BORDER_COLOUR = "#ffffff"
MISSING = "—"


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

def _count(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return MISSING
    number = float(value)
    return f"{int(number):,}" if number.is_integer() else f"{number:,.2f}"


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
    value_format: str = ".1%",
    colorscale: str | list = "Blues",
    zmin: float | None = None,
    zmax: float | None = None,
    show_labels: bool = True,
    lang: str = DEFAULT_LANG,
    height: int = 520,
) -> go.Figure:
    """A choropleth of `value_column` per county (one row per `region_code`, a GB/T 2260 code as text).

    Traces: [0] the counties with a value (locations and z exactly the input rows that have a boundary
    and a non-null value, in input order), [1] the other counties in grey (无数据), [2] the county
    names as text (when `show_labels`). Hover shows the county name, the value (`value_format`, a d3
    format such as ".1%" or ",d") and, when the frame has `numerator_column` and
    `denominator_column`, both. Names come from `name_column` when given, else from the GeoJSON.
    Rows whose code has no boundary (the city total 210400, say) are left out.
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
    has_fraction = numerator_column in df.columns and denominator_column in df.columns
    customdata = [
        [name, _count(num), _count(den)] if has_fraction else [name]
        for name, num, den in zip(
            shown_names,
            shown[numerator_column] if has_fraction else [None] * len(shown),
            shown[denominator_column] if has_fraction else [None] * len(shown),
        )
    ]
    hover = "<b>%{customdata[0]}</b><br>" + label + "：%{z:" + value_format + "}"
    if has_fraction:
        hover += (f"<br>{t('numerator', lang)} / {t('denominator', lang)}："
                  "%{customdata[1]} / %{customdata[2]}")
    wound = d3_wound(collection)
    fig = go.Figure()
    fig.add_trace(go.Choropleth(
        geojson=wound,
        featureidkey=geo.FEATURE_ID_KEY,
        locations=shown_codes,
        z=shown[value_column].astype(float).tolist(),
        customdata=customdata,
        hovertemplate=hover + "<extra></extra>",
        colorscale=colorscale,
        zmin=zmin,
        zmax=zmax,
        marker_line_color=BORDER_COLOUR,
        marker_line_width=1,
        colorbar={"title": {"text": label}, "tickformat": value_format, "thickness": 14},
        name=label,
        showscale=bool(shown_codes),
    ))
    no_data = t("map_no_data", lang)
    missing = [code for code in names if code not in set(shown_codes)]
    fig.add_trace(go.Choropleth(
        geojson=wound,
        featureidkey=geo.FEATURE_ID_KEY,
        locations=missing,
        z=[0] * len(missing),
        customdata=[[names[c]] for c in missing],
        hovertemplate="<b>%{customdata[0]}</b><br>" + no_data + "<extra></extra>",
        colorscale=[[0, NO_DATA_COLOUR], [1, NO_DATA_COLOUR]],
        showscale=False,
        marker_line_color=BORDER_COLOUR,
        marker_line_width=1,
        name=no_data,
        showlegend=bool(missing),
    ))
    if show_labels:
        features = {f["properties"]["region_code"]: f for f in collection["features"]}
        points = [label_point(features[code]["geometry"]) for code in names]
        name_of = dict(zip(shown_codes, shown_names))
        fig.add_trace(go.Scattergeo(
            lon=[p[0] for p in points],
            lat=[p[1] for p in points],
            text=[name_of.get(code, names[code]) + ("" if code in name_of else f"<br>（{no_data}）")
                  for code in names],
            mode="text",
            textfont={"size": 11, "color": "#333333"},
            hoverinfo="skip",
            showlegend=False,
            name="labels",
        ))
    fig.update_geos(
        visible=False,
        fitbounds="locations",
        projection_type="mercator",
        bgcolor="rgba(0,0,0,0)",
    )
    fig.update_layout(
        title={"text": title, "x": 0},
        font={"family": FONT_FAMILY},
        margin={"l": 0, "r": 0, "t": 50 if title else 10, "b": 0},
        height=height,
        legend={"orientation": "h", "y": -0.02, "x": 0},
        separators=".,",
    )
    return fig
