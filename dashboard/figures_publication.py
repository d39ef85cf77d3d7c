"""Pure figure builders and frame helpers for 公示时效 (publication timeliness): DataFrames in,
DataFrames / Figures out (no Streamlit, no database). A NULL rate is 不适用, never 0%.
"""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

FONT_FAMILY = "Noto Sans CJK SC, WenQuanYi Micro Hei, Microsoft YaHei, sans-serif"

PALETTE = {"all": "#333333", "plan": "#2f6db5", "task": "#d1495b", "draw_list": "#edae49",
           "result": "#00798c", "decision": "#8d6cab"}
EVENT_LABELS = {
    "zh": {"all": "全部事项", "plan": "抽查计划", "task": "抽查任务", "draw_list": "抽取名单", "result": "检查结果",
           "decision": "处罚等决定"},
    "en": {"all": "All obligations", "plan": "Plans", "task": "Tasks", "draw_list": "Drawn lists",
           "result": "Results", "decision": "Decisions"},
}
STATUS_LABELS = {
    "zh": {"on_time": "按时公示", "late": "逾期公示", "overdue_unpublished": "逾期未公示", "not_yet_due": "未到期",
           "not_required": "无需事前公示", "exempt": "依法不予公示", "published_before_event": "公示早于事项（数据错误）",
           "awaiting_event": "事项未发生", "overdue": "已逾期", "due_soon": "即将到期"},
    "en": {"on_time": "On time", "late": "Published late", "overdue_unpublished": "Overdue, unpublished",
           "not_yet_due": "Not yet due", "not_required": "No prior publication required", "exempt": "Exempt by law",
           "published_before_event": "Published before the event (data error)", "awaiting_event": "Event pending",
           "overdue": "Overdue", "due_soon": "Due soon"},
}
LATE_BUCKETS = ((1, 1, "1"), (2, 2, "2"), (3, 3, "3"), (4, 5, "4–5"), (6, 10, "6–10"), (11, 20, "11–20"),
                (21, 60, "21–60"), (61, None, ">60"))

# Spring Festival (lunar new year's day) per year; the long holiday runs from its eve for 7 days.
SPRING_FESTIVAL = {2018: date(2018, 2, 16), 2019: date(2019, 2, 5), 2020: date(2020, 1, 25),
                   2021: date(2021, 2, 12), 2022: date(2022, 2, 1), 2023: date(2023, 1, 22),
                   2024: date(2024, 2, 10), 2025: date(2025, 1, 29), 2026: date(2026, 2, 17),
                   2027: date(2027, 2, 6)}
HOLIDAY_LABELS = {
    "zh": {"spring": "期限跨春节长假", "national": "期限跨国庆长假", "none": "未跨长假"},
    "en": {"spring": "Window spans Spring Festival", "national": "Window spans National Day",
           "none": "No long holiday in window"},
}


def _layout(fig: go.Figure, title: str, height: int = 380) -> go.Figure:
    fig.update_layout(title=title or None, height=height, font={"family": FONT_FAMILY},
                      margin={"l": 50, "r": 20, "t": 50 if title else 20, "b": 40},
                      legend={"orientation": "h", "y": -0.18}, hovermode="closest")
    return fig


# --- on-time rate over time ------------------------------------------------------------------------

def on_time_frame(df: pd.DataFrame, metric_to_event: dict[str, str], lang: str = "zh") -> pd.DataFrame:
    """Metric rows (metric_code, year, period_start, numerator, denominator, rate) -> one row per event
    type and period with `event_type`, `event_label` and `period` (2023 or 2023-07)."""
    if df.empty:
        return df.assign(event_type=pd.Series(dtype=str), event_label=pd.Series(dtype=str),
                         period=pd.Series(dtype=str))
    out = df.copy()
    out["event_type"] = out["metric_code"].map(metric_to_event)
    out = out[out["event_type"].notna()]
    out["event_label"] = out["event_type"].map(EVENT_LABELS.get(lang, EVENT_LABELS["zh"]))
    out["period"] = pd.to_datetime(out["period_start"]).dt.strftime("%Y-%m")
    order = list(EVENT_LABELS["zh"])
    out["_o"] = out["event_type"].map(order.index)
    return out.sort_values(["_o", "period_start"]).drop(columns="_o").reset_index(drop=True)


def on_time_trend(df: pd.DataFrame, *, grain: str = "year", title: str = "", lang: str = "zh") -> go.Figure:
    """One line per event type: the on-time rate per period; hover numerator / denominator; a gap
    where the rate is NULL (不适用)."""
    fig = go.Figure()
    x_col = "year" if grain == "year" else "period"
    na = "不适用" if lang == "zh" else "n/a"
    for event_type, part in df.groupby("event_type", sort=False):
        texts = [na if pd.isna(r) else f"{r:.1%}" for r in part["rate"]]
        fig.add_trace(go.Scatter(
            x=part[x_col].astype(str), y=part["rate"], name=str(part["event_label"].iloc[0]), mode="lines+markers",
            line={"color": PALETTE.get(event_type), "width": 3 if event_type == "all" else 1.8},
            customdata=list(zip(part["numerator"], part["denominator"], texts)),
            hovertemplate="%{x}<br>%{customdata[2]}（%{customdata[0]} / %{customdata[1]}）<extra>%{fullData.name}</extra>",
        ))
    fig.update_yaxes(tickformat=".0%", range=[0, 1.05])
    fig.update_xaxes(type="category")
    return _layout(fig, title)


# --- working days late -----------------------------------------------------------------------------

def late_buckets(days: pd.Series) -> pd.DataFrame:
    """Counts of obligations per working-days-late bucket (all buckets, zero included)."""
    values = pd.to_numeric(days, errors="coerce").dropna()
    rows = []
    for low, high, label in LATE_BUCKETS:
        mask = values >= low if high is None else values.between(low, high)
        rows.append({"bucket": label, "obligations": int(mask.sum())})
    out = pd.DataFrame(rows)
    total = out["obligations"].sum()
    out["share"] = out["obligations"] / total if total else float("nan")
    return out


def lateness_histogram(buckets: pd.DataFrame, *, title: str = "", lang: str = "zh") -> go.Figure:
    y_title = "事项数" if lang == "zh" else "Obligations"
    x_title = "逾期工作日数" if lang == "zh" else "Working days late"
    fig = go.Figure(go.Bar(
        x=buckets["bucket"], y=buckets["obligations"], marker_color="#d1495b",
        text=buckets["obligations"], textposition="outside",
        hovertemplate="%{x}: %{y}<extra></extra>",
    ))
    fig.update_xaxes(title=x_title, type="category")
    fig.update_yaxes(title=y_title)
    return _layout(fig, title)


# --- long holidays ---------------------------------------------------------------------------------

def holiday_windows(years) -> list[tuple[str, date, date]]:
    """(kind, first day, last day) of the Spring Festival and National Day holidays of `years`."""
    out = []
    for year in sorted({int(y) for y in years}):
        if year in SPRING_FESTIVAL:
            eve = SPRING_FESTIVAL[year] - timedelta(days=1)
            out.append(("spring", eve, eve + timedelta(days=6)))
        out.append(("national", date(year, 10, 1), date(year, 10, 7)))
    return out


def holiday_class(event_date, deadline_date) -> str:
    """`spring` / `national` when the clock window [event_date, deadline_date] overlaps that long
    holiday, else `none`."""
    if pd.isna(event_date) or pd.isna(deadline_date):
        return "none"
    start, end = pd.Timestamp(event_date).date(), pd.Timestamp(deadline_date).date()
    for kind, first, last in holiday_windows(range(start.year, end.year + 1)):
        if first <= end and last >= start:
            return kind
    return "none"


def holiday_effect(due: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Due obligations (status on_time / late / overdue_unpublished, event_date, deadline_date, and
    optionally `obligations`, how many obligations each row stands for) -> per holiday class: due,
    late (late or overdue unpublished), share late."""
    labels = HOLIDAY_LABELS.get(lang, HOLIDAY_LABELS["zh"])
    if due.empty:
        return pd.DataFrame({"holiday": list(labels), "label": list(labels.values()), "due": 0, "late": 0,
                             "share_late": float("nan")})
    kinds = [holiday_class(e, d) for e, d in zip(due["event_date"], due["deadline_date"])]
    weight = due["obligations"].to_numpy() if "obligations" in due else 1
    is_late = due["status"].isin(["late", "overdue_unpublished"]).to_numpy()
    frame = pd.DataFrame({"holiday": kinds, "due": weight, "late": is_late * weight})
    rows = []
    for kind in ("spring", "national", "none"):
        part = frame[frame["holiday"] == kind]
        n, late = int(part["due"].sum()), int(part["late"].sum())
        rows.append({"holiday": kind, "label": labels[kind], "due": n, "late": late,
                     "share_late": late / n if n else float("nan")})
    return pd.DataFrame(rows)


def holiday_bar(effect: pd.DataFrame, *, title: str = "", lang: str = "zh") -> go.Figure:
    na = "不适用" if lang == "zh" else "n/a"
    texts = [na if pd.isna(s) else f"{s:.1%}" for s in effect["share_late"]]
    fig = go.Figure(go.Bar(
        x=effect["label"], y=effect["share_late"], text=texts, textposition="outside",
        marker_color=["#d1495b", "#edae49", "#7a7a7a"][: len(effect)],
        customdata=list(zip(effect["late"], effect["due"])),
        hovertemplate="%{x}<br>%{text}（%{customdata[0]} / %{customdata[1]}）<extra></extra>",
    ))
    fig.update_yaxes(tickformat=".0%", title="逾期占比" if lang == "zh" else "Share late", rangemode="tozero")
    return _layout(fig, title, height=340)
