-- Metric records of 抽查事项覆盖率 item_coverage: one row per listed item in force during an assessment
-- year, for the item's department, in the numerator when a task of that year lists it. The rule (in
-- force, used) is int_item__coverage_records'; this model only gives it the record columns. Annual only
-- (period_date NULL).
{{ config(materialized="ephemeral") }}
with

records as (

    select * from {{ ref('int_item__coverage_records') }}

),

final as (

    select
        'item_coverage' as metric_code,
        dept_code,
        region_code,
        year,
        cast(null as date) as period_date,
        'item' as record_kind,
        item_code as record_key,
        cast(null as string) as task_id,
        cast(null as string) as uscc,
        cast(null as date) as record_date,
        cast(null as string) as detail,
        is_used as in_numerator,
        true as in_denominator
    from records

)

select * from final
