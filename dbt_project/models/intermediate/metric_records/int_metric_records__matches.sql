-- Metric records of 随机匹配占比 random_match_share: one row per inspector match (task x object x
-- inspector, stg_platform__assignment) of a task whose lead department resolves; in the numerator when
-- made at random (match mode 随机匹配), every match in the denominator (a 直接指派 lowers the rate: how
-- the policy's "special cases" should be deducted is not documented). Counted for the task's lead
-- department in the year of its start date.
{{ config(materialized="ephemeral") }}
with

assignments as (

    select * from {{ ref('stg_platform__assignment') }}

),

tasks as (

    select * from {{ ref('int_task__resolved') }}
    where dept_code is not null

),

final as (

    select
        'random_match_share' as metric_code,
        tasks.dept_code,
        tasks.region_code,
        tasks.year,
        tasks.period_date,
        'assignment' as record_kind,
        {{ dbt.concat(["assignments.task_id", "'|'", "coalesce(assignments.uscc, '')", "'|'", "assignments.inspector_id"]) }} as record_key,
        assignments.task_id,
        assignments.uscc,
        cast(null as date) as record_date,
        assignments.match_mode as detail,
        assignments.is_random_match as in_numerator,
        true as in_denominator
    from assignments
    inner join tasks
        on assignments.task_id = tasks.task_id

)

select * from final
