-- Results with the recording department resolved (dept_code / region_code of the department that
-- recorded the result: in a joint task every participant records its own), the task's year, lead
-- department and end date, the category classes of seed result_category_classes, and the number of
-- item checks the result stands for (its item codes; the task's item count when the cell is empty).
-- is_nondisclosed: the result has a nondisclosure reason (国家秘密 / 商业秘密 / 个人隐私); marts built on
-- it show its id only masked (macro mask_nondisclosed) and none of its content.
with

results as (

    select * from {{ ref('stg_platform__result') }}

),

tasks as (

    select * from {{ ref('int_task__resolved') }}

),

departments as (

    select * from {{ ref('int_department__name_lookup') }}

),

classes as (

    select * from {{ ref('result_category_classes') }}

),

final as (

    select
        results.result_id,
        results.task_id,
        results.uscc,
        results.dept_name,
        departments.dept_code,
        departments.region_code,
        tasks.dept_code as task_dept_code,
        tasks.region_code as task_region_code,
        tasks.year,
        tasks.period_date,
        tasks.is_joint,
        tasks.end_date as task_end_date,
        results.inspection_date,
        results.uscc || '|' || cast(results.inspection_date as string) as visit_key,
        results.result_category,
        coalesce(classes.is_no_problem, false) as is_no_problem,
        coalesce(classes.is_problem, false) as is_problem,
        coalesce(classes.is_closed_object, false) as is_closed_object,
        results.formed_date,
        results.formed_date is not null and results.formed_date <= tasks.end_date as is_formed_by_task_end,
        results.follow_up_status,
        results.follow_up_status = '已办结' as is_follow_up_closed,
        coalesce({{ list_count('results.item_codes') }}, tasks.item_count) as item_checks,
        results.nondisclosure_reason is not null as is_nondisclosed
    from results
    left join tasks
        on results.task_id = tasks.task_id
    left join departments
        on results.dept_name_key = departments.name_key
    left join classes
        on results.result_category = classes.result_category

)

select * from final
