"""The one read layer of the serving artefact, for the dashboard and the reports alike.

Every figure and label either of them shows is a column of a published mart (dbt computes it once);
this package only reads them: `snapshot` (which publish a page or report reads, and the query runner),
the loaders by subject (`units`, `metrics`, `assessment`, `publication`, `records`, `status`), `labels`
(the code labels and names of dim_code_label, dim_unit and dim_metric) and `formatters` (how a number,
date or label is written, in one place). No module here defines a rule: no CASE that decides a status,
a score, a deadline or a name.
"""
