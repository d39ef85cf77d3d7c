-- 联合抽查占比: joint tasks / tasks; joint object-visits / object-visits; and 进一次门查多项事:
-- item checks / object-visits. An object-visit is a distinct (object, inspection date) among the
-- results of the lead department's tasks (distinct over the whole scope, so one visit shared by two
-- tasks on one day counts once at region and city level). Item checks: the item codes of each
-- result (every participant of a joint task records its own), else the task's item count.
with

tasks as (

    select * from {{ ref('int_task__resolved') }}
    where dept_code is not null

),

visits as (

    select
        task_dept_code as dept_code,
        task_region_code as region_code,
        year,
        period_date,
        is_joint,
        visit_key,
        item_checks
    from {{ ref('int_result__resolved') }}
    where task_dept_code is not null
        and inspection_date is not null

),

by_tasks as (
    {{ metric_scopes('tasks', 'joint_task_share_tasks', 'count(*) filter (where is_joint)', 'count(*)') }}
),

by_visits as (
    {{ metric_scopes('visits', 'joint_visit_share',
        'count(distinct case when is_joint then visit_key end)', 'count(distinct visit_key)') }}
),

saved as (
    {{ metric_scopes('visits', 'visits_saved', 'coalesce(sum(item_checks), 0)', 'count(distinct visit_key)') }}
),

unioned as (

    select * from by_tasks
    union all
    select * from by_visits
    union all
    select * from saved

),

final as (

    select
        *,
        {{ metric_rate('numerator', 'denominator') }} as rate
    from unioned

)

select * from final
