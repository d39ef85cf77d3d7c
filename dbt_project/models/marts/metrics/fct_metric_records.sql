-- 审计追溯: the records behind each metric's numerator and denominator, one row per metric x record,
-- keyed like fct_metric_values (metric_code, dept_code, region_code, year, period_date), so any metric
-- cell lists its records: filter by metric_code, year (and period_date within the period), then
-- dept_code (scope department), region_code (scope region) or nothing (scope city). The numerator of
-- a cell = distinct record_key with in_numerator, the denominator = distinct record_key with
-- in_denominator.
-- This is the union of the record models (macro metric_record_models), the same records the
-- mart_metric__* models count (macro metric_from_records): each rule is written once, in its record
-- model, so a cell and its records cannot differ. Records in neither the numerator nor the denominator
-- (e.g. the draws of a task without a random draw, for credit_linked_task_share) make their cell exist
-- in the marts but are not listed here.
-- Not listed: the register behind the sampling-ratio denominators (objects on the register on
-- 1 January, int_object__register_at_year_start), mechanisms (mart_metric__mechanism_coverage_detail)
-- and visits_saved (a sum of item checks over the joint_visit_share visits, not a count of records).
-- 不予公示: a result with a nondisclosure reason is listed (it counts) under a masked token instead of
-- its id and without its content (macros mask_nondisclosed / withhold_nondisclosed, applied in the
-- record models).
{%- set columns = metric_record_columns() %}
with

{% for m in metric_record_models() %}
{{ m }} as (

    select {{ columns | join(', ') }}
    from {{ ref(m) }}

),

{% endfor -%}
unioned as (

    {% for m in metric_record_models() %}
    select * from {{ m }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

)

select *
from unioned
where coalesce(in_numerator, false) or coalesce(in_denominator, false)
