"""Scheduled assessment reports (issue 5): monthly progress and annual assessment.

content.py  pure functions: serving artefact -> report sections (pandas tables, notes, charts)
charts.py   plotly figures -> PNG through kaleido
pdf.py / xlsx.py / docx_circular.py  renderers
store.py    <data dir>/reports/<kind>/<period>/ with manifest.json, atomic replace, versions kept
generate.py one call that does all of it; __main__.py the CLI; dagster_defs.py assets and schedules
"""
ISSUING_UNIT = "抚顺市推进“双随机、一公开”监管工作联席会议办公室"
KINDS = ("monthly", "annual")
