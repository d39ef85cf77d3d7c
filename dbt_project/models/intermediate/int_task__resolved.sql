-- Tasks with the lead (initiating) department resolved to dept_code / region_code, and the flags the
-- metrics use. Metrics attribute a task to its lead department, the one that plans and draws it.
-- is_temporary: the task did not come from the executing level's own annual plan, i.e. source
-- 上级部署 (a higher level's task carried out locally is temporary for the level that executes it)
-- or 突发情况. year: the year of start_date; period_date (= start_date) places the task in its
-- quarter and month for the sub-year metric grains.
with

tasks as (

    select * from {{ ref('stg_platform__task') }}

),

departments as (

    select * from {{ ref('int_department__name_lookup') }}

),

final as (

    select
        tasks.task_id,
        tasks.lead_dept_name,
        departments.dept_code,
        departments.region_code,
        departments.dept_level,
        departments.is_member,
        departments.dept_code is not null as is_dept_resolved,
        tasks.task_source,
        tasks.task_source in ('上级部署', '突发情况') as is_temporary,
        tasks.task_scope,
        tasks.is_joint,
        tasks.is_credit_linked,
        tasks.is_surprise,
        tasks.item_codes,
        {{ list_count('tasks.item_codes') }} as item_count,
        tasks.start_date,
        tasks.end_date,
        cast(extract(year from tasks.start_date) as int) as year,
        tasks.start_date as period_date
    from tasks
    left join departments
        on tasks.lead_dept_name_key = departments.name_key

)

select * from final
