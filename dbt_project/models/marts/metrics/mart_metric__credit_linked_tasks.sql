-- 信用风险分类结果运用: random tasks whose draw used credit-class ratios (is_credit_linked) / random
-- tasks, a random task being one with at least one 随机抽取 draw. Tasks without such a draw are not in
-- the denominator (a department with only 全覆盖 / 直接指派 tasks gets a NULL rate).
with

tasks as (

    select * from {{ ref('int_task__resolved') }}
    where dept_code is not null

),

random_tasks as (

    select distinct task_id
    from {{ ref('int_draw__resolved') }}
    where is_random_draw

),

flagged as (

    select
        tasks.*,
        random_tasks.task_id is not null as is_random_task
    from tasks
    left join random_tasks
        on tasks.task_id = random_tasks.task_id

),

scoped as (
    {{ metric_scopes('flagged', 'credit_linked_task_share',
        'count(*) filter (where is_random_task and is_credit_linked)', 'count(*) filter (where is_random_task)') }}
),

final as (

    select
        *,
        {{ metric_rate('numerator', 'denominator') }} as rate
    from scoped

)

select * from final
