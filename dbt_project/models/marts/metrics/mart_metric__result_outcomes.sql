-- 后续处置率 follow_up_closure_rate and 问题发现率 problem_finding_rate, per recording department and task
-- year. The rules (problem classes, follow-up 已办结) live in int_metric_records__results; this mart
-- counts its records at every scope and grain (macro metric_from_records).
with

result_records as (

    select * from {{ ref('int_metric_records__results') }}

),

scoped as (
    {{ metric_from_records('result_records', ['follow_up_closure_rate', 'problem_finding_rate']) }}
),

final as (

    select
        *,
        {{ metric_rate('numerator', 'denominator') }} as rate
    from scoped

)

select * from final
