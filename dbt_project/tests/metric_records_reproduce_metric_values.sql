-- The audit trail lists exactly the records behind each metric cell: for every metric that
-- fct_metric_records covers, counting its records per department and year reproduces numerator and
-- denominator of fct_metric_values (sampling ratios: numerator only; their denominator is the register).
-- Rows returned = cells where the two disagree.
with

records as (

    select
        metric_code,
        dept_code,
        year,
        count(distinct case when in_numerator then record_key end) as numerator,
        count(distinct case when in_denominator then record_key end) as denominator
    from {{ ref('fct_metric_records') }}
    group by metric_code, dept_code, year

),

covered as (

    select distinct metric_code from {{ ref('fct_metric_records') }}

),

metric_values as (

    select metric_code, dept_code, year, numerator, denominator
    from {{ ref('fct_metric_values') }}
    where scope = 'department'
        and grain = 'year'
        and metric_code in (select metric_code from covered)

),

compared as (

    select
        coalesce(metric_values.metric_code, records.metric_code) as metric_code,
        coalesce(metric_values.dept_code, records.dept_code) as dept_code,
        coalesce(metric_values.year, records.year) as year,
        metric_values.numerator as value_numerator,
        records.numerator as records_numerator,
        metric_values.denominator as value_denominator,
        records.denominator as records_denominator
    from metric_values
    full outer join records
        on metric_values.metric_code = records.metric_code
        and metric_values.dept_code = records.dept_code
        and metric_values.year = records.year

)

select *
from compared
where coalesce(value_numerator, 0) <> coalesce(records_numerator, 0)
    or (metric_code not like 'sampling_ratio%'
        and coalesce(value_denominator, 0) <> coalesce(records_denominator, 0))
