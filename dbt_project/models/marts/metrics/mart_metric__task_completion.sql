-- 任务完成率 and 任务完结率 (the two published definitions, both shown):
--   完成率 task_completion_rate: drawn objects with a result formed by the task end date that is not a
--          closed-object category / drawn objects (closed units are not finished);
--   完结率 task_closure_rate: drawn objects with any result formed by the task end date / drawn objects
--          (关闭停业 / 注销吊销迁出 / 未开展经营活动 count as finished).
-- Categories: seed result_category_classes.is_closed_object. Only draws of tasks that ended before the
-- as-of date of the data (int_draw__resolved.is_task_due) are counted: a running task is not late.
with

draws as (

    select * from {{ ref('int_draw__resolved') }}
    where dept_code is not null
        and is_task_due

),

completion as (
    {{ metric_scopes('draws', 'task_completion_rate', 'count(*) filter (where is_completed)', 'count(*)') }}
),

closure as (
    {{ metric_scopes('draws', 'task_closure_rate', 'count(*) filter (where is_closed_out)', 'count(*)') }}
),

unioned as (

    select * from completion
    union all
    select * from closure

),

final as (

    select
        *,
        {{ metric_rate('numerator', 'denominator') }} as rate
    from unioned

)

select * from final
