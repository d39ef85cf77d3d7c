-- 任务完成率 task_completion_rate and 任务完结率 task_closure_rate (the two published definitions, both
-- shown). The rules (result by the task end date; closed-object categories; only tasks that ended
-- before the as-of date) live in int_metric_records__draws; this mart counts its records at every
-- scope and grain (macro metric_from_records).
with

draw_records as (

    select * from {{ ref('int_metric_records__draws') }}

),

scoped as (
    {{ metric_from_records('draw_records', ['task_completion_rate', 'task_closure_rate']) }}
),

final as (

    select
        *,
        {{ metric_rate('numerator', 'denominator') }} as rate
    from scoped

)

select * from final
