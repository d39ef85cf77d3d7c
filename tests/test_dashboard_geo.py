"""The vendored county boundaries and the choropleth builder (pure: no browser, no network)."""
from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from dashboard import figures_map, geo
from serving import formatters as fmt

COUNTIES = {
    "210402": "新抚区", "210403": "东洲区", "210404": "望花区", "210411": "顺城区",
    "210421": "抚顺县", "210422": "新宾满族自治县", "210423": "清原满族自治县",
}


def rings(feature):
    geometry = feature["geometry"]
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    for polygon in polygons:
        for index, ring in enumerate(polygon):
            yield index, ring


def segments_cross(a, b, c, d) -> bool:
    def orient(p, q, r):
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
    d1, d2, d3, d4 = orient(c, d, a), orient(c, d, b), orient(a, b, c), orient(a, b, d)
    return ((d1 > 0) != (d2 > 0) and d1 != 0 and d2 != 0) and ((d3 > 0) != (d4 > 0) and d3 != 0 and d4 != 0)


def self_intersects(ring) -> bool:
    segs = list(zip(ring, ring[1:]))
    boxes = [(min(a[0], b[0]), max(a[0], b[0]), min(a[1], b[1]), max(a[1], b[1])) for a, b in segs]
    order = sorted(range(len(segs)), key=lambda i: boxes[i][0])
    for pos, i in enumerate(order):
        for j in order[pos + 1:]:
            if boxes[j][0] > boxes[i][1]:
                break
            if abs(i - j) <= 1 or {i, j} == {0, len(segs) - 1}:
                continue  # neighbours share an end point
            if boxes[j][2] > boxes[i][3] or boxes[i][2] > boxes[j][3]:
                continue
            if segments_cross(*segs[i], *segs[j]):
                return True
    return False


def test_geojson_file_is_small_and_has_exactly_the_seven_counties():
    assert geo.GEOJSON_PATH.stat().st_size < 300_000
    collection = json.loads(geo.GEOJSON_PATH.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    props = [f["properties"] for f in collection["features"]]
    assert {p["region_code"]: p["name"] for p in props} == COUNTIES
    assert all(isinstance(p["region_code"], str) for p in props)
    assert geo.county_names() == COUNTIES
    assert geo.boundaries() is geo.boundaries()  # cached


@pytest.mark.parametrize("code", sorted(COUNTIES))
def test_every_county_is_a_valid_polygon_in_fushun(code):
    (feature,) = [f for f in geo.boundaries()["features"] if f["properties"]["region_code"] == code]
    assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
    for index, ring in rings(feature):
        assert len(ring) >= 4 and ring[0] == ring[-1]
        assert all(a != b for a, b in zip(ring, ring[1:])), "repeated position"
        for lon, lat in ring:
            assert 123.3 < lon < 125.6 and 41.2 < lat < 42.6  # 抚顺市's bounding box
            assert round(lon, 5) == lon and round(lat, 5) == lat
        area = figures_map._signed_area(ring)
        assert (area > 0) if index == 0 else (area < 0)  # RFC 7946 winding
        assert not self_intersects(ring)


def test_d3_winding_reverses_exteriors_and_label_points_fall_in_the_city():
    wound = figures_map.d3_wound(geo.boundaries())
    for feature in wound["features"]:
        for index, ring in rings(feature):
            area = figures_map._signed_area(ring)
            assert (area < 0) if index == 0 else (area > 0)
        lon, lat = figures_map.label_point(feature["geometry"])
        assert 123.3 < lon < 125.6 and 41.2 < lat < 42.6
    # the cached original is untouched
    for feature in geo.boundaries()["features"]:
        for index, ring in rings(feature):
            assert figures_map._signed_area(ring) > 0 or index > 0


def frame():
    return pd.DataFrame({
        "region_code": ["210402", "210403", "210404", "210411", "210421", "210422"],
        "rate": [0.91, 0.85, 0.5, 1.0, 0.0, 0.733],
        "numerator": [91, 17, 1, 3, 0, 1234],
        "denominator": [100, 20, 2, 3, 5, 1683],
    })


def split(fig):
    """(polygon traces per county, the values trace, the labels trace or None)."""
    polygons = [tr for tr in fig.data if tr.fill == "toself"]
    rest = [tr for tr in fig.data if tr.fill != "toself" and tr.name not in ("labels", "leaders")]
    (values,) = rest
    labels = [tr for tr in fig.data if tr.name == "labels"]
    return polygons, values, (labels[0] if labels else None)


def test_choropleth_data_equals_the_input_and_the_missing_county_is_grey_no_data():
    df = frame()
    fig = figures_map.choropleth(df, "rate", value_label="完成率")
    polygons, values, labels = split(fig)
    assert list(values.ids) == df["region_code"].tolist()
    assert list(values.marker.color) == df["rate"].tolist()
    assert values.marker.showscale is True and values.marker.opacity == 0
    assert values.marker.colorbar.title.text == "完成率"
    assert "%{customdata[3]}" in values.hovertemplate and "完成率" in values.hovertemplate
    assert "分子 / 分母" in values.hovertemplate
    # every number written by serving.formatters: the rate as a percent, counts with separators
    assert [list(c) for c in values.customdata][-1] == ["新宾满族自治县", "1,234", "1,683",
                                                        fmt.percent(df["rate"].iloc[-1])]
    assert values.marker.colorbar.tickformat == ".0%"
    # one filled polygon per county, coloured from the scale; the missing county grey, 无数据
    assert [tr.meta["region_code"] for tr in polygons] == list(COUNTIES)
    by_code = {tr.meta["region_code"]: tr for tr in polygons}
    assert by_code["210423"].fillcolor == figures_map.NO_DATA_COLOUR and "无数据" in by_code["210423"].name
    assert by_code["210423"].meta["value"] is None
    assert by_code["210402"].meta["value"] == 0.91
    assert by_code["210402"].name == "新抚区：91.0%（91 / 100）"
    # the lowest value gets the light end of Blues, the highest the dark end
    assert by_code["210421"].fillcolor == "rgb(247, 251, 255)"
    assert by_code["210411"].fillcolor == "rgb(8, 48, 107)"
    assert len({by_code[c].fillcolor for c in ("210402", "210403", "210404")}) == 3
    assert "清原满族自治县<br>（无数据）" in labels.text
    assert "新抚区" in labels.text
    # plain x/y axes in true shape: no geo subplot, nothing to fetch from a CDN
    assert {type(trace).__name__ for trace in fig.data} == {"Scatter"}
    assert fig.layout.xaxis.scaleanchor == "y"
    assert fig.layout.xaxis.scaleratio == pytest.approx(math.cos(math.radians(41.9)), abs=0.01)
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    for tr in polygons:
        xs = [x for x in tr.x if x is not None]
        ys = [y for y in tr.y if y is not None]
        assert all(123.3 < x < 125.6 for x in xs) and all(41.2 < y < 42.6 for y in ys)


def test_choropleth_without_fraction_columns_and_with_gaps():
    df = pd.DataFrame({"region_code": ["210400", "210402", "210403"], "score": [88.0, 90.5, None]})
    fig = figures_map.choropleth(df, "score", unit="score", show_labels=False, lang="en")
    polygons, values, labels = split(fig)
    assert labels is None
    assert list(values.ids) == ["210402"] and list(values.marker.color) == [90.5]  # no city total, no null
    assert "customdata[1]" not in values.hovertemplate
    grey = {tr.meta["region_code"] for tr in polygons if tr.fillcolor == figures_map.NO_DATA_COLOUR}
    assert grey == set(COUNTIES) - {"210402"}
    assert all("No data" in tr.name for tr in polygons if tr.fillcolor == figures_map.NO_DATA_COLOUR)
    assert [tr.name for tr in polygons if tr.meta["region_code"] == "210402"] == ["新抚区：90.5"]
    assert [list(c)[3] for c in values.customdata] == ["90.5"]


def test_choropleth_of_an_empty_frame_is_all_grey_and_duplicates_are_refused():
    fig = figures_map.choropleth(pd.DataFrame({"region_code": [], "rate": []}), "rate")
    polygons, values, _ = split(fig)
    assert list(values.ids) == [] and values.marker.showscale is False
    assert len(polygons) == 7 and {tr.fillcolor for tr in polygons} == {figures_map.NO_DATA_COLOUR}
    with pytest.raises(ValueError, match="one row per"):
        figures_map.choropleth(pd.DataFrame({"region_code": ["210402", "210402"], "rate": [1, 2]}), "rate")


def test_small_urban_districts_get_labels_west_of_the_city_with_leader_lines():
    spots = figures_map.label_spots(geo.boundaries())
    points = {f["properties"]["region_code"]: figures_map.label_point(f["geometry"]) for f in geo.boundaries()["features"]}
    moved = {code for code in spots if spots[code] != points[code]}
    assert moved and moved <= {"210402", "210403", "210404", "210411"}
    assert "210422" not in moved and "210423" not in moved  # the big counties keep their centroid labels
    ys = sorted(spots[c][1] for c in moved)
    assert all(b - a >= 0.1 for a, b in zip(ys, ys[1:]))  # stacked, never overlapping
    fig = figures_map.choropleth(frame(), "rate")
    (leaders,) = [tr for tr in fig.data if tr.name == "leaders"]
    assert len([x for x in leaders.x if x is None]) == len(moved)


def test_colour_for_interpolates_and_clamps():
    assert figures_map.colour_for(0, 0, 1, "Blues") == "rgb(247, 251, 255)"
    assert figures_map.colour_for(5, 0, 1, "Blues") == "rgb(8, 48, 107)"
    assert figures_map.colour_for(0.3, 0.3, 0.3, [[0, "#000000"], [1, "#ffffff"]]).startswith("rgb(")


def test_vendor_script_helpers_simplify_and_orient(tmp_path):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "scripts" / "vendor_boundaries.py"
    spec = importlib.util.spec_from_file_location("vendor_boundaries", path)
    vendor = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(vendor)
    # a clockwise square with a nearly collinear extra point: simplified, closed, counter-clockwise
    square = [[0, 0], [0, 1], [0.5, 1.000001], [1, 1], [1, 0], [0, 0]]
    out = vendor.compact_geometry({"type": "Polygon", "coordinates": [square]}, tolerance=0.001)
    (polygon,) = out["coordinates"]
    assert out["type"] == "MultiPolygon" and len(polygon[0]) == 5
    assert vendor.signed_area(polygon[0]) == pytest.approx(1)
    assert not math.isnan(vendor.signed_area(polygon[0]))


def test_counties_outside_the_readers_view_are_not_called_empty():
    """A county account reads its own county only: the others are grey and 不在查看范围, while a county
    inside the view without a value is still 无数据."""
    own = pd.DataFrame({"region_code": ["210402"], "rate": [0.8]})
    fig = figures_map.choropleth(own, "rate", outside=frozenset(COUNTIES) - {"210402"})
    polygons, values, labels = split(fig)
    assert list(values.ids) == ["210402"]
    by_code = {tr.meta["region_code"]: tr for tr in polygons}
    assert by_code["210402"].fillcolor != figures_map.NO_DATA_COLOUR
    others = [by_code[c] for c in COUNTIES if c != "210402"]
    assert all(tr.fillcolor == figures_map.NO_DATA_COLOUR and "不在查看范围" in tr.name for tr in others)
    assert "无数据" not in "".join(labels.text) and "清原满族自治县<br>（不在查看范围）" in labels.text
    empty_own = figures_map.choropleth(pd.DataFrame({"region_code": ["210402"], "rate": [None]}), "rate",
                                       outside=frozenset(COUNTIES) - {"210402"}, lang="en")
    by_code = {tr.meta["region_code"]: tr for tr in split(empty_own)[0]}
    assert "No data" in by_code["210402"].name and "Outside your view" in by_code["210411"].name
