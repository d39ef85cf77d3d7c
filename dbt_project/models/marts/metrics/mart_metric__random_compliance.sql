-- 随机抽取 / 随机匹配: draws made at random (draw mode 随机抽取: not 全覆盖, not 直接指派) / all draws;
-- inspector matches 随机匹配 / all matches. Both attributed to the task's lead department and year.
with

draws as (

    select * from {{ ref('int_draw__resolved') }}
    where dept_code is not null

),

matches as (

    select
        tasks.dept_code,
        tasks.region_code,
        tasks.year,
        tasks.period_date,
        assignments.is_random_match
    from {{ ref('stg_platform__assignment') }} as assignments
    inner join {{ ref('int_task__resolved') }} as tasks
        on assignments.task_id = tasks.task_id
    where tasks.dept_code is not null

),

random_draws as (
    {{ metric_scopes('draws', 'random_draw_share', 'count(*) filter (where is_random_draw)', 'count(*)') }}
),

random_matches as (
    {{ metric_scopes('matches', 'random_match_share', 'count(*) filter (where is_random_match)', 'count(*)') }}
),

unioned as (

    select * from random_draws
    union all
    select * from random_matches

),

final as (

    select
        *,
        {{ metric_rate('numerator', 'denominator') }} as rate
    from unioned

)

select * from final
