"""The choices a reader can make: the years with figures, the county-level divisions, the departments
(names from dim_unit) and the latest month with figures."""
from __future__ import annotations

import pandas as pd

from serving import snapshot
from serving.snapshot import query


def filter_options(lang: str = "zh") -> dict:
    """years, regions (code -> name: the counties and districts, not 市本级), depts (code -> name) and the
    latest month with figures. One query: every page calls it first."""
    sx = "en" if lang == "en" else "zh"
    row = query(
        f"""
        SELECT (SELECT list(DISTINCT year ORDER BY year) FROM marts.fct_metric_values) AS years,
               (SELECT list(u.unit_code ORDER BY u.sort_order) FROM marts.dim_unit AS u
                JOIN marts.dim_region AS r ON r.region_code = u.unit_code
                WHERE u.scope = 'region' AND NOT r.is_city) AS region_codes,
               (SELECT list(u.unit_name_{sx} ORDER BY u.sort_order) FROM marts.dim_unit AS u
                JOIN marts.dim_region AS r ON r.region_code = u.unit_code
                WHERE u.scope = 'region' AND NOT r.is_city) AS region_names,
               (SELECT list(unit_code ORDER BY region_code, unit_code) FROM marts.dim_unit WHERE scope = 'department') AS dept_codes,
               (SELECT list(unit_name_{sx} ORDER BY region_code, unit_code) FROM marts.dim_unit WHERE scope = 'department') AS dept_names,
               (SELECT max(period_start) FROM marts.fct_metric_values WHERE grain = 'month') AS latest
        """
    ).iloc[0]

    def items(column: str) -> list:
        value = row[column]
        return [] if value is None or (not hasattr(value, "__len__") and pd.isna(value)) else list(value)

    value = row["latest"]
    return {
        "years": [int(y) for y in items("years")],
        "regions": dict(zip(items("region_codes"), items("region_names"))),
        "depts": dict(zip(items("dept_codes"), items("dept_names"))),
        "latest": None if value is None or pd.isna(value) else pd.Timestamp(value).date(),
    }


def department(dept_code: str, lang: str = "zh") -> pd.DataFrame:
    """One department: code, name, short name, level, region and its name, membership."""
    sx = "en" if lang == "en" else "zh"
    return query(
        f"""SELECT d.dept_code, u.unit_name_{sx} AS dept_name, u.unit_short_name_{sx} AS dept_short_name,
                  d.dept_level, d.region_code, d.is_member, u.region_name_{sx} AS region_name
           FROM marts.dim_department AS d
           LEFT JOIN marts.dim_unit AS u ON u.scope = 'department' AND u.unit_code = d.dept_code
           WHERE d.dept_code = ?""",
        (dept_code,),
    )


def scope_known(scope) -> bool:
    """Whether a reader's county or department (serving.scope.Scope) is one the published data knows;
    read before the reader's scope applies, so through none. True when nothing is published yet."""
    if scope.citywide:
        return True
    try:
        path, mtime_ns = snapshot.version()
    except snapshot.NotPublished:
        return True  # nothing to read yet: the pages say so
    if scope.region:
        sql, code = "SELECT count(*) AS n FROM marts.dim_region WHERE region_code = ? AND NOT is_city", scope.region
    else:
        sql, code = "SELECT count(*) AS n FROM marts.dim_department WHERE dept_code = ?", scope.dept
    return int(snapshot.run_query(path, mtime_ns, sql, (code,)).iloc[0]["n"]) > 0
