-- 临时任务占比: temporary tasks / tasks (by count) and objects drawn by temporary tasks / drawn
-- objects (by scale, one per task x object). Tasks whose lead department does not resolve are left
-- out (listed in mart_data_status__unresolved_department_names).
with

tasks as (

    select * from {{ ref('int_task__resolved') }}
    where dept_code is not null

),

draws as (

    select * from {{ ref('int_draw__resolved') }}
    where dept_code is not null

),

by_count as (
    {{ metric_scopes('tasks', 'temporary_task_share_tasks',
        'count(*) filter (where is_temporary)', 'count(*)') }}
),

by_objects as (
    {{ metric_scopes('draws', 'temporary_task_share_objects',
        'count(*) filter (where is_temporary)', 'count(*)') }}
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
