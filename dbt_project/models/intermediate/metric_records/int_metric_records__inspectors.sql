-- Metric records of 检查人员参与率 inspector_participation: one row per inspector in the register during
-- an assessment year, for the inspector's department, in the numerator when matched to a task of that
-- year. The rule (in the register, matched) is int_inspector__participation_records'; this model only
-- gives it the record columns. Annual only (period_date NULL).
{{ config(materialized="ephemeral") }}
with

records as (

    select * from {{ ref('int_inspector__participation_records') }}

),

final as (

    select
        'inspector_participation' as metric_code,
        dept_code,
        region_code,
        year,
        cast(null as date) as period_date,
        'inspector' as record_kind,
        inspector_id as record_key,
        cast(null as string) as task_id,
        cast(null as string) as uscc,
        cast(null as date) as record_date,
        cast(null as string) as detail,
        is_matched as in_numerator,
        true as in_denominator
    from records

)

select * from final
