-- Drawn objects (one row per task x object) with the task's lead department, region, year and flags,
-- and whether a result was formed by the task end date: 完成率 counts a draw finished when such a
-- result is not a closed-object category (关闭停业 / 注销吊销迁出 / 未开展经营活动); 完结率 counts any
-- such result (closed objects count as finished). Results of every recording department count.
-- is_task_due: the task ended before the build's as-of date (int_as_of_date, shared with the
-- publication models), so its draws are due to have results; the completion metrics count only those.
with

draws as (

    select * from {{ ref('stg_platform__draw') }}

),

tasks as (

    select * from {{ ref('int_task__resolved') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

results_by_draw as (

    select
        task_id,
        uscc,
        count(*) as results,
        max(case when is_formed_by_task_end then 1 else 0 end) = 1 as has_result_by_end,
        max(case when is_formed_by_task_end and not is_closed_object then 1 else 0 end) = 1
            as has_open_result_by_end
    from {{ ref('int_result__resolved') }}
    group by task_id, uscc

),

final as (

    select
        draws.task_id,
        draws.uscc,
        tasks.dept_code,
        tasks.region_code,
        tasks.year,
        tasks.period_date,
        tasks.is_temporary,
        tasks.is_joint,
        tasks.is_credit_linked,
        tasks.end_date as task_end_date,
        as_of.as_of_date,
        as_of.as_of_date is null or tasks.end_date < as_of.as_of_date as is_task_due,
        draws.draw_date,
        draws.draw_mode,
        draws.draw_mode = '随机抽取' as is_random_draw,
        draws.credit_class_at_draw,
        coalesce(results_by_draw.results, 0) as results,
        coalesce(results_by_draw.has_open_result_by_end, false) as is_completed,
        coalesce(results_by_draw.has_result_by_end, false) as is_closed_out
    from draws
    cross join as_of
    inner join tasks
        on draws.task_id = tasks.task_id
    left join results_by_draw
        on draws.task_id = results_by_draw.task_id
        and draws.uscc = results_by_draw.uscc

)

select * from final
