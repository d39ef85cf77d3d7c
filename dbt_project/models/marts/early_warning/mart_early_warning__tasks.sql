-- 预警：任务。Tasks still running on the data's as-of date whose period ends within the next
-- var early_warning_working_days official working days, with objects drawn but not yet inspected (no
-- result with an inspection date on or before the as-of date). One row per task.
with

draws as (

    select * from {{ ref('int_draw__resolved') }}

),

tasks as (

    select * from {{ ref('stg_platform__task') }}

),

results as (

    select * from {{ ref('int_result__resolved') }}

),

calendar as (

    select * from {{ ref('official_calendar') }}

),

inspected as (

    select distinct
        results.task_id,
        results.uscc
    from results
    inner join draws
        on results.task_id = draws.task_id
        and results.uscc = draws.uscc
    where results.inspection_date <= draws.as_of_date

),

per_task as (

    select
        draws.task_id,
        draws.dept_code,
        draws.region_code,
        draws.task_end_date,
        draws.as_of_date,
        count(*) as objects_drawn,
        count(inspected.uscc) as objects_inspected
    from draws
    left join inspected
        on draws.task_id = inspected.task_id
        and draws.uscc = inspected.uscc
    where draws.task_end_date >= draws.as_of_date
    group by draws.task_id, draws.dept_code, draws.region_code, draws.task_end_date, draws.as_of_date

),

with_days as (

    select
        per_task.*,
        -- a task ending on a rest day has its last working day before it (the seq of a rest day is
        -- the previous working day's)
        end_day.working_day_seq
            - as_of_day.working_day_seq
            - case when as_of_day.is_working_day then 0 else 1 end as working_days_left
    from per_task
    inner join calendar as end_day
        on per_task.task_end_date = end_day.calendar_date
    inner join calendar as as_of_day
        on per_task.as_of_date = as_of_day.calendar_date

),

final as (

    select
        with_days.task_id,
        tasks.task_name,
        with_days.dept_code,
        tasks.lead_dept_name as dept_name,
        with_days.region_code,
        tasks.start_date,
        with_days.task_end_date as end_date,
        with_days.as_of_date,
        with_days.working_days_left,
        with_days.objects_drawn,
        with_days.objects_inspected,
        with_days.objects_drawn - with_days.objects_inspected as objects_uninspected
    from with_days
    inner join tasks
        on with_days.task_id = tasks.task_id
    where with_days.objects_drawn > with_days.objects_inspected
        and with_days.working_days_left <= {{ var('early_warning_working_days') }}

)

select * from final
