"""Offline county-level boundaries of 抚顺市 (GB/T 2260 code CITY_CODE, which names the file), read from the
GeoJSON checked in under dashboard/geo/ (see its README for the source, licence and how to regenerate).
No network, no geo libraries; read once per process.

Note: this module `dashboard.geo` and the data folder `dashboard/geo/` share a name on purpose (the
folder has no __init__.py, so `import dashboard.geo` finds this module).
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

CITY_CODE = "210400"
GEOJSON_PATH = Path(__file__).resolve().parent / "geo" / f"fushun_{CITY_CODE}.geojson"
FEATURE_ID_KEY = "properties.region_code"


@lru_cache(maxsize=1)
def boundaries() -> dict:
    """The FeatureCollection of the 7 county-level divisions (properties region_code, name).

    Cached and shared between callers: treat it as read-only."""
    return json.loads(GEOJSON_PATH.read_text(encoding="utf-8"))


def county_names(geojson: dict | None = None) -> dict[str, str]:
    """region_code -> Chinese name, in the file's (code) order."""
    collection = boundaries() if geojson is None else geojson
    return {f["properties"]["region_code"]: f["properties"]["name"] for f in collection["features"]}
