-- 临时任务占比: temporary tasks / tasks (by count) and draws of temporary tasks / draws (by scale, one
-- per task x object). The rules live in the record models int_metric_records__tasks and
-- int_metric_records__draws; this mart counts their records at every scope and grain
-- (macro metric_from_records), as fct_metric_records lists them.
with

task_records as (

    select * from {{ ref('int_metric_records__tasks') }}

),

draw_records as (

    select * from {{ ref('int_metric_records__draws') }}

),

by_count as (
    {{ metric_from_records('task_records', 'temporary_task_share_tasks') }}
),

by_objects as (
    {{ metric_from_records('draw_records', 'temporary_task_share_objects') }}
),

unioned as (

    select * from by_count
    union all
    select * from by_objects

),

final as (

    select
        *,
        {{ metric_rate('numerator', 'denominator') }} as rate
    from unioned

)

select * from final
